"""Mounted under /portal/ (namespace ``portal_aftersales``)."""

from django.urls import path

from . import portal

app_name = "portal_aftersales"

urlpatterns = [
    path("requests/", portal.RequestsView.as_view(), name="requests"),
    path("requests/<int:pk>/", portal.RequestDetailView.as_view(), name="detail"),
    path("requests/<int:pk>/answer/", portal.RequestAnswerView.as_view(), name="answer"),
    path("requests/<int:pk>/close/", portal.RequestCloseView.as_view(), name="close"),
    path(
        "requests/<int:pk>/attachments/<int:message_pk>/",
        portal.AttachmentView.as_view(),
        name="attachment",
    ),
]
