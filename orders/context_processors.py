"""What every page may say about trading and money: the daily cut-off, taken from the
calendar's rule rather than restated in templates (``{{ trading_cutoff|time:"H:i" }}``), and
whether money is in test mode (the sandbox in production)."""

from django.conf import settings

from .calendar import CUTOFF
from .cash.gateway import sandbox_in_use


def trading(request) -> dict:
    return {"trading_cutoff": CUTOFF}


def payments(request) -> dict:
    return {"payments_test_mode": sandbox_in_use() and settings.PAYMENTS_SANDBOX_IN_PRODUCTION}
