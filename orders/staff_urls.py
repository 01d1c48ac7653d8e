"""Mounted under /staff/ (namespace ``staff_orders``)."""

from django.urls import path

from . import staff

app_name = "staff_orders"

urlpatterns = [
    path("", staff.StaffHomeView.as_view(), name="home"),
    path("statements/", staff.StatementsView.as_view(), name="statements"),
    path("statements/<int:pk>/", staff.StatementView.as_view(), name="statement"),
    path("statements/<int:pk>/paid/", staff.StatementPaidView.as_view(), name="statement-paid"),
    path("holidays/", staff.HolidaysView.as_view(), name="holidays"),
    path("payouts/", staff.PayoutsView.as_view(), name="payouts"),
    path("holidays/<int:pk>/delete/", staff.HolidayDeleteView.as_view(), name="holiday-delete"),
]
