"""``{{ entry.description|ledger_text }}``: a cash entry's description in the reader's language.

The ledger is immutable and its descriptions were written in English when the money moved
("Top-up from Sandbox Bank •••• 1234", "Buy Steady Bond A"); the page translates them as it
shows them. Fixed texts are msgids themselves; texts with a value are matched here against the
patterns the services write, and the value (a card, a product) is kept as written."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The descriptions orders/services write with a value in them (keep in step with them).
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
]


@register.filter
def ledger_text(description: str) -> str:
    if not description:
        return ""
    translated = gettext(description)
    if translated != description:
        return translated
    for pattern, text in PATTERNS:
        match = pattern.match(description)
        if match:
            return str(text) % match.groupdict()
    return description
