"""When a plan buys (pure functions: dates in, dates out; the calendar is passed in).

A plan's *scheduled* dates follow its frequency: weekly on a weekday (``day`` = ISO weekday
1–5), every two weeks on a weekday (every 14 days from ``anchor_date``), or monthly on a day
1–28. Each scheduled date on or after ``schedule_from`` (and, with an end date, on or before
it) gives one *due* date: itself on a trading day, otherwise the next trading day. Two
scheduled dates that roll to the same trading day (a long holiday) make one purchase, never
two: purchases are unique per plan and due day.

The daily run asks the reverse question: which plans are due on trading day ``D``? Those with
a scheduled date in :func:`rolled_window` (the calendar days after the previous trading day up
to ``D``); ``orders.plans.run`` asks it in SQL with the same rule as :func:`is_scheduled`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

WEEKLY, FORTNIGHTLY, MONTHLY = "weekly", "fortnightly", "monthly"
MAX_LOOKAHEAD = 400  # days; a plan's next purchase is always within a month and a holiday


@dataclass(frozen=True)
class Rule:
    frequency: str
    day: int
    anchor_date: dt.date
    schedule_from: dt.date
    end_date: dt.date | None = None


def matches_day(frequency: str, day: int, date: dt.date) -> bool:
    if frequency == MONTHLY:
        return date.day == day
    return date.isoweekday() == day


def first_scheduled(frequency: str, day: int, on_or_after: dt.date) -> dt.date:
    """The first date on or after ``on_or_after`` with the plan's day (a new schedule's
    anchor)."""
    date = on_or_after
    while not matches_day(frequency, day, date):
        date += dt.timedelta(days=1)
    return date


def is_scheduled(rule: Rule, date: dt.date) -> bool:
    if date < rule.schedule_from or (rule.end_date is not None and date > rule.end_date):
        return False
    if not matches_day(rule.frequency, rule.day, date):
        return False
    if rule.frequency == FORTNIGHTLY:
        return (date - rule.anchor_date).days % 14 == 0
    return True


def roll(date: dt.date, is_trading: Callable[[dt.date], bool]) -> dt.date:
    """``date`` if it is a trading day, else the next trading day."""
    while not is_trading(date):
        date += dt.timedelta(days=1)
    return date


def rolled_window(day: dt.date, is_trading: Callable[[dt.date], bool]) -> list[dt.date]:
    """The calendar days whose scheduled purchases are due on trading day ``day``: the days
    after the previous trading day, up to ``day`` itself (Saturday, Sunday and Monday for a
    Monday; a whole holiday week for the day after it)."""
    window = [day]
    date = day - dt.timedelta(days=1)
    while not is_trading(date) and len(window) < MAX_LOOKAHEAD:
        window.insert(0, date)
        date -= dt.timedelta(days=1)
    return window


def due_dates(
    rule: Rule, *, start: dt.date, is_trading: Callable[[dt.date], bool]
) -> Iterator[dt.date]:
    """Due dates (trading days, each once, ascending) of the scheduled dates from ``start``."""
    date, last = max(start, rule.schedule_from), None
    for _ in range(MAX_LOOKAHEAD * 3):
        if rule.end_date is not None and date > rule.end_date:
            return
        if is_scheduled(rule, date):
            due = roll(date, is_trading)
            if due != last:
                last = due
                yield due
        date += dt.timedelta(days=1)


def next_due(
    rule: Rule, *, after: dt.date, is_trading: Callable[[dt.date], bool]
) -> dt.date | None:
    """The first due date on or after ``after`` (``None``: the schedule has ended). A
    scheduled date before ``after`` that rolls onto or past it counts too."""
    window = rolled_window(roll(after, is_trading), is_trading)
    for due in due_dates(rule, start=window[0], is_trading=is_trading):
        if due >= after:
            return due
    return None


def anchor_for(*, frequency: str, day: int, schedule_from: dt.date) -> dt.date:
    return first_scheduled(frequency, day, schedule_from)
