"""Mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("portal/audience/", api.AudienceAPI.as_view(), name="api-portal-audience"),
]
