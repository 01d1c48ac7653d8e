"""Mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/inbox/", api.InboxAPI.as_view(), name="api-me-inbox"),
    path("me/inbox/<int:pk>/read/", api.InboxReadAPI.as_view(), name="api-me-inbox-read"),
]
