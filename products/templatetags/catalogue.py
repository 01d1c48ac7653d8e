"""Filters for the product pages: dictionary look-up, percentages, risk codes, and the
before/after rows of a change to a product (audit history, staff review)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from institutions.models import ProductKind
from marketplace.templatetags.money import percent, signed_percent, to_decimal
from products.models import RISK_MEANING

register = template.Library()

DASH = "—"

FIELD_LABELS = {
    "name": _("Name"),
    "name_zh_hans": _("Name in Chinese"),
    "name_en": _("Name in English"),
    "summary": _("Summary"),
    "summary_zh_hans": _("Summary in Chinese"),
    "summary_en": _("Summary in English"),
    "description": _("Description"),
    "min_purchase": _("Minimum purchase (CNY)"),
    "risk_level": _("Risk level"),
    "management_fee_rate": _("Management fee (a year)"),
    "custody_fee_rate": _("Custody fee (a year)"),
    "subscription_tiers": _("Subscription fees"),
    "redemption_tiers": _("Redemption fees"),
    "coverage_amount": _("Coverage (CNY)"),
    "premium": _("Premium (CNY)"),
    "term_months": _("Term (months)"),
    "cooling_off_days": _("Cooling-off period (days)"),
    "cancellation_fee": _("Cancellation fee (CNY)"),
    "annual_rate": _("Annual rate"),
    "early_withdrawal_rate": _("Early-withdrawal rate (a year)"),
    "premium_years": _("Premium-paying years"),
    "waiting_days": _("Waiting period (days)"),
    "claims": _("How to claim"),
    "exclusions": _("Exclusions"),
    "deposit_insured": _("Deposit insurance"),
    "added": _("Prices added"),
    "updated": _("Prices updated"),
    "rejected": _("Rows rejected"),
    "periodic_report": _("Periodic report"),
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

# What the buy button says for each kind: a policy is bought as cover, a deposit is made.
BUY_LABELS = {
    ProductKind.FUND: pgettext_lazy("buy button", "Buy"),
    ProductKind.INSURANCE: pgettext_lazy("buy button", "Buy cover"),
    ProductKind.SAVINGS: pgettext_lazy("buy button", "Deposit"),
}


@register.filter
def buy_label(kind) -> str:
    """``"savings"`` → ``"Deposit"``: the product page's and the buy bar's button."""
    return str(BUY_LABELS.get(str(kind), BUY_LABELS[ProductKind.FUND]))


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
        return str(RISK_MEANING[int(level)])
    except (KeyError, TypeError, ValueError):
        return ""


@register.filter
def field_label(name) -> str:
    """``"management_fee_rate"`` → ``"Management fee (a year)"``."""
    label = FIELD_LABELS.get(str(name))
    return str(label) if label else str(name).replace("_", " ").capitalize()


def _tier_line(tier: dict, *, days: bool) -> str:
    lower, upper = _grouped(tier.get("lower") or 0), tier.get("upper")
    from_zero = to_decimal(tier.get("lower")) in (None, 0)
    if upper is None and from_zero:
        band = gettext("Any holding period") if days else gettext("Any amount")
    elif upper is None:
        band = (gettext("%(lower)s days or more") if days else gettext("%(lower)s and above")) % {
            "lower": lower
        }
    elif from_zero:
        band = (gettext("Less than %(upper)s days") if days else gettext("Below %(upper)s")) % {
            "upper": _grouped(upper)
        }
    else:
        band = (
            gettext("%(lower)s to less than %(upper)s days")
            if days
            else gettext("%(lower)s to below %(upper)s")
        ) % {"lower": lower, "upper": _grouped(upper)}
    if tier.get("fixed_fee") is not None:
        price = gettext("fixed %(fee)s per order") % {"fee": _grouped(tier["fixed_fee"])}
    else:
        price = percent(tier.get("rate")) if to_decimal(tier.get("rate")) else gettext("no fee")
    return gettext("%(band)s: %(price)s") % {"band": band, "price": price}


def change_value(field: str, value) -> list[str]:
    """One side of a change as display lines (a fee schedule has one line per band)."""
    if value is None or value == "":
        return [DASH]
    if field.endswith("_tiers"):
        if not value:
            return [gettext("No bands")]
        days = field.startswith("redemption")
        return [_tier_line(t, days=days) if isinstance(t, dict) else str(t) for t in value]
    if field.endswith("_rate"):
        return [percent(value)]
    if field == "risk_level":
        return [risk_code(value)]
    if isinstance(value, bool):
        return [gettext("Yes") if value else gettext("No")]
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


@register.filter
def term_label(months) -> str:
    """A term in months as people say it: ``6`` → "6 months", ``240`` → "20 years" (whole years
    from two years on), ``None`` → "—"."""
    try:
        months = int(months)
    except (TypeError, ValueError):
        return DASH
    if months >= 24 and months % 12 == 0:
        years = months // 12
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}


@register.filter
def fixed_percent(value, places=2) -> str:
    """A fraction as a percentage with exactly ``places`` decimals, so figures in one column
    line up: ``0.059`` → ``"5.90%"`` (the fund page's volatility, drawdown and yields)."""
    number = to_decimal(value)
    if number is None:
        return DASH
    step = Decimal(1).scaleb(-int(places))
    return f"{(number * 100).quantize(step, rounding=ROUND_HALF_UP):f}%"
