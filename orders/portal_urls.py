"""Mounted under /portal/ (namespace ``portal_orders``)."""

from django.urls import path

from . import portal

app_name = "portal_orders"

urlpatterns = [
    path("audience/", portal.AudienceView.as_view(), name="audience"),
    path("orders/", portal.OrdersView.as_view(), name="orders"),
    path("customers/", portal.CustomersView.as_view(), name="customers"),
    path("statements/", portal.StatementsView.as_view(), name="statements"),
    path("statements/<int:pk>/", portal.StatementView.as_view(), name="statement"),
    path("statements/<int:pk>/csv/", portal.StatementCSVView.as_view(), name="statement-csv"),
    path("statements/<int:pk>/print/", portal.StatementPrintView.as_view(), name="statement-print"),
]
