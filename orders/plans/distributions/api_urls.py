"""Mounted under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "portal/products/<slug:slug>/distributions/",
        api.PortalDistributionsAPI.as_view(),
        name="api-portal-product-distributions",
    ),
    path(
        "portal/products/<slug:slug>/distributions/<int:pk>/withdraw/",
        api.PortalDistributionWithdrawAPI.as_view(),
        name="api-portal-product-distribution-withdraw",
    ),
    path(
        "me/holdings/<slug:slug>/election/",
        api.HoldingElectionAPI.as_view(),
        name="api-me-holding-election",
    ),
]
