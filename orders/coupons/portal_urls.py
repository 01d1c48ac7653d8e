"""Mounted under /portal/ (namespace ``portal_coupons``)."""

from django.urls import path

from . import portal

app_name = "portal_coupons"

urlpatterns = [
    path("coupons/", portal.CouponsView.as_view(), name="list"),
    path("coupons/new/", portal.CouponFormView.as_view(), name="new"),
    path("coupons/<int:pk>/", portal.CouponDetailView.as_view(), name="detail"),
    path("coupons/<int:pk>/edit/", portal.CouponFormView.as_view(), name="edit"),
    path("coupons/<int:pk>/status/", portal.CouponStatusView.as_view(), name="status"),
    path("coupons/<int:pk>/grants/", portal.CouponGrantView.as_view(), name="grants"),
]
