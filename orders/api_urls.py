"""Mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("portal/audience/", api.AudienceAPI.as_view(), name="api-portal-audience"),
    path("me/cash/", api.MyCashAPI.as_view(), name="api-me-cash"),
    path("me/cash/deposits/", api.DepositAPI.as_view(), name="api-me-deposits"),
    path("me/cash/withdrawals/", api.WithdrawalAPI.as_view(), name="api-me-withdrawals"),
]
