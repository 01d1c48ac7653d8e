"""Mounted under /staff/ (namespace ``staff_aftersales``)."""

from django.urls import path

from . import staff

app_name = "staff_aftersales"

urlpatterns = [
    path("requests/", staff.RequestsView.as_view(), name="requests"),
    path("requests/<int:pk>/", staff.RequestDetailView.as_view(), name="detail"),
    path("requests/<int:pk>/note/", staff.RequestNoteView.as_view(), name="note"),
    path(
        "requests/<int:pk>/attachments/<int:message_pk>/",
        staff.AttachmentView.as_view(),
        name="attachment",
    ),
]
