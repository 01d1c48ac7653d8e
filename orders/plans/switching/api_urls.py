"""Mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/switches/", api.MySwitchesAPI.as_view(), name="api-me-switches"),
    path("me/switches/<int:pk>/", api.MySwitchAPI.as_view(), name="api-me-switch"),
    path(
        "me/switches/<int:pk>/cancel/", api.SwitchCancelAPI.as_view(), name="api-me-switch-cancel"
    ),
]
