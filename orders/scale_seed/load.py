"""The load itself (``seed_scale``): the trading days, the fund catalogue, the checks on the
database, the investors streamed in chunks, the months closed, the indexes and sequences."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import connection, transaction

from .copy_text import TABLES, Buffers, Clock
from .investors import Context, Fund, Ids, _investor

NOT_POSTGRES = (
    "seed_scale loads with PostgreSQL's COPY; the database is {vendor}. "
    "Set DATABASE_URL=postgres://… and run it again."
)
NOT_EMPTY = (
    "The database already has {what}: seed_scale loads into a database without orders, cash "
    "entries or statements (create a fresh one, or run `manage.py flush`), so that every "
    "ledger it writes reconciles on its own."
)
BAD_COUNTS = "Give at least one investor and no negative number of orders."

INSTITUTIONS = (
    ("scale-harbour", "Harbour Funds"),
    ("scale-summit", "Summit Funds"),
    ("scale-jade", "Jade River Funds"),
    ("scale-lotus", "Lotus Funds"),
    ("scale-pine", "Pine Hill Funds"),
)
FUNDS_PER_INSTITUTION = 4
FUND_RISK_LEVELS = (1, 2, 2, 3)


def trading_days(today: dt.date, count: int) -> tuple[list[dt.date], list[dt.date]]:
    """The ``count`` trading days before ``today`` (oldest first) and each one's next
    trading day (its confirmation day)."""
    from orders.calendar import holidays_between, is_trading_day

    holidays = holidays_between(today - dt.timedelta(days=count * 2 + 30), today)
    days: list[dt.date] = []
    day = today - dt.timedelta(days=1)
    while len(days) < count:
        if is_trading_day(day, holidays=holidays):
            days.append(day)
        day -= dt.timedelta(days=1)
    days.reverse()
    confirm = days[1:] + [today if is_trading_day(today, holidays=holidays) else _next(today)]
    return days, confirm


def _next(day: dt.date) -> dt.date:
    from orders.calendar import next_trading_day

    return next_trading_day(day)


@dataclass
class Result:
    investors: int = 0
    orders: int = 0
    rows: int = 0
    statements: int = 0
    seconds: float = 0.0
    generate_seconds: float = 0.0  # building the rows in Python
    copy_seconds: float = 0.0  # PostgreSQL taking them in
    close_seconds: float = 0.0  # closing the months' statements
    index_seconds: float = 0.0  # building the secondary indexes again
    analyse_seconds: float = 0.0  # VACUUM ANALYZE
    by_table: dict[str, int] = field(default_factory=dict)


def check_database() -> None:
    """Refuse what the load cannot keep consistent (``ValueError`` says why)."""
    from orders.models import CashEntry, Order, Statement

    if connection.vendor != "postgresql":
        raise ValueError(NOT_POSTGRES.format(vendor=connection.vendor))
    for model, what in ((Order, "orders"), (CashEntry, "cash entries"), (Statement, "statements")):
        if model.objects.exists():
            raise ValueError(NOT_EMPTY.format(what=what))


def order_counts(investors: int, orders: int, rng: random.Random) -> Iterator[int]:
    """How many orders each investor places: ``orders`` in all, between none and about twice
    the mean, in a random order."""
    base, extra = divmod(orders, investors)
    for i in range(0, investors - 1, 2):  # pairs that add up to twice the mean
        shift = rng.randint(0, base)
        yield base - shift + (i < extra)
        yield base + shift + (i + 1 < extra)
    if investors % 2:
        yield base + (investors - 1 < extra)


def catalogue(rng: random.Random, days: list[dt.date]) -> list[Fund]:
    """The fund companies and their funds (with their NAV series), made or reused through the
    benchmark fixtures."""
    from bench.fixtures import bench_funds, bench_institution
    from products.models import NavPrice

    funds = []
    for n, (slug, name) in enumerate(INSTITUTIONS):
        institution = bench_institution(slug=slug, name=name, licence=f"SCALE-{n + 1}")
        for product in bench_funds(
            institution,
            FUNDS_PER_INSTITUTION,
            days=days,
            rng=rng,
            code_prefix=f"{n + 1}9",
            risk_levels=FUND_RISK_LEVELS,
        ):
            by_day = dict(
                NavPrice.objects.filter(product=product, date__in=days).values_list("date", "nav")
            )
            funds.append(
                Fund(
                    id=product.pk,
                    institution_id=institution.pk,
                    risk_level=product.risk_level,
                    navs=[int(by_day[day] * 10000) for day in days],
                )
            )
    return funds


def _next_ids(cursor) -> Ids:
    ids = Ids()
    for name, table in TABLES.items():
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        ids.next[name] = cursor.fetchone()[0]
    return ids


def _drop_secondary_indexes(cursor) -> list[str]:
    """Drop the loaded tables' indexes that back no constraint (building one index at the end
    is many times faster than keeping it up to date row by row) and return the statements
    that make them again, exactly as they were. Primary keys and unique constraints stay."""
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1
        """,
        [list(TABLES.values())],
    )
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for _, definition in found]


