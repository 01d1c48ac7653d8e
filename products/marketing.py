"""The marketing rules of DESIGN §4, as one pure function over a text.

A sentence that shows a return (a percentage next to a word such as "return", "gain", "yield",
"performance", "up" or "收益") must
- name a risk level (R1–R5) in the same sentence;
- refer only to periods over 6 months ("3 months", "year to date", "since March" fail);
- not annualise a figure for a period under 1 year.
Every violation quotes the sentence so the author knows what to change.
"""

from __future__ import annotations

import re
from decimal import Decimal

RISK_MISSING = 'Show the risk level (R1–R5) beside this return: "{sentence}"'
PERIOD_TOO_SHORT = 'Past performance may only be shown for periods over 6 months: "{sentence}"'
ANNUALISED_TOO_SHORT = 'Do not annualise a return over a period shorter than one year: "{sentence}"'

_SENTENCES = re.compile(r"(?<=[.!?。！？])\s+|\n+")
_PERCENT = re.compile(r"[-+]?\d+(?:[.,]\d+)?\s?%")
_RETURN_WORDS = re.compile(
    r"\b(return|returns|returned|gain|gains|gained|yield|yields|yielded|performance|performed|"
    r"grew|growth|up|rose|earned|outperform\w*)\b|收益|涨",
    re.IGNORECASE,
)
_RISK = re.compile(r"\bR[1-5]\b")
_ANNUAL = re.compile(r"annuali[sz]ed|per annum|p\.a\.|a year|年化", re.IGNORECASE)
_PERIOD = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)[\s-]*(?P<unit>day|days|week|weeks|month|months|year|years|yr|yrs)\b",
    re.IGNORECASE,
)
_SHORT_WORDS = re.compile(
    r"\b(year[- ]to[- ]date|ytd|this (?:week|month|quarter)|last (?:week|month|quarter)|"
    r"past (?:week|month|quarter)|quarter|since (?:january|february|march|april|may|june|july|"
    r"august|september|october|november|december))\b",
    re.IGNORECASE,
)
_DAYS = {
    "day": Decimal(1),
    "week": Decimal(7),
    "month": Decimal("30.4375"),
    "year": Decimal("365.25"),
    "yr": Decimal("365.25"),
}
_SIX_MONTHS = 6 * _DAYS["month"]


def _period_days(sentence: str) -> list[Decimal]:
    days = []
    for match in _PERIOD.finditer(sentence):
        unit = match.group("unit").lower().rstrip("s")
        days.append(Decimal(match.group("n")) * _DAYS[unit])
    return days


def marketing_violations(text: str) -> list[str]:
    """Every rule broken by ``text``, each quoting the sentence (empty list: fine to publish)."""
    problems: list[str] = []
    for raw in _SENTENCES.split(text or ""):
        sentence = raw.strip()
        if not sentence or not _PERCENT.search(sentence) or not _RETURN_WORDS.search(sentence):
            continue
        quoted = sentence if len(sentence) <= 200 else sentence[:197] + "…"
        if not _RISK.search(sentence):
            problems.append(RISK_MISSING.format(sentence=quoted))
        periods = _period_days(sentence)
        if _SHORT_WORDS.search(sentence) or any(days <= _SIX_MONTHS for days in periods):
            problems.append(PERIOD_TOO_SHORT.format(sentence=quoted))
        if _ANNUAL.search(sentence) and (
            _SHORT_WORDS.search(sentence) or any(days < 365 for days in periods)
        ):
            problems.append(ANNUALISED_TOO_SHORT.format(sentence=quoted))
    return problems
