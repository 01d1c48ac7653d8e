"""Mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/cards/", api.MyCardsAPI.as_view(), name="api-me-cards"),
    path("me/cards/<int:pk>/default/", api.CardDefaultAPI.as_view(), name="api-me-card-default"),
    path("me/cards/<int:pk>/unbind/", api.CardUnbindAPI.as_view(), name="api-me-card-unbind"),
]
