"""Mounted under /api/v1/."""

from django.urls import path

from . import watch_api

urlpatterns = [
    path("me/watchlist/", watch_api.WatchlistAPI.as_view(), name="api-me-watchlist"),
    path("me/watchlist/<str:product>/", watch_api.WatchItemAPI.as_view(), name="api-me-watch-item"),
    path("me/alerts/", watch_api.AlertsAPI.as_view(), name="api-me-alerts"),
    path("me/alerts/<int:pk>/", watch_api.AlertAPI.as_view(), name="api-me-alert"),
]
