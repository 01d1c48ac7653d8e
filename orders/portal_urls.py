"""Mounted under /portal/ (namespace ``portal_orders``)."""

from django.urls import path

from . import portal

app_name = "portal_orders"

urlpatterns = [
    path("audience/", portal.AudienceView.as_view(), name="audience"),
    path("orders/", portal.OrdersView.as_view(), name="orders"),
    path("customers/", portal.CustomersView.as_view(), name="customers"),
]
