"""Mounted under /api/v1/ (through orders.api_urls)."""

from django.urls import path

from . import api

urlpatterns = [
    path("me/coupons/", api.MyCouponsAPI.as_view(), name="api-me-coupons"),
    path("portal/coupons/", api.PortalCouponListAPI.as_view(), name="api-portal-coupons"),
    path("portal/coupons/<int:pk>/", api.PortalCouponDetailAPI.as_view(), name="api-portal-coupon"),
    path(
        "portal/coupons/<int:pk>/status/",
        api.PortalCouponStatusAPI.as_view(),
        name="api-portal-coupon-status",
    ),
    path(
        "portal/coupons/<int:pk>/grants/",
        api.PortalCouponGrantAPI.as_view(),
        name="api-portal-coupon-grants",
    ),
]
