"""Calendar-month arithmetic, the one place it is done: terms in months (savings maturity,
assessment validity), look-backs (6-month and 1-year returns) and monthly periods
(statements, trail commission, the month an order belongs to).

A month later than the 31st is the month's last day (31 Jan + 1 month → 28 or 29 Feb); the
functions are pure and know nothing of trading days.
"""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier, when negative), or that month's last day
    when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier, or that month's last day when it is shorter."""
    return add_months(day, -months)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (0 when ``end`` is not after it)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)


def month_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def next_month_start(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s."""
    return add_months(month_start(day), 1)


def previous_month_start(day: dt.date) -> dt.date:
    """The first day of the month before ``day``'s."""
    return add_months(month_start(day), -1)


def month_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def parse_month(value: str | None) -> dt.date | None:
    """``"YYYY-MM"`` as the first day of that month; ``None`` for anything else."""
    if not value or len(value) != 7 or value[4] != "-":
        return None
    try:
        return dt.date(int(value[:4]), int(value[5:]), 1)
    except ValueError:
        return None
