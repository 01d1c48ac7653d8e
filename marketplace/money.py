"""Money, units, NAV and rates: the field factories, the quantize helpers and the rounding modes.

DESIGN §4: amounts 2 dp (CNY); fund units 2 dp rounded DOWN; NAV 4 dp; fees and commission
rounded HALF-UP to 2 dp; rates are Decimal fractions (0.0150 = 1.5%). Nothing else rounds.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

CENT = Decimal("0.01")
UNIT = Decimal("0.01")
NAV_STEP = Decimal("0.0001")
RATE_STEP = Decimal("0.000001")

AMOUNT_MAX_DIGITS = 18
RATE_MAX_DIGITS = 9
RATE_DECIMAL_PLACES = 6


def AmountField(**kwargs) -> models.DecimalField:  # noqa: N802 - reads like a field class
    """A CNY amount, 2 dp."""
    return models.DecimalField(max_digits=AMOUNT_MAX_DIGITS, decimal_places=2, **kwargs)


def UnitsField(**kwargs) -> models.DecimalField:  # noqa: N802
    """Fund units, 2 dp."""
    return models.DecimalField(max_digits=AMOUNT_MAX_DIGITS, decimal_places=2, **kwargs)


def NavField(**kwargs) -> models.DecimalField:  # noqa: N802
    """A net asset value per unit, 4 dp."""
    return models.DecimalField(max_digits=12, decimal_places=4, **kwargs)


def RateField(**kwargs) -> models.DecimalField:  # noqa: N802
    """A rate as a fraction (0.015000 = 1.5%), 6 dp."""
    return models.DecimalField(
        max_digits=RATE_MAX_DIGITS, decimal_places=RATE_DECIMAL_PLACES, **kwargs
    )


def round_amount(value: Decimal) -> Decimal:
    """An amount of money to the cent, half-up (fees, commission, interest)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def round_amount_down(value: Decimal) -> Decimal:
    """An amount paid out per holder (a distribution) to the fen, always down: the payout never
    exceeds what was declared."""
    return Decimal(value).quantize(CENT, rounding=ROUND_DOWN)


def round_units(value: Decimal) -> Decimal:
    """Fund units to 2 dp, always down: nobody receives units they did not pay for."""
    return Decimal(value).quantize(UNIT, rounding=ROUND_DOWN)


def round_nav(value: Decimal) -> Decimal:
    return Decimal(value).quantize(NAV_STEP, rounding=ROUND_HALF_UP)


def round_rate(value: Decimal) -> Decimal:
    """A rate worked out from amounts (a fixed fee as a share of an amount), half-up to 6 dp."""
    return Decimal(value).quantize(RATE_STEP, rounding=ROUND_HALF_UP)


def decimal_places(value: Decimal) -> int:
    """How many decimal places ``value`` is written with (``Decimal('1.50')`` → 2)."""
    exponent = Decimal(value).as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def format_rate(rate: Decimal) -> str:
    """``Decimal('0.015')`` → ``'1.5%'``."""
    percent = (Decimal(rate) * 100).normalize()
    return f"{percent:f}%"


AMOUNT_MESSAGES = {
    "not_number": _("Enter an amount in CNY, e.g. 1000 or 1000.50."),
    "not_positive": _("The amount must be more than zero."),
    "too_precise": _("Amounts have at most 2 decimal places (fen)."),
    "too_large": _("The amount can be at most {maximum:,}."),
}
UNITS_MESSAGES = {
    "not_number": _("Enter a number of units, e.g. 100 or 100.50."),
    "not_positive": _("The number of units must be more than zero."),
    "too_precise": _("Units have at most 2 decimal places."),
    "too_large": _("The number of units can be at most {maximum:,}."),
}


def parse_amount(
    value, *, maximum: Decimal, messages: Mapping[str, StrOrPromise] = AMOUNT_MESSAGES
) -> Decimal:
    """A CNY amount (or, with ``UNITS_MESSAGES``, fund units) from user input: a finite number
    above zero, at most 2 dp and ``maximum``.

    Raises ``ValueError`` with a message fit to show the user.
    """
    try:
        amount = Decimal(str(value).strip())
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise ValueError(messages["not_number"]) from exc
    if not amount.is_finite():
        raise ValueError(messages["not_number"])
    if amount <= 0:
        raise ValueError(messages["not_positive"])
    if decimal_places(amount) > 2:
        raise ValueError(messages["too_precise"])
    if amount > maximum:
        raise ValueError(messages["too_large"].format(maximum=maximum))
    return amount.quantize(CENT)


def format_amount(value: Decimal | int | str, places: int = 2) -> str:
    """A number grouped for the active language, ``places`` decimals half-up: ``1,234.56``.
    A negative ``places`` drops the decimals of a whole number, as ``floatformat`` does
    (``-2``: ``1,000`` but ``1,000.50``)."""
    from django.utils import formats

    step = Decimal(1).scaleb(-abs(places))
    number = Decimal(value).quantize(step, rounding=ROUND_HALF_UP)
    shown = 0 if places < 0 and number == number.to_integral_value() else abs(places)
    return formats.number_format(number, shown, use_l10n=True, force_grouping=True)


def format_cny(value: Decimal | int | str, places: int = 2) -> str:
    """An amount of money for people to read in the active language: ``CNY 1,234.56`` in
    English, ``¥1,234.56`` in Chinese. Messages, e-mails and pages all go through it (the
    template filter ``cny``), so no string hard-codes the currency or the separators."""
    from django.utils import translation

    text = format_amount(value, places)
    if (translation.get_language() or "").startswith("zh"):
        return f"¥{text}"
    return f"CNY {text}"
