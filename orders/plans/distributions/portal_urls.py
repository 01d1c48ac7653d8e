"""Mounted under /portal/ (namespace ``portal_distributions``), before the products' own."""

from django.urls import path

from . import portal

app_name = "portal_distributions"

urlpatterns = [
    path(
        "products/<slug:slug>/distributions/",
        portal.DistributionListView.as_view(),
        name="list",
    ),
    path(
        "products/<slug:slug>/distributions/new/",
        portal.DistributionDeclareView.as_view(),
        name="new",
    ),
    path(
        "products/<slug:slug>/distributions/<int:pk>/withdraw/",
        portal.DistributionWithdrawView.as_view(),
        name="withdraw",
    ),
]
