from django.urls import path

from .insight import views as insight_views
from .views import cash, portfolio, trading

app_name = "orders"

urlpatterns = [
    path("me/cash/", cash.cash, name="cash"),
    path("me/cash/deposit/", cash.deposit, name="deposit"),
    path("me/cash/withdraw/", cash.withdraw, name="withdraw"),
    path("products/<slug:slug>/buy/", trading.checkout, name="checkout"),
    path("me/portfolio/", portfolio.portfolio, name="portfolio"),
    path(
        "me/portfolio/realised/<int:year>.csv",
        insight_views.realised_csv,
        name="realised-csv",
    ),
    path("me/statements/<int:year>/", insight_views.statement, name="yearly-statement"),
    path("me/portfolio/<slug:slug>/sell/", trading.sell, name="sell"),
    path("me/orders/", trading.order_list, name="list"),
    path("me/orders/<int:pk>/", trading.order_detail, name="detail"),
    path("me/orders/<int:pk>/cancel/", trading.order_cancel, name="cancel"),
    path("payments/sandbox/callback/", cash.sandbox_callback, name="sandbox-callback"),
    path("payments/sandbox/<str:reference>/", cash.sandbox_bank, name="sandbox-bank"),
]
