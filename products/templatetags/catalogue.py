"""Filters for the product pages: dictionary look-up, percentages, risk codes, and the
before/after rows of a change to a product (audit history, staff review)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from marketplace.templatetags.money import percent, signed_percent, to_decimal
from products.models import RISK_MEANING

register = template.Library()

DASH = "—"

FIELD_LABELS = {
    "min_purchase": "Minimum purchase (CNY)",
    "risk_level": "Risk level",
    "management_fee_rate": "Management fee (a year)",
    "custody_fee_rate": "Custody fee (a year)",
    "subscription_tiers": "Subscription fees",
    "redemption_tiers": "Redemption fees",
    "coverage_amount": "Coverage (CNY)",
    "premium": "Premium (CNY)",
    "term_months": "Term (months)",
    "cooling_off_days": "Cooling-off period (days)",
    "cancellation_fee": "Cancellation fee (CNY)",
    "annual_rate": "Annual rate",
    "early_withdrawal_rate": "Early-withdrawal rate (a year)",
    "added": "Prices added",
    "updated": "Prices updated",
    "rejected": "Rows rejected",
}
AMOUNT_FIELDS = {"min_purchase", "premium", "coverage_amount", "cancellation_fee"}


def _grouped(value) -> str:
    """``Decimal("500000.00")`` → ``"500,000"``; ``"1234.5"`` → ``"1,234.5"``."""
    number = to_decimal(value)
    if number is None:
        return str(value)
    number = number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()
    return f"{number:,f}"


@register.filter
def get_item(mapping, key):
    """``{{ facets.kind|get_item:value }}``: ``mapping[key]``, or ``None``."""
    try:
        return mapping.get(key) if hasattr(mapping, "get") else mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


# Shared with every app's templates (``{% load money %}``); registered here too for product pages.
register.filter("percent", percent)
register.filter("signed_percent", signed_percent)


@register.filter
def risk_code(value) -> str:
    """``3`` → ``"R3"``."""
    try:
        return f"R{int(value)}"
    except (TypeError, ValueError):
        return DASH


@register.filter
def risk_meaning(level) -> str:
    """``3`` → the plain-words meaning of R3 shown to investors."""
    try:
        return RISK_MEANING[int(level)]
    except (KeyError, TypeError, ValueError):
        return ""


@register.filter
def field_label(name) -> str:
    """``"management_fee_rate"`` → ``"Management fee (a year)"``."""
    return FIELD_LABELS.get(str(name), str(name).replace("_", " ").capitalize())


def _tier_line(tier: dict, *, days: bool) -> str:
    lower, upper = _grouped(tier.get("lower") or 0), tier.get("upper")
    unit = " days" if days else ""
    if upper is None and to_decimal(tier.get("lower")) in (None, 0):
        band = "Any holding period" if days else "Any amount"
    elif upper is None:
        band = f"{lower}{unit} {'or more' if days else 'and above'}"
    elif to_decimal(tier.get("lower")) in (None, 0):
        band = f"{'Less than' if days else 'Below'} {_grouped(upper)}{unit}"
    else:
        band = f"{lower} to {'less than' if days else 'below'} {_grouped(upper)}{unit}"
    if tier.get("fixed_fee") is not None:
        price = f"fixed {_grouped(tier['fixed_fee'])} per order"
    else:
        price = percent(tier.get("rate")) if to_decimal(tier.get("rate")) else "no fee"
    return f"{band}: {price}"


def change_value(field: str, value) -> list[str]:
    """One side of a change as display lines (a fee schedule has one line per band)."""
    if value is None or value == "":
        return [DASH]
    if field.endswith("_tiers"):
        if not value:
            return ["No bands"]
        days = field.startswith("redemption")
        return [_tier_line(t, days=days) if isinstance(t, dict) else str(t) for t in value]
    if field.endswith("_rate"):
        return [percent(value)]
    if field == "risk_level":
        return [risk_code(value)]
    if field in AMOUNT_FIELDS:
        number = to_decimal(value)
        if number is None or number == number.to_integral():
            return [_grouped(value)]
        return [f"{number:,.2f}"]
    return [str(value)]


@register.filter
def change_rows(changes) -> list[dict]:
    """``{field: [old, new]}`` (or ``{key: value}``) → rows with ``label``, ``old``, ``new``
    (lists of lines) and ``pair``; used by the audit history and the staff review pages.
    A pair whose two sides read the same ("0.001000" and "0.001") is left out."""
    rows = []
    for field, value in (changes or {}).items():
        row = {"field": field, "label": field_label(field)}
        if isinstance(value, list | tuple) and len(value) == 2:
            old, new = change_value(field, value[0]), change_value(field, value[1])
            if old == new:
                continue
            row.update(pair=True, old=old, new=new)
        else:
            row.update(pair=False, new=change_value(field, value))
        rows.append(row)
    return rows
