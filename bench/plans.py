"""The daily claim of 1,000,000 investment plans against hand-written SQL (run by hand, not in CI).

    .venv/bin/python bench/plans.py [--plans 1000000] [--investors 200000] [--threads 1]

Creates ``fortune_bench_plans`` if missing (``DATABASE_URL`` overrides), migrates it, and fills
it (COPY) with ``--plans`` plans of one bond fund over ``--investors`` investors: weekly,
fortnightly and monthly in equal parts, on random days and cycles, a tenth paused or stopped,
a tenth ending by date (some already past) and a tenth by count (some used up). The due day
is a Monday (2026-12-07), so the window is Saturday to Monday and monthly plans on the 5th
and 6th are due too.

What is measured is the subject of ``orders/plans/run.py``'s first step: deciding, set-based,
which plans buy today and claiming exactly one purchase row per plan and due day.

1. hand-written SQL does it in one statement over the whole table — ``INSERT INTO purchases
   … SELECT … FROM plans JOIN (VALUES <window days>) … WHERE active AND purchases left AND
   <due rule> ON CONFLICT DO NOTHING`` — committed; the claimed rows are counted and
   fingerprinted, then the purchases are reset;
2. the real code path claims the same day: ``run.plan_buckets`` (the ranges to hand out) and,
   for every 10,000-id bucket, ``run.plans_claim_range`` (the range's advisory lock and ONE
   ``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING``, each range its own transaction),
   one after another or in ``--threads`` threads, as range tasks on several workers would.

It prints both times, the ratio (target ≤ 1.5×), plans claimed per second, and whether both
claimed the same purchases. Placing the orders afterwards (one ``order_place`` per claimed
purchase: suitability, cash, fee snapshot, commission, each its own transaction) is not the
subject: it is the order service's own cost, the same for a plan as for a checkout, and is
covered by ``bench/end_of_day.py``'s figures for the confirmation that follows. It never
fails on a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fortune_bench_plans"
TARGET = 1.5
DUE = dt.date(2026, 12, 7)  # a Monday
SINCE = dt.date(2026, 1, 5)

HAND_WRITTEN_SQL = """
INSERT INTO orders_planpurchase (plan_id, due_date, amount, status, reason_code, reason,
                                 created_at)
SELECT p.id, %(due)s, p.amount, 'claimed', '', '', %(now)s
  FROM orders_investmentplan p
 WHERE p.status = 'active'
   AND (p.max_purchases IS NULL OR p.purchases_made < p.max_purchases)
   AND EXISTS (
       SELECT 1 FROM (VALUES {values}) AS w(d, dow, dom, cyc)
        WHERE w.d >= p.schedule_from AND (p.end_date IS NULL OR p.end_date >= w.d)
          AND CASE p.frequency WHEN 'monthly' THEN p.day = w.dom
                               WHEN 'weekly' THEN p.day = w.dow
                               ELSE p.day = w.dow AND p.cycle = w.cyc END)
ON CONFLICT (plan_id, due_date) DO NOTHING
"""
FINGERPRINT_SQL = """
SELECT count(*), coalesce(sum(plan_id), 0), coalesce(sum(amount), 0)
  FROM orders_planpurchase WHERE due_date = %s AND status = 'claimed'
