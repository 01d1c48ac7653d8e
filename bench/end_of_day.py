"""End-of-day confirmation of 1,000,000 pending fund orders against hand-written SQL, in this
process and split into parts over 1, 2, … Celery worker processes (run by hand, not in CI).

    .venv/bin/python bench/end_of_day.py [--orders 1000000] [--funds 50] [--investors 20000]
                                         [--workers 1,2] [--redis-url redis://127.0.0.1:6379/11]

Creates the database if it is missing (``DATABASE_URL``, default
``postgres://postgres@127.0.0.1:5432/fortune_bench_eod``), migrates it, and fills it with
``--orders`` pending subscriptions spread over ``--funds`` funds (typical fee schedule, NAV of
the trade date uploaded) and ``--investors`` investors. Then, in one run, each time on the same
orders loaded again (same seed):

1. hand-written SQL does the same work in a few set-based statements — price every order at
   NAV(T) with the net-amount fee (``round(A / (1 + r), 2)``, units ``trunc(net / NAV, 2)``),
   write its event, create or grow the holdings and add one lot per order — in one
   transaction, committed; its results are fingerprinted;
2. ``orders.services.end_of_day`` runs every part of the run in this process, one after the
   other (each part its own transaction);
3. for each count in ``--workers``: that many worker processes (``celery worker -c 1`` on the
   ``end_of_day`` queue) run the parts at once, from ``orders.tasks.end_of_day_run`` sent to
   the queue until the run is closed.

It prints each time, the ratios to the SQL and to one worker (targets: end of day within
1.2 × the SQL, two workers at least 1.6 × as fast as one) and whether every fingerprint (count,
units, fees, net amounts, holdings, lots) agrees with the SQL's to the cent. Upfront commission
and the after-sales notices the run hands over are other workers' work (the SQL writes neither):
they are left out of every timing. It never fails on a timing.

Beside each in-process time it prints the CPU seconds the run cost in this process and in its
PostgreSQL backend (read from ``/proc`` when the server runs on this machine) and their ratio:
the other sessions' load stretches the wall times (the same run took 21 s or 34 s of SQL an
hour apart), far less the CPU they cost.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fortune_bench_eod"
TARGET = 1.2  # end of day / hand-written SQL
SPEED_UP_TARGET = 1.6  # two workers / one
STALLED = 3600  # seconds
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
    parser.add_argument("--batch-size", type=int, default=10_000, help="orders per part")
    parser.add_argument("--workers", default="1,2", help="worker process counts, e.g. 1,2")
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/11"
    )
    args = parser.parse_args()
    args.database_url = args.database_url or DEFAULT_DATABASE_URL
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    return args


def setup_django(database_url: str, redis_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")
    os.environ["REDIS_URL"] = redis_url  # the parts go to the workers through it
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
    from marketplace.models import OutboxMessage
    from orders.models import CommissionEntry, EndOfDayRun, Holding, Lot, Order, OrderEvent

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (
            CommissionEntry, Lot, OrderEvent, Holding, Order, EndOfDayRun, OutboxMessage
        ):  # fmt: skip
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


def quiet_hand_overs() -> None:
    """Upfront commission and the notices are not handed over (nothing the SQL does)."""
    import importlib

    confirmation = importlib.import_module("orders.services.confirmation.batch")
    eod = importlib.import_module("orders.services.end_of_day")  # the module, not the function

    for module in (confirmation, eod):
        hand_over = module.enqueue

        def skip(task, *args, _hand_over=hand_over, **kwargs):
            if task in ("orders.tasks.commission_entries_write", eod.NOTICES_TASK):
                return None
            return _hand_over(task, *args, **kwargs)

        module.enqueue = skip  # type: ignore[attr-defined]


def on_workers(count: int, args) -> tuple[float, dict, dict]:
    """The run on ``count`` worker processes: seconds from sending it to its close, its stats,
    and how many parts each worker took."""
    import tempfile

    from django.db.models import Count

    from marketplace.celery import app as celery_app
    from orders.models import EndOfDayPart, EndOfDayRun
    from orders.tasks import end_of_day_run
    from tests.integration.processes import start_workers

    celery_app.control.purge()
    with tempfile.TemporaryDirectory() as logs, start_workers(
        count, Path(logs), queues="end_of_day", startup_timeout=120
    ) as workers:  # fmt: skip
        started = time.perf_counter()
        end_of_day_run.apply_async(args=[RUN_DATE.isoformat(), args.batch_size], queue="end_of_day")
        while not EndOfDayRun.objects.filter(date=RUN_DATE, finished_at__isnull=False).exists():
            if any(w.process.poll() is not None for w in workers):
                raise RuntimeError("a worker died:\n" + workers[0].output()[-3000:])
            if time.perf_counter() - started > STALLED:
                # e.g. another consumer on the same Redis database took the parts' messages
                raise RuntimeError(f"the run did not close in {STALLED} s")
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    celery_app.control.purge()  # what the run handed over to other queues
    took = dict(
        EndOfDayPart.objects.values_list("worker")
        .annotate(n=Count("pk"))
        .values_list("worker", "n")
    )
    return seconds, EndOfDayRun.objects.get(date=RUN_DATE).stats, took


def load() -> str:
    """The machine's load average as a run ends: the figures are only as good as it is quiet."""
    return "load average " + ", ".join(f"{n:.1f}" for n in os.getloadavg())


