"""The demo's clock: ``demo_clock`` runs the services at the moment a demo step stands for, and
the trading calendar's public holidays are in place before any demo order."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from institutions.demo import STAFF_EMAIL
from marketplace.holidays import COVERED_YEARS, MAINLAND_MARKET_HOLIDAYS
from products.demo.generators import last_trading_day

from .. import services
from ..models import Holiday

SHANGHAI = ZoneInfo("Asia/Shanghai")


@contextmanager
def demo_clock(moment: dt.datetime) -> Iterator[None]:
    """Run the services as if it were ``moment`` (demo data only): ``timezone.now()`` and every
    model field defaulting to it answer ``moment`` plus a microsecond per call, so rows keep
    their order. Never later than the real time."""
    real_now = timezone.now
    moment = min(moment, real_now())
    ticks = itertools.count()

    def now() -> dt.datetime:
        return moment + dt.timedelta(microseconds=next(ticks))

    fields = [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if getattr(field, "default", None) is real_now
    ]
    cached = [(field, field.__dict__.get("_get_default")) for field in fields]
    timezone.now = now
    for field in fields:
        field.__dict__["_get_default"] = now
    try:
        yield
    finally:
        timezone.now = real_now
        for field, before in cached:
            if before is None:
                field.__dict__.pop("_get_default", None)
            else:
                field.__dict__["_get_default"] = before


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def seed_holidays(log) -> int:
    """The market's public holidays for the years the demo covers, in the staff-edited table
    (through the staff service), before any demo order is placed."""
    staff = get_user_model().objects.get(email=STAFF_EMAIL)
    have = set(Holiday.objects.values_list("date", flat=True))
    added = 0
    for day, name in sorted(MAINLAND_MARKET_HOLIDAYS.items()):
        if day.year in COVERED_YEARS and day not in have:
            services.holiday_add(actor=staff, date=day, name=name)
            added += 1
    if added:
        log(f"  trading calendar: {added} public holidays added")
    return added


def buy_day(today: dt.date, days_ago: int) -> dt.date:
    return last_trading_day(today - dt.timedelta(days=days_ago))
