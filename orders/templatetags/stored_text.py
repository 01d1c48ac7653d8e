"""``{{ text|stored_text }}``: a text the services stored in English, in the reader's language.

Cash entries and order events are immutable and were written in English when they happened
("Top-up from Sandbox Bank •••• 1234", "Confirmed at NAV 1.0312 of 2026-11-12: 970.00
units."); the pages translate them as they show them. Fixed texts are msgids themselves; texts
with a value are matched here against the patterns the services write (keep them in step), and
the values (a card, a product, a NAV, a date) are kept as written."""

from __future__ import annotations

import re
from decimal import Decimal

from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.money import format_cny

register = template.Library()

DATE = r"\d{4}-\d{2}-\d{2}"
NUMBER = r"[\d,]+(?:\.\d+)?"

# The texts orders/services write with a value in them (cash entries, then order events).
PATTERNS = [
    (re.compile(r"^Top-up from (?P<card>.+)$"), _("Top-up from %(card)s")),
    (re.compile(r"^Withdrawal to (?P<card>.+)$"), _("Withdrawal to %(card)s")),
    (re.compile(r"^Buy (?P<product>.+)$"), _("Buy %(product)s")),
    (re.compile(r"^Switch into (?P<product>.+)$"), _("Switch into %(product)s")),
    (re.compile(r"^(?P<product>.+) distribution$"), _("%(product)s distribution")),
    (
        re.compile(r"^NAV correction (?P<product>.+) (?P<date>\d{4}-\d{2}-\d{2})$"),
        _("NAV correction %(product)s %(date)s"),
    ),
    (
        re.compile(
            rf"^Confirmed at NAV (?P<nav>{NUMBER}) of (?P<date>{DATE}): "
            rf"(?P<units>{NUMBER}) units\.$"
        ),
        _("Confirmed at NAV %(nav)s of %(date)s: %(units)s units."),
    ),
    (
        re.compile(rf"^Confirmed at NAV (?P<nav>{NUMBER}) of (?P<date>{DATE})\.$"),
        _("Confirmed at NAV %(nav)s of %(date)s."),
    ),
    (re.compile(rf"^Confirmed on (?P<date>{DATE})\.$"), _("Confirmed on %(date)s.")),
    (
        re.compile(rf"^Deposit confirmed; it matures on (?P<date>{DATE})\.$"),
        _("Deposit confirmed; it matures on %(date)s."),
    ),
    (
        re.compile(
            rf"^Policy in force; it can be cancelled for a refund until (?P<date>{DATE})\.$"
        ),
        _("Policy in force; it can be cancelled for a refund until %(date)s."),
    ),
    (
        re.compile(rf"^(?P<amount>{NUMBER}) paid into your cash\.$"),
        _("%(amount)s paid into your cash."),
    ),
    (
        re.compile(
            rf"^Switch confirmed at NAV (?P<nav>{NUMBER}) of (?P<date>{DATE}): (?P<units>{NUMBER}) "
            rf"units for (?P<amount>{NUMBER}) from the sale of (?P<product>.+)\.$"
        ),
        _(
            "Switch confirmed at NAV %(nav)s of %(date)s: %(units)s units for %(amount)s from the "
            "sale of %(product)s."
        ),
    ),
]


@register.filter
def stored_text(text: str) -> str:
    if not text:
        return ""
    translated = gettext(text)
    if translated != text:
        return translated
    for pattern, message in PATTERNS:
        match = pattern.match(text)
        if match:
            values = match.groupdict()
            if "amount" in values:  # money reads as money in the reader's language
                values["amount"] = format_cny(Decimal(values["amount"].replace(",", "")))
            return str(message) % values
    return text
