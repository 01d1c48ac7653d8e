"""End-of-day confirmation of 1,000,000 pending fund orders against hand-written SQL (run by
hand, not in CI).

    .venv/bin/python bench/end_of_day.py [--orders 1000000] [--funds 50] [--investors 20000]

Creates the database if it is missing (``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/fortune_bench_eod``), migrates it, and fills it with
``--orders`` pending subscriptions spread over ``--funds`` funds (typical fee schedule, NAV of
the trade date uploaded) and ``--investors`` investors. Then, in one run:

1. hand-written SQL does the same work in a few set-based statements — price every order at
   NAV(T) with the net-amount fee (``round(A / (1 + r), 2)``, units ``trunc(net / NAV, 2)``),
   write its event, create or grow the holdings and add one lot per order — in one
   transaction, committed; its results are fingerprinted;
2. the same orders are loaded again (same seed) and ``orders.services.end_of_day`` confirms
   them in its batches of ``--batch-size``, each its own transaction.

It prints both times, the ratio (target ≤ 2×) and whether the two fingerprints (count, units,
fees, net amounts, holdings) agree to the cent. It never fails on a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fortune_bench_eod"
TARGET = 2.0
TRADE_DATE = dt.date(2026, 11, 23)
RUN_DATE = dt.date(2026, 11, 24)


class PendingOrderRow(NamedTuple):
    """A pending fund subscription as the benchmark writes it (``Order`` fields)."""

    user_id: int
    product_id: int
    institution_id: int
    kind: str
    side: str
    status: str
    amount: Decimal
    trade_date: dt.date
    expected_confirm_date: dt.date
    placed_at: dt.datetime
    suitability: str
    risk_acknowledged_version: str
    contract_upfront_basis: str
    idempotency_key: str
    request_hash: str
    instant: bool


HAND_WRITTEN_SQL = [
    # 1. price every pending subscription of a trade date ≤ D whose NAV(T) exists
    """
    CREATE TEMP TABLE priced ON COMMIT DROP AS
    SELECT o.id, o.user_id, o.product_id, o.institution_id, o.amount, o.trade_date, n.nav,
           CASE WHEN t.fixed_fee IS NULL THEN t.rate END AS fee_rate,
           CASE WHEN t.fixed_fee IS NOT NULL THEN o.amount - LEAST(t.fixed_fee, o.amount)
                ELSE round(o.amount / (1 + t.rate), 2) END AS net
      FROM orders_order o
      JOIN products_navprice n ON n.product_id = o.product_id AND n.date = o.trade_date
      JOIN products_feetier t ON t.product_id = o.product_id AND t.schedule = 'subscription'
       AND o.amount >= t.lower AND (t.upper IS NULL OR o.amount < t.upper)
     WHERE o.status = 'pending' AND o.trade_date <= %(run_date)s
       AND o.kind = 'fund' AND o.side = 'buy'
    """,
    """
    UPDATE orders_order o
       SET status = 'confirmed', fee = p.amount - p.net, fee_rate = p.fee_rate,
           net_amount = p.net, nav = p.nav, units = trunc(p.net / p.nav, 2),
           confirmed_at = %(now)s
      FROM priced p
     WHERE o.id = p.id
    """,
    # 2. one event per order
    """
    INSERT INTO orders_orderevent (order_id, from_status, to_status, reason, created_at)
    SELECT p.id, 'pending', 'confirmed',
           'Confirmed at NAV ' || p.nav || ' of ' || p.trade_date || ': '
           || trunc(p.net / p.nav, 2) || ' units.', %(now)s
      FROM priced p
    """,
    # 3. holdings grow (or are created) by the units and the money of their orders
    """
    INSERT INTO orders_holding (user_id, product_id, institution_id, kind, units, reserved, cost,
                                opened_at, updated_at)
    SELECT user_id, product_id, min(institution_id), 'fund', sum(trunc(net / nav, 2)), 0,
           sum(amount), %(now)s, %(now)s
      FROM priced GROUP BY user_id, product_id
    ON CONFLICT (user_id, product_id) DO UPDATE
       SET units = orders_holding.units + EXCLUDED.units,
           cost = orders_holding.cost + EXCLUDED.cost, updated_at = EXCLUDED.updated_at
    """,
    # 4. one lot per order
    """
    INSERT INTO orders_lot (holding_id, order_id, source, acquired_on, units, units_remaining,
                            cost_remaining)
    SELECT h.id, p.id, 'purchase', p.trade_date, trunc(p.net / p.nav, 2),
           trunc(p.net / p.nav, 2), p.amount
      FROM priced p JOIN orders_holding h ON h.user_id = p.user_id AND h.product_id = p.product_id
    """,
]

FINGERPRINT_SQL = """
SELECT count(*), sum(units), sum(fee), sum(net_amount),
       (SELECT sum(units) FROM orders_holding), (SELECT count(*) FROM orders_lot)
  FROM orders_order WHERE status = 'confirmed'
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--funds", type=int, default=50)
    parser.add_argument("--investors", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=10_000, help="end_of_day batch size")
    args = parser.parse_args()
    args.database_url = args.database_url or DEFAULT_DATABASE_URL
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    return args


