"""Questionnaire score → risk level (DESIGN §4): pure functions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Inclusive upper bounds of each band: 0–19 C1, 20–36 C2, 37–53 C3, 54–82 C4, 83–100 C5.
BANDS = ((19, 1), (36, 2), (53, 3), (82, 4), (100, 5))
VALID_MONTHS = 24
REMINDER_DAYS = 30


def level_for(*, score: int, knocked_out: bool = False) -> int:
    """A score of 0, or any knock-out answer, is the lowest category."""
    if not 0 <= score <= 100:
        raise ValueError(f"score out of range: {score}")
    if knocked_out:
        return 1
    for upper, level in BANDS:
        if score <= upper:
            return level
    raise AssertionError("unreachable")


SUITS = {level: [f"R{r}" for r in range(1, level + 1)] for level in range(1, 6)}
LEVEL_MEANING = {
    1: _("Conservative: you want to keep your capital safe. You can buy R1 products only."),
    2: _("Cautious: you accept small swings for a little more return. R1–R2 products suit you."),
    3: _("Balanced: you accept moderate swings for growth. R1–R3 products suit you."),
    4: _("Growth: you accept large swings over shorter periods. R1–R4 products suit you."),
    5: _("Aggressive: you accept very large swings for the highest growth. All products suit you."),
}
