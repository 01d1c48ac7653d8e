"""Mounted under /api/v1/."""

from django.urls import include, path

from . import api
from .insight import api as insight_api

urlpatterns = [
    path("portal/audience/", api.AudienceAPI.as_view(), name="api-portal-audience"),
    path("me/cash/", api.MyCashAPI.as_view(), name="api-me-cash"),
    path("me/cash/deposits/", api.DepositAPI.as_view(), name="api-me-deposits"),
    path("me/cash/withdrawals/", api.WithdrawalAPI.as_view(), name="api-me-withdrawals"),
    path("portal/orders/", api.PortalOrderListAPI.as_view(), name="api-portal-orders"),
    path("portal/statements/", api.PortalStatementListAPI.as_view(), name="api-portal-statements"),
    path(
        "portal/statements/<int:pk>/",
        api.PortalStatementDetailAPI.as_view(),
        name="api-portal-statement",
    ),
    path(
        "portal/statements/<int:pk>/csv/",
        api.PortalStatementCSVAPI.as_view(),
        name="api-portal-statement-csv",
    ),
    path(
        "portal/products/<slug:slug>/nav/corrections/",
        api.PortalNavCorrectionAPI.as_view(),
        name="api-portal-nav-corrections",
    ),
    path("me/portfolio/", insight_api.PortfolioReturnsAPI.as_view(), name="api-me-portfolio"),
    path("me/holdings/", api.HoldingsAPI.as_view(), name="api-me-holdings"),
    path("orders/", api.OrderListCreateAPI.as_view(), name="api-orders"),
    path("orders/<int:pk>/", api.OrderDetailAPI.as_view(), name="api-order"),
    path("orders/<int:pk>/cancel/", api.OrderCancelAPI.as_view(), name="api-order-cancel"),
    path("", include("orders.coupons.api_urls")),
]
