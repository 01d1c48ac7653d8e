"""Trading days and the 15:00 cut-off (DESIGN §4), in the business time zone (Asia/Shanghai).

The cut-off itself is ``marketplace.trading_hours`` (products check price uploads with it)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from marketplace.trading_hours import CUTOFF, cutoff_moment

from .models import Holiday


def holidays_between(start: dt.date, end: dt.date) -> set[dt.date]:
    return set(
        Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True)
    )


def is_trading_day(day: dt.date, *, holidays: set[dt.date] | None = None) -> bool:
    if day.weekday() >= 5:
        return False
    if holidays is None:
        holidays = holidays_between(day, day)
    return day not in holidays


# How far ahead a next trading day is looked for: longer than any run of holidays and weekends.
LOOKAHEAD = dt.timedelta(days=40)


def next_trading_day(day: dt.date, *, holidays: set[dt.date] | None = None) -> dt.date:
    """The first trading day strictly after ``day`` (``holidays``: a set read already that
    covers ``LOOKAHEAD`` past ``day``)."""
    if holidays is None:
        holidays = holidays_between(day, day + LOOKAHEAD)
    candidate = day + dt.timedelta(days=1)
    while not is_trading_day(candidate, holidays=holidays):
        candidate += dt.timedelta(days=1)
    return candidate


def trade_date_for(moment: dt.datetime, *, holidays: set[dt.date] | None = None) -> dt.date:
    """Before 15:00 on a trading day: that day; otherwise the next trading day."""
    local = timezone.localtime(moment)
    if holidays is None:
        holidays = holidays_between(local.date(), local.date() + LOOKAHEAD)
    if local.time() < CUTOFF and is_trading_day(local.date(), holidays=holidays):
        return local.date()
    return next_trading_day(local.date(), holidays=holidays)


def cutoff_of(trade_date: dt.date) -> dt.datetime:
    """The moment orders for ``trade_date`` stop being cancellable."""
    return cutoff_moment(trade_date)


def confirmation_date(trade_date: dt.date, *, holidays: set[dt.date] | None = None) -> dt.date:
    """Subscriptions are confirmed on T+1 with NAV(T)."""
    return next_trading_day(trade_date, holidays=holidays)


def previous_trading_day(day: dt.date) -> dt.date:
    """The last trading day strictly before ``day``."""
    holidays = holidays_between(day - dt.timedelta(days=40), day)
    candidate = day - dt.timedelta(days=1)
    while not is_trading_day(candidate, holidays=holidays):
        candidate -= dt.timedelta(days=1)
    return candidate
