"""Mounted under /staff/ (namespace ``staff_orders``)."""

from django.urls import path

from . import staff

app_name = "staff_orders"

urlpatterns = [
    path("holidays/", staff.HolidaysView.as_view(), name="holidays"),
    path("holidays/<int:pk>/delete/", staff.HolidayDeleteView.as_view(), name="holiday-delete"),
]
