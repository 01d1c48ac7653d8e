"""The catalogue's neutral tie-break: a published daily rotation (issue 15, DESIGN §4).

Products in the same risk level with the same minimum purchase used to be listed by name, so the
brands that happen to sort first (the platform's own "Fortune Market …" funds) led their band
every day. They are now listed by a key anyone can recompute from /about/ranking/::

    key = sha256("<trading day, YYYY-MM-DD>:<product slug>"), as 64 lower-case hex digits,
    ascending

The trading day is today's date in the business time zone (Asia/Shanghai) when it is a trading
day, otherwise the last trading day before it, so the order changes once per trading day and is
stable within it (pagination never reshuffles).

The key is computed by the database, in the ORDER BY of the catalogue query itself, rather than
stored as a per-day rank: hashing a few thousand short strings costs well under a millisecond,
there is no daily job that can be late or fail, and a product published at 11:00 has its key at
once. PostgreSQL uses its own ``sha256()``; SQLite (laptops) gets the same function from Python's
``hashlib`` when a connection opens (``register_sqlite_functions``).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db.models import CharField, F, Func, Value
from django.utils import timezone

from marketplace.holidays import is_market_holiday

SQLITE_FUNCTION = "fm_sha256_hex"


def is_trading_day(day: dt.date) -> bool:
    """Weekdays less the mainland market's holidays (``marketplace.holidays``)."""
    return day.weekday() < 5 and not is_market_holiday(day)


def local_today() -> dt.date:
    """Today in the business time zone (one place, so tests can set the date)."""
    return timezone.localdate()


def rotation_day(today: dt.date | None = None) -> dt.date:
    """The trading day whose rotation the catalogue shows on ``today`` (default: now)."""
    day = today or local_today()
    while not is_trading_day(day):
        day -= dt.timedelta(days=1)
    return day


def trading_days_from(start: dt.date, count: int) -> list[dt.date]:
    """``count`` consecutive trading days from ``start`` (inclusive when it is one)."""
    days, day = [], start
    while len(days) < count:
        if is_trading_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def rotation_seed(day: dt.date) -> str:
    return day.isoformat()


def rotation_input(day: dt.date, slug: str) -> str:
    """The text that is hashed for one product on one day."""
    return f"{rotation_seed(day)}:{slug}"


def rotation_key(day: dt.date, slug: str) -> str:
    """The published formula in Python: what the database computes for the ORDER BY."""
    return hashlib.sha256(rotation_input(day, slug).encode()).hexdigest()


class RotationKey(Func):
    """``sha256('<day>:' || slug)`` as hex, in SQL."""

    output_field = CharField()
    arg_joiner = " || "

    def __init__(self, day: dt.date, field: str = "slug"):
        super().__init__(Value(f"{rotation_seed(day)}:"), F(field))

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="encode(sha256(convert_to(%(expressions)s, 'UTF8')), 'hex')",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template=f"{SQLITE_FUNCTION}(%(expressions)s)", **extra
        )


def _sha256_hex(text):
    return None if text is None else hashlib.sha256(str(text).encode()).hexdigest()


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: SQLite has no sha256(); give it Python's."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, _sha256_hex, deterministic=True)


def default_order(day: dt.date | None = None) -> tuple:
    """The default order of /about/ranking/: lowest risk level, then lowest minimum purchase,
    then the day's rotation key, then listing id (only if two keys ever collided)."""
    return ("risk_level", "min_purchase", RotationKey(rotation_day(day)).asc(), "id")
