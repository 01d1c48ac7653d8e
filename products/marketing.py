"""The marketing rules of DESIGN §4, as one pure function over a text.

A sentence that shows a return (a percentage next to a word such as "return", "gain", "yield",
"performance", "up" or "收益") must
- name a risk level (R1–R5) in the same sentence;
- refer only to periods over 6 months ("3 months", "year to date", "since March" fail);
- not annualise a figure for a period under 1 year.
and no text may make a claim that no regulated product may make ("guaranteed returns",
"risk-free", "capital guaranteed", "保本", …: ``FORBIDDEN_CLAIMS``, one maintained list in every
language the site speaks, matched case-insensitively on word boundaries).
Every violation quotes the sentence so the author knows what to change.
"""

from __future__ import annotations

import re
from decimal import Decimal

RISK_MISSING = 'Show the risk level (R1–R5) beside this return: "{sentence}"'
PERIOD_TOO_SHORT = 'Past performance may only be shown for periods over 6 months: "{sentence}"'
ANNUALISED_TOO_SHORT = 'Do not annualise a return over a period shorter than one year: "{sentence}"'
FORBIDDEN_CLAIM = 'No regulated product may claim "{claim}": "{sentence}"'

# Claims no regulated product may make (the maintained list: add a phrase here, in any language
# the site speaks; spaces and hyphens in a phrase match any run of spaces or hyphens).
FORBIDDEN_CLAIMS: tuple[str, ...] = (
    # English
    "guaranteed return",
    "guaranteed returns",
    "guaranteed income",
    "guaranteed profit",
    "guaranteed profits",
    "guaranteed yield",
    "guaranteed gains",
    "return guaranteed",
    "returns guaranteed",
    "capital guaranteed",
    "guaranteed capital",
    "principal guaranteed",
    "guaranteed principal",
    "capital protected",
    "risk-free",
    "risk free",
    "riskless",
    "no risk",
    "zero risk",
    "without risk",
    "cannot lose",
    "can't lose",
    "never lose",
    "sure profit",
    "sure-fire",
    # Chinese
    "保本",
    "保收益",
    "保证收益",
    "稳赚",
    "稳赚不赔",
    "无风险",
    "零风险",
    "刚性兑付",
    "刚兑",
    "只赚不赔",
    "稳赢",
)


def _claim_pattern(claims: tuple[str, ...]) -> re.Pattern:
    parts = []
    for claim in sorted(set(claims), key=len, reverse=True):
        words = [re.escape(w) for w in re.split(r"[\s-]+", claim.strip()) if w]
        body = r"[\s-]+".join(words)
        # Word boundaries around Latin text; CJK has no spaces, so a Chinese phrase matches
        # wherever it appears.
        if claim.isascii():
            body = rf"(?<![\w-]){body}(?![\w-])"
        parts.append(body)
    return re.compile("|".join(parts), re.IGNORECASE)


_FORBIDDEN = _claim_pattern(FORBIDDEN_CLAIMS)
# A disclosure that denies the claim ("is not risk-free", "本产品不保本") is what regulators want.
_NEGATED = re.compile(r"(?:\b(?:not|no|never|nor)|n't)\s+(?:a\s+|an\s+|be\s+)?$|[不非]$", re.I)


def _claims(sentence: str) -> list[str]:
    return [
        match.group(0)
        for match in _FORBIDDEN.finditer(sentence)
        if not _NEGATED.search(sentence[: match.start()])
    ]


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
        if not sentence:
            continue
        quoted = sentence if len(sentence) <= 200 else sentence[:197] + "…"
        for claim in _claims(sentence):
            problems.append(FORBIDDEN_CLAIM.format(claim=claim, sentence=quoted))
        if not _PERCENT.search(sentence) or not _RETURN_WORDS.search(sentence):
            continue
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