def setup_django(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")
    os.environ.pop("REDIS_URL", None)  # tasks in-process; nothing is enqueued here anyway
    from bench.catalogue import ensure_database

    ensure_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(args) -> None:
    """Funds, investors and pending orders, written with COPY (``marketplace.bulk``)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.fixtures import bench_funds, bench_institution, bench_investors
    from marketplace.bulk import bulk_insert
    from orders.models import EndOfDayRun, Holding, Lot, Order, OrderEvent

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (Lot, OrderEvent, Holding, Order, EndOfDayRun):
            cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")  # noqa: S608
    institution = bench_institution()
    products = bench_funds(institution, args.funds, days=[TRADE_DATE], rng=random.Random(1))
    users = bench_investors(args.investors)
    rng = random.Random(2026)  # the same orders on every fill
    placed = timezone.make_aware(dt.datetime.combine(TRADE_DATE, dt.time(10)))
    amounts = [
        Decimal(a) for a in ("100.00", "1000.00", "5000.00", "12345.67", "600000.00", "6000000.00")
    ]
    chunk = 200_000
    for start in range(0, args.orders, chunk):
        rows = [
            PendingOrderRow(
                user_id=rng.choice(users),
                product_id=product.pk,
                institution_id=institution.pk,
                kind="fund",
                side="buy",
                status="pending",
                amount=rng.choice(amounts),
                trade_date=TRADE_DATE,
                expected_confirm_date=RUN_DATE,
                placed_at=placed,
                suitability="allowed",
                risk_acknowledged_version="",
                contract_upfront_basis="",
                idempotency_key="",
                request_hash="",
                instant=False,
            )
            for product in (rng.choice(products) for _ in range(min(chunk, args.orders - start)))
        ]
        with transaction.atomic():
            bulk_insert(Order, rows)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"filled: {args.orders:,} pending orders, {len(products)} funds, {len(users):,} "
        f"investors in {time.perf_counter() - started:.1f} s"
    )


def fingerprint(cursor) -> tuple:
    cursor.execute(FINGERPRINT_SQL)
    return cursor.fetchone()


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    from django.db import connection, transaction
    from django.utils import timezone

    from orders.services import end_of_day

    fill(args)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in HAND_WRITTEN_SQL:
            cursor.execute(statement, {"run_date": RUN_DATE, "now": timezone.now()})
    sql_seconds = time.perf_counter() - started  # committed, like end_of_day's batches
    with connection.cursor() as cursor:
        sql_result = fingerprint(cursor)

    fill(args)  # the same orders again (seeded), pending
    # The after-sales notices end of day hands over at its end are other workers' work (the
    # hand-written SQL builds none): with tasks in-process they would run inside the timing.
    eod = importlib.import_module("orders.services.end_of_day")  # the module, not the function

    hand_over = eod.enqueue
    eod.enqueue = lambda task, *a, **kw: (
        None if task == eod.NOTICES_TASK else hand_over(task, *a, **kw)
    )
    started = time.perf_counter()
    stats = end_of_day(run_date=RUN_DATE, batch_size=args.batch_size)
    service_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        service_result = fingerprint(cursor)

    ratio = service_seconds / sql_seconds
    print(f"hand-written SQL : {sql_seconds:8.1f} s  {sql_result}")
    print(f"end_of_day       : {service_seconds:8.1f} s  {service_result}  {stats}")
    print(
        f"ratio end_of_day / SQL = {ratio:.2f}× (target ≤ {TARGET:.0f}×) "
        f"{'OK' if ratio <= TARGET else 'ABOVE TARGET'}"
    )
    print(f"same result to the cent: {'yes' if sql_result == service_result else 'NO'}")


if __name__ == "__main__":
    main()
