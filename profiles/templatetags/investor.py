"""Template helpers for the investor's pages (/me/…) and the portal's audience tables.

``{% load investor %}``. Display only: the rules live in profiles.scoring, profiles.suitability
and orders.audience.
"""

from __future__ import annotations

from django import template

from profiles.models import RiskCategory
from profiles.questionnaires.texts import question_text
from profiles.scoring import BANDS, LEVEL_MEANING, SUITS

register = template.Library()


def _level(value) -> int | None:
    try:
        level = int(value)
    except (TypeError, ValueError):
        return None
    return level if 1 <= level <= 5 else None


@register.filter
def level_code(value) -> str:
    """``3`` → ``"C3"``; anything else → ``"—"``."""
    level = _level(value)
    return f"C{level}" if level else "—"


@register.filter
def level_name(value) -> str:
    """``3`` → ``"Balanced"`` (the investor category's name without its code)."""
    level = _level(value)
    if not level:
        return ""
    return str(RiskCategory(level).label).split("·", 1)[-1].strip()


@register.filter
def questionnaire_text(value) -> str:
    """A questionnaire text stored in English (its title, say) in the page's language."""
    return question_text(str(value or ""))


@register.filter
def suits_range(suits) -> str:
    """``["R1", "R2", "R3"]`` → ``"R1–R3"``; ``["R1"]`` → ``"R1"``."""
    suits = list(suits or [])
    if not suits:
        return ""
    if len(suits) == 1:
        return str(suits[0])
    return f"{suits[0]}–{suits[-1]}"


@register.filter
def risk_number(code) -> str:
    """``"R3"`` → ``"3"`` (for the colour of a product risk badge)."""
    return str(code).lstrip("RrCc")


@register.simple_tag
def investor_levels() -> list[dict]:
    """C1…C5 with their score bands, names, meanings and the product levels that suit them."""
    levels, low = [], 0
    for upper, level in BANDS:
        levels.append(
            {
                "level": level,
                "code": f"C{level}",
                "name": level_name(level),
                "meaning": LEVEL_MEANING[level],
                "suits": suits_range(SUITS[level]),
                "low": low,
                "high": upper,
                # Geometry of the band on a 0–100 scale (an SVG's viewBox, so no inline styles).
                "width": min(upper + 1, 100) - low,
            }
        )
        low = upper + 1
    return levels


@register.simple_tag
def audience_grid(table, rows, cols) -> dict:
    """An audience ``Table`` (cells keyed by (row, col)) as plain lists a template can loop over.

    ``{% audience_grid report.customers report.rows report.cols as grid %}`` →
    ``{"rows": [{"value", "label", "cells": [int | None, …], "total"}], "col_totals": […],
    "total"}``. ``None`` is a suppressed count.
    """
    grid_rows = []
    for row_value, row_label in rows:
        grid_rows.append(
            {
                "value": row_value,
                "label": row_label,
                "cells": [table.cells.get((row_value, col_value)) for col_value, _ in cols],
                "total": table.row_totals.get(row_value),
            }
        )
    return {
        "rows": grid_rows,
        "col_totals": [table.col_totals.get(col_value) for col_value, _ in cols],
        "total": table.total,
    }


@register.simple_tag
def audience_grids(report) -> list[tuple[str, dict]]:
    """Both tables of an ``AudienceReport`` as ``[("customers", grid), ("others", grid)]``, so a
    template renders them with one loop."""
    return [
        (name, audience_grid(getattr(report, name), report.rows, report.cols))
        for name in ("customers", "others")
    ]


@register.simple_tag
def dimension_label(dimensions, key) -> str:
    """The label of ``key`` in a list of (key, label) pairs."""
    return next((str(label) for k, label in dimensions if k == key), str(key))
