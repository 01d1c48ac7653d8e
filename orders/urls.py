from django.urls import path

from . import views
from .insight import views as insight_views

app_name = "orders"

urlpatterns = [
    path("me/cash/", views.cash, name="cash"),
    path("me/cash/deposit/", views.deposit, name="deposit"),
    path("me/cash/withdraw/", views.withdraw, name="withdraw"),
    path("products/<slug:slug>/buy/", views.checkout, name="checkout"),
    path("me/portfolio/", views.portfolio, name="portfolio"),
    path(
        "me/portfolio/realised/<int:year>.csv",
        insight_views.realised_csv,
        name="realised-csv",
    ),
    path("me/statements/<int:year>/", insight_views.statement, name="yearly-statement"),
    path("me/portfolio/<slug:slug>/sell/", views.sell, name="sell"),
    path("me/orders/", views.order_list, name="list"),
    path("me/orders/<int:pk>/", views.order_detail, name="detail"),
    path("me/orders/<int:pk>/cancel/", views.order_cancel, name="cancel"),
    path("payments/sandbox/callback/", views.sandbox_callback, name="sandbox-callback"),
    path("payments/sandbox/<str:reference>/", views.sandbox_bank, name="sandbox-bank"),
]