def phase_ends() -> str:
    """When each phase's last part was done, in seconds from the run's start: where a run's
    time goes (the confirmations, the one-part steps after them, the holdings)."""
    from django.db.models import Max

    from orders.models import EndOfDayPart, EndOfDayRun

    run = EndOfDayRun.objects.get(date=RUN_DATE)
    ends = (
        EndOfDayPart.objects.filter(run=run, attempt=run.attempt)
        .values("phase")
        .annotate(end=Max("done_at"), last=Max("seq"))
        .order_by("last")
    )
    return ", ".join(
        f"{row['phase'].split('.')[-1]} {(row['end'] - run.started_at).total_seconds():.1f} s"
        for row in ends
    )


def main() -> None:
    args = parse_args()
    counts = [int(n) for n in args.workers.split(",") if n.strip()]
    setup_django(args.database_url, args.redis_url)
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.cpu import cpu_now
    from orders.services import end_of_day

    settings.CELERY_TASK_ALWAYS_EAGER = False
    quiet_hand_overs()
    fill(args)
    with connection.cursor() as cursor:
        cpu_start = cpu_now(cursor)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in HAND_WRITTEN_SQL:
            cursor.execute(statement, {"run_date": RUN_DATE, "now": timezone.now()})
    sql_seconds = time.perf_counter() - started  # committed, like end_of_day's parts
    with connection.cursor() as cursor:
        sql_cpu = cpu_now(cursor)
        sql_result = fingerprint(cursor)
    print(
        f"hand-written SQL       : {sql_seconds:8.1f} s  {sql_result}  {sql_cpu.since(cpu_start)}"
        f"  {load()}"
    )

    fill(args)  # the same orders again (seeded), pending
    with connection.cursor() as cursor:
        serial_start = cpu_now(cursor)
    started = time.perf_counter()
    stats = end_of_day(run_date=RUN_DATE, batch_size=args.batch_size)
    serial_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        serial_cpu = cpu_now(cursor)
        results = {"in this process": fingerprint(cursor)}
    print(
        f"end_of_day, in process : {serial_seconds:8.1f} s  {results['in this process']}  {stats}"
        f"; phases done at {phase_ends()}  {serial_cpu.since(serial_start)}  {load()}"
    )
    timings = {}
    for count in counts:
        fill(args)
        seconds, stats, took = on_workers(count, args)
        with connection.cursor() as cursor:
            results[f"{count} workers"] = fingerprint(cursor)
        timings[count] = seconds
        print(
            f"end_of_day, {count} worker(s): {seconds:8.1f} s  {results[f'{count} workers']}  "
            f"parts per worker {sorted(took.values())}; phases done at {phase_ends()}  {load()}"
        )

    ratio = serial_seconds / sql_seconds
    print(
        f"ratio end_of_day (in process) / SQL = {ratio:.2f}× (target ≤ {TARGET}×) "
        f"{'OK' if ratio <= TARGET else 'ABOVE TARGET'}"
    )
    sql_total, serial_total = sql_cpu.total_since(cpu_start), serial_cpu.total_since(serial_start)
    if sql_total and serial_total:  # the same connection throughout, its backend readable
        print(
            f"ratio of CPU seconds (this process + its PostgreSQL backend) end_of_day / SQL = "
            f"{serial_total / sql_total:.2f}×"
        )
    for count, seconds in timings.items():
        print(f"ratio end_of_day ({count} worker(s)) / SQL = {seconds / sql_seconds:.2f}×")
    if 1 in timings:
        for count, seconds in timings.items():
            if count > 1:
                speed_up = timings[1] / seconds
                verdict = "OK" if speed_up >= SPEED_UP_TARGET else "BELOW TARGET"
                print(
                    f"speed-up {count} workers / 1 = {speed_up:.2f}× "
                    f"(target ≥ {SPEED_UP_TARGET}× for 2) {verdict}"
                )
    same = all(result == sql_result for result in results.values())
    print(f"same result to the cent: {'yes' if same else 'NO'}  ({', '.join(results)} vs SQL)")


if __name__ == "__main__":
    main()
