from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("me/cash/", views.cash, name="cash"),
    path("me/cash/deposit/", views.deposit, name="deposit"),
    path("me/cash/withdraw/", views.withdraw, name="withdraw"),
    path("payments/sandbox/callback/", views.sandbox_callback, name="sandbox-callback"),
    path("payments/sandbox/<str:reference>/", views.sandbox_bank, name="sandbox-bank"),
]
