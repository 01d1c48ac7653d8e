"""Mounted under /staff/ (namespace ``staff_coupons``)."""

from django.urls import path

from . import staff

app_name = "staff_coupons"

urlpatterns = [
    path("coupons/", staff.StaffCouponsView.as_view(), name="list"),
    path("coupons/<int:pk>/", staff.StaffCouponDetailView.as_view(), name="detail"),
]
