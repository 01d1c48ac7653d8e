"""Display filters for rates and returns, usable by every app's templates: ``{% load money %}``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

from marketplace.money import format_amount, format_cny

register = template.Library()

DASH = "—"


def to_decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


@register.filter
def percent(value) -> str:
    """A fraction as a percentage with up to 2 decimals: ``0.015`` → ``"1.5%"``."""
    number = to_decimal(value)
    if number is None:
        return DASH
    text = f"{(number * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    text = text.rstrip("0").rstrip(".")
    return f"{'0' if text in ('-0', '') else text}%"


@register.filter
def signed_percent(value) -> str:
    """A fraction as a signed percentage with 2 decimals: ``0.0312`` → ``"+3.12%"``."""
    number = to_decimal(value)
    if number is None:
        return DASH
    pct = (number * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return "0.00%" if pct == 0 else f"{pct:+f}%"


@register.filter
def cny(value, places=2) -> str:
    """An amount in the active language's money format: ``CNY 1,234.56`` / ``¥1,234.56``.
    ``|cny:4`` for income per 10,000 units; ``|cny:"-2"`` drops the decimals of whole amounts."""
    number = to_decimal(value)
    if number is None:
        return DASH
    return format_cny(number, int(places))


@register.filter
def amount(value, places=2) -> str:
    """An amount without the currency, for a table whose heading names it ("Amount (CNY)"):
    the same grouping and rounding as ``cny``. ``|amount:"-2"`` drops a whole amount's decimals."""
    number = to_decimal(value)
    if number is None:
        return DASH
    return format_amount(number, int(places))


@register.filter
def signed_cny(value, places=2) -> str:
    """A gain or loss with its sign always shown, so colour is never the only signal:
    ``+CNY 12.00`` / ``−CNY 12.00`` (a true minus sign), ``CNY 0.00`` for nothing."""
    number = to_decimal(value)
    if number is None:
        return DASH
    text = format_cny(abs(number), int(places))
    if number > 0:
        return f"+{text}"
    if number < 0:
        return f"\u2212{text}"
    return text