def _move_sequences(cursor) -> None:
    """Each sequence past the ids the load wrote, so the app creates rows after them."""
    for table in TABLES.values():
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
        )


def seed_scale(
    *,
    investors: int,
    orders: int,
    seed: int = 0,
    days: int = 60,
    chunk: int = 20_000,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    phase: Callable[[str], None] = lambda name: None,
) -> Result:
    """Load ``investors`` investors and ``orders`` orders over the ``days`` trading days before
    ``today`` (see the module's docstring). ``progress(investors_done, rows_done)`` is called
    after each chunk, ``phase(what)`` when a step after the load begins. The same ``seed``
    loads the same rows into an empty database."""
    import time

    from django.utils import timezone

    from orders.services import close_month
    from profiles.models import Identity, Questionnaire

    if investors < 1 or orders < 0:
        raise ValueError(BAD_COUNTS)
    check_database()
    started = time.monotonic()
    today = today or timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 (made-up data, reproducible by its seed)
    trading, confirm = trading_days(today, days)
    result = Result()
    with transaction.atomic():
        funds = catalogue(rng, trading)
        questionnaire = Questionnaire.objects.filter(is_active=True).first()
        if questionnaire is None:
            questionnaire = Questionnaire.objects.create(
                version="scale-v1", title="Risk questionnaire", is_active=True
            )
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            ids = _next_ids(cursor)
            first_order = ids.next["order"]
            indexes = _drop_secondary_indexes(cursor)
            encrypt = Identity._meta.get_field("document_number").get_prep_value
            ctx = Context(
                rng, ids, trading, confirm, today, funds, questionnaire.pk, Clock(), encrypt
            )
            out = Buffers()
            mark = time.monotonic()
            for n, count in enumerate(order_counts(investors, orders, rng), start=1):
                _investor(ctx, out, count)
                if n % chunk == 0 or n == investors:
                    for name, rows in out.rows.items():
                        result.by_table[name] = result.by_table.get(name, 0) + len(rows)
                    copying = time.monotonic()
                    result.generate_seconds += copying - mark
                    result.rows += out.flush(cursor)
                    mark = time.monotonic()
                    result.copy_seconds += mark - copying
                    if progress:
                        progress(n, result.rows)
            phase("Closing the months' statements")
            closing = time.monotonic()
            # Every month before the current one closed, oldest first, as the month-end
            # close does (before the indexes are back: attaching orders rewrites their rows).
            month = trading[0].replace(day=1)
            while month < today.replace(day=1):
                result.statements += len(close_month(month=month, today=today))
                month = (month + dt.timedelta(days=32)).replace(day=1)
            result.close_seconds = time.monotonic() - closing
            phase(f"Building {len(indexes)} indexes again")
            indexing = time.monotonic()
            for definition in indexes:
                cursor.execute(definition)
            cursor.execute("SET LOCAL session_replication_role = origin")
            _move_sequences(cursor)
            result.index_seconds = time.monotonic() - indexing
    result.investors = investors
    result.orders = ids.next["order"] - first_order
    phase("VACUUM ANALYZE")
    analysing = time.monotonic()
    # The statements rewrote the orders they took: VACUUM clears the old row versions (it
    # cannot run inside a transaction, as in a test; ANALYZE alone then).
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for table in TABLES.values():
            cursor.execute(f"{command} {table}")
    result.analyse_seconds = time.monotonic() - analysing
    result.seconds = time.monotonic() - started
    return result
