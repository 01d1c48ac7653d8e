"""The age rules of DESIGN §4 (Accounts and identity), in one place: under 18 may not invest;
65 and over are treated as conservative (their risk level capped at C3) unless they confirm
otherwise, and are warned every time."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

ADULT_AGE = 18
ELDERLY_AGE = 65
ELDERLY_LEVEL_CAP = 3  # C3, balanced

ELDERLY_WARNING_VERSION = "elderly-2026-12"
ELDERLY_WARNING = _(
    "You are 65 or over. Investing can lose money, and at your age there may be less time to "
    "recover from a loss. Put in only money you will not need for daily life or medical care, "
    "prefer products at R3 or below, and never buy because a caller, a friend or a stranger "
    "online urges you to: Fortune Market never asks you to transfer money to anyone."
)
ELDERLY_CONFIRMATION = _(
    "I am 65 or over and want my risk level as scored, not capped at C3 (balanced)."
)
ELDERLY_CAPPED = _(
    "Because you are 65 or over, your risk level is capped at C3 (your answers scored "
    "C%(scored)s). To keep the level as scored, retake the questionnaire and tick the "
    "confirmation."
)


def age_on(birth: dt.date, on: dt.date) -> int:
    """Full years from ``birth`` to ``on`` (a 29 February birthday falls on 1 March)."""
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def is_elderly_age(age: int | None) -> bool:
    return age is not None and age >= ELDERLY_AGE
