"""What a trade PIN may be: six digits, not guessable from a list or from the investor's own
birth date. Pure functions; the services raise the error."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_lazy as _

PIN_LENGTH = 6
PIN_SHAPE = re.compile(r"[0-9]{6}")

SHAPE = _("A trade PIN is exactly six digits (0–9).")
SAME_DIGIT = _("Choose a PIN that is not one digit repeated (like 111111).")
RUN = _("Choose a PIN that is not a run of digits (like 123456 or 654321).")
PATTERN = _("Choose a PIN that is not a short pattern repeated (like 121212 or 123123).")
BIRTH_DATE = _("Choose a PIN that is not your date of birth.")


def is_pin_shaped(value: str) -> bool:
    return bool(PIN_SHAPE.fullmatch(value or ""))


def _is_run(pin: str) -> bool:
    steps = {(int(b) - int(a)) % 10 for a, b in zip(pin, pin[1:], strict=False)}
    return steps in ({1}, {9})  # 123456, 890123 / 654321, 210987


def birth_date_forms(born: dt.date) -> set[str]:
    """The six-digit ways a birth date is written: YYMMDD, DDMMYY, MMDDYY, YYYYMM, MMYYYY."""
    yy, mm, dd = f"{born.year % 100:02d}", f"{born.month:02d}", f"{born.day:02d}"
    return {yy + mm + dd, dd + mm + yy, mm + dd + yy, f"{born.year}{mm}", f"{mm}{born.year}"}


def trivial_reason(pin: str, *, born: dt.date | None = None):
    """Why ``pin`` is too easy to guess, or None. ``pin`` is six digits."""
    if len(set(pin)) == 1:
        return SAME_DIGIT
    if _is_run(pin):
        return RUN
    if pin[:2] * 3 == pin or pin[:3] * 2 == pin:
        return PATTERN
    if born is not None and pin in birth_date_forms(born):
        return BIRTH_DATE
    return None
