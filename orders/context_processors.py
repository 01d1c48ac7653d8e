"""What every page needs from orders: whether money is in test mode (the sandbox in production)."""

from django.conf import settings

from .payments import sandbox_in_use


def payments(request) -> dict:
    return {"payments_test_mode": sandbox_in_use() and settings.PAYMENTS_SANDBOX_IN_PRODUCTION}