"""


class PlanRow(NamedTuple):
    """A benchmark plan (``InvestmentPlan`` fields)."""

    user_id: int
    product_id: int
    amount: Decimal
    frequency: str
    day: int
    start_date: dt.date
    end_date: dt.date | None
    max_purchases: int | None
    anchor_date: dt.date
    cycle: int
    schedule_from: dt.date
    status: str
    purchases_made: int
    consecutive_skips: int
    status_reason: str
    creation_key: str
    created_at: dt.datetime
    updated_at: dt.datetime


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--plans", type=int, default=1_000_000)
    parser.add_argument("--investors", type=int, default=200_000)
    parser.add_argument("--threads", type=int, default=1, help="range claims run in N threads")
    args = parser.parse_args()
    args.database_url = args.database_url or DEFAULT_DATABASE_URL
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    return args


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")
    os.environ.pop("REDIS_URL", None)
    from bench.catalogue import ensure_database

    ensure_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _plan_row(rng: random.Random, *, user_id: int, product_id: int, now) -> PlanRow:
    from orders.plans import schedule

    frequency = rng.choice(["weekly", "fortnightly", "monthly"])
    day = rng.randint(1, 28) if frequency == "monthly" else rng.randint(1, 5)
    start = SINCE + dt.timedelta(days=rng.randint(0, 300))
    anchor = schedule.anchor_for(frequency=frequency, day=day, schedule_from=start)
    if frequency == "fortnightly" and rng.random() < 0.5:
        anchor += dt.timedelta(days=7)
    draw = rng.random()
    end_date = max_purchases = None
    made = rng.randint(0, 40)
    if draw < 0.1:
        end_date = start + dt.timedelta(days=rng.randint(30, 600))
    elif draw < 0.2:
        max_purchases = rng.randint(1, 60)
        made = min(made, max_purchases)
    status = rng.choices(["active", "paused", "stopped"], weights=[90, 6, 4])[0]
    return PlanRow(
        user_id=user_id,
        product_id=product_id,
        amount=Decimal(rng.choice([100, 200, 500, 1000, 2000])),
        frequency=frequency,
        day=day,
        start_date=start,
        end_date=end_date,
        max_purchases=max_purchases,
        anchor_date=anchor,
        cycle=anchor.toordinal() % 14,
        schedule_from=start,
        status=status,
        purchases_made=made,
        consecutive_skips=0,
        status_reason="",
        creation_key="",
        created_at=now,
        updated_at=now,
    )


def fill(*, plans: int, investors: int) -> None:
    """``plans`` plans (added with COPY when fewer are there) over ``investors`` investors."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.fixtures import bench_funds, bench_institution, bench_investors
    from marketplace.bulk import bulk_insert
    from orders.plans.models import InvestmentPlan

    started = time.perf_counter()
    rng = random.Random(2026)
    users = bench_investors(investors)
    fund = bench_funds(bench_institution(), 1, days=[DUE], rng=rng)[0]
    have = InvestmentPlan.objects.count()
    now = timezone.now()
    for start in range(have, plans, 200_000):
        rows = [
            _plan_row(rng, user_id=users[n % len(users)], product_id=fund.pk, now=now)
            for n in range(start, min(plans, start + 200_000))
        ]
        with transaction.atomic():
            bulk_insert(InvestmentPlan, rows)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"filled: {plans:,} plans ({max(plans - have, 0):,} new) over {len(users):,} investors "
        f"in {time.perf_counter() - started:.1f} s"
    )


def reset_purchases() -> None:
    from django.db import connection

    from orders.plans.models import PlanPurchase

    table = PlanPurchase._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table}")  # noqa: S608 - the model's own table
        cursor.execute(f"VACUUM ANALYZE {table}")  # noqa: S608


def _fingerprint():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(FINGERPRINT_SQL, [DUE])
        return cursor.fetchone()


def hand_written(*, now) -> float:
    from django.db import connection, transaction

    from orders.plans import run, selectors

    window = run.window_days(DUE, selectors.trading_checker(DUE))
    values = ", ".join(
        f"('{w.date.isoformat()}'::date, {w.weekday}, {w.month_day}, {w.cycle})" for w in window
    )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(HAND_WRITTEN_SQL.format(values=values), {"due": DUE, "now": now})
    return time.perf_counter() - started


def through_the_code(*, now, threads: int) -> float:
    from django.db import connections

    from orders.plans import run, selectors

    def claim(bucket: int) -> int:
        try:
            return run.plans_claim_range(bucket=bucket, day=DUE, window=window, now=now)
        finally:
            if threads > 1:
                connections.close_all()

    started = time.perf_counter()
    window = run.window_days(DUE, selectors.trading_checker(DUE))
    buckets = list(run.plan_buckets(day=DUE))
    if threads > 1:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(claim, buckets))
    else:
        for bucket in buckets:
            claim(bucket)
    return time.perf_counter() - started


def run_bench(*, plans: int, investors: int, threads: int = 1) -> dict:
    """Fill, then time both sides; returns the figures (also used by the smoke test)."""
    from django.utils import timezone

    fill(plans=plans, investors=investors)
    now = timezone.now()
    reset_purchases()
    sql_seconds = hand_written(now=now)
    sql_result = _fingerprint()
    reset_purchases()
    code_seconds = through_the_code(now=now, threads=threads)
    code_result = _fingerprint()
    return {
        "sql_seconds": sql_seconds,
        "code_seconds": code_seconds,
        "sql_claimed": sql_result[0],
        "code_claimed": code_result[0],
        "same": sql_result == code_result,
    }


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    figures = run_bench(plans=args.plans, investors=args.investors, threads=args.threads)
    ratio = figures["code_seconds"] / figures["sql_seconds"]
    print(f"hand-written SQL : {figures['sql_seconds']:8.2f} s  {figures['sql_claimed']:,} claimed")
    print(
        f"range claims     : {figures['code_seconds']:8.2f} s  {figures['code_claimed']:,} claimed "
        f"({args.threads} thread{'s' if args.threads > 1 else ''})"
    )
    print(
        f"ratio range claims / SQL = {ratio:.2f}× (target ≤ {TARGET}×) "
        f"{'OK' if ratio <= TARGET else 'ABOVE TARGET'}"
    )
    print(
        f"plans claimed per second: range claims "
        f"{figures['code_claimed'] / figures['code_seconds']:,.0f}, "
        f"SQL {figures['sql_claimed'] / figures['sql_seconds']:,.0f}"
    )
    print(f"same purchases: {'yes' if figures['same'] else 'NO'}")


if __name__ == "__main__":
    main()
