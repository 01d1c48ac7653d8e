"""What every page may say about trading: the daily cut-off, taken from the calendar's rule
rather than restated in templates (``{{ trading_cutoff|time:"H:i" }}``)."""

from .calendar import CUTOFF


def trading(request) -> dict:
    return {"trading_cutoff": CUTOFF}
