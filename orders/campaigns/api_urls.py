"""Mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/inbox/", api.InboxAPI.as_view(), name="api-me-inbox"),
    path("me/inbox/<int:pk>/read/", api.InboxReadAPI.as_view(), name="api-me-inbox-read"),
]

# --- after-sales notices -----------------------------------------------------------------------

from . import notice_api  # noqa: E402

urlpatterns += [
    path(
        "me/notifications/",
        notice_api.NotificationPreferencesAPI.as_view(),
        name="api-me-notifications",
    ),
]
