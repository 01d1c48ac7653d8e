"""Filters for the product pages: dictionary look-up, percentages, risk codes, and the
before/after rows of a change to a product (audit history, staff review)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

from products.models import RISK_MEANING

register = template.Library()

DASH = "—"

FIELD_LABELS = {
    "min_purchase": "Minimum purchase (CNY)",
    "risk_level": "Risk level",
    "management_fee_rate": "Management fee (a year)",
    "custody_fee_rate": "Custody fee (a year)",
    "yield_per_10k": "Yield per 10,000 units (CNY a day)",
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


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None


def _grouped(value) -> str:
    """``Decimal("500000.00")`` → ``"500,000"``; ``"1234.5"`` → ``"1,234.5"``."""
    number = _decimal(value)
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


@register.filter
def percent(value) -> str:
    """A fraction as a percentage with up to 2 decimals: ``0.015`` → ``"1.5%"``."""
    number = _decimal(value)
    if number is None:
        return DASH
    text = f"{(number * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    text = text.rstrip("0").rstrip(".")
    return f"{'0' if text in ('-0', '') else text}%"


@register.filter
def signed_percent(value) -> str:
    """A fraction as a signed percentage with 2 decimals: ``0.0312`` → ``"+3.12%"``."""
    number = _decimal(value)
    if number is None:
        return DASH
    pct = (number * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return "0.00%" if pct == 0 else f"{pct:+f}%"


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
    if upper is None and _decimal(tier.get("lower")) in (None, 0):
        band = "Any holding period" if days else "Any amount"
    elif upper is None:
        band = f"{lower}{unit} {'or more' if days else 'and above'}"
    elif _decimal(tier.get("lower")) in (None, 0):
        band = f"{'Less than' if days else 'Below'} {_grouped(upper)}{unit}"
    else:
        band = f"{lower} to {'less than' if days else 'below'} {_grouped(upper)}{unit}"
    if tier.get("fixed_fee") is not None:
        price = f"fixed {_grouped(tier['fixed_fee'])} per order"
    else:
        price = percent(tier.get("rate")) if _decimal(tier.get("rate")) else "no fee"
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
        number = _decimal(value)
        return [_grouped(value) if number is None or number == number.to_integral() else f"{number:,.2f}"]
    return [str(value)]


@register.filter
def change_rows(changes) -> list[dict]:
    """``{field: [old, new]}`` (or ``{key: value}``) → rows with ``label``, ``old``, ``new``
    (lists of lines) and ``pair``; used by the audit history and the staff review pages."""
    rows = []
    for field, value in (changes or {}).items():
        row = {"field": field, "label": field_label(field)}
        if isinstance(value, list | tuple) and len(value) == 2:
            row.update(pair=True, old=change_value(field, value[0]), new=change_value(field, value[1]))
        else:
            row.update(pair=False, new=change_value(field, value))
        rows.append(row)
    return rows
