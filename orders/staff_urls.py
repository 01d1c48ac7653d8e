"""Mounted under /staff/ (namespace ``staff_orders``)."""

from django.urls import path

from . import staff

app_name = "staff_orders"

urlpatterns = [
    path("", staff.StaffHomeView.as_view(), name="home"),
    path("statements/", staff.StatementsView.as_view(), name="statements"),
    path("statements/<int:pk>/", staff.StatementView.as_view(), name="statement"),
    path("statements/<int:pk>/paid/", staff.StatementPaidView.as_view(), name="statement-paid"),
    path("orders/<int:pk>/cancel/", staff.OrderCancelView.as_view(), name="order-cancel"),
    path("nav-corrections/", staff.NavCorrectionsView.as_view(), name="nav-corrections"),
    path(
        "nav-corrections/<int:pk>/",
        staff.NavCorrectionDecideView.as_view(),
        name="nav-correction-decide",
    ),
    path("holidays/", staff.HolidaysView.as_view(), name="holidays"),
    path("payouts/", staff.PayoutsView.as_view(), name="payouts"),
    path("holidays/<int:pk>/delete/", staff.HolidayDeleteView.as_view(), name="holiday-delete"),
]
