from django.urls import path

from . import views

app_name = "aftersales"

urlpatterns = [
    path("me/requests/", views.request_list, name="list"),
    path("me/requests/new/", views.request_new, name="new"),
    path("me/requests/<int:pk>/", views.request_detail, name="detail"),
    path("me/requests/<int:pk>/reply/", views.request_reply, name="reply"),
    path("me/requests/<int:pk>/close/", views.request_close, name="close"),
    path("me/requests/<int:pk>/escalate/", views.request_escalate, name="escalate"),
    path(
        "me/requests/<int:pk>/attachments/<int:message_pk>/",
        views.attachment,
        name="attachment",
    ),
]
