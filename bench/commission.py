"""Daily trail accrual over 1,000,000 holdings against hand-written SQL (run by hand, not in CI).

    .venv/bin/python bench/commission.py [--investors 20000 | --holdings 1000000] [--funds 50]

Creates ``fortune_bench_commission`` if missing (``DATABASE_URL`` overrides), migrates it and
fills it with ``--investors`` × ``--funds`` fund holdings (COPY), each fund with NAVs and each
institution with a commission contract. ``trail_accrue`` writes day 1 (so day 2 has carries to
read). Then, in one run, day 2 is accrued twice:

1. by hand-written SQL — one ``INSERT … SELECT`` computing market value at the day's NAV,
   ``round(value × fee × share / 365 + carry, 2)`` and the new carry — committed;
2. (after deleting those rows) by ``orders.services.trail_accrue``, in its batches.

It prints both times, the ratio (target ≤ 2×), and whether both wrote the same entries (count,
sum of amounts, sum of market values, and row by row), with the first differing rows when they
differ. It never fails on a timing. ``--holdings N`` is a shorthand for ``--investors N ÷
--funds``.

Both sides compute a day exactly: ``value × rate`` (cents × 6 places) plus the carry × 365
recovered to 8 places is a whole number of 1e-8 / 365, so a day that is exactly half a cent
rounds up (DESIGN §4) instead of landing on either side by the last digit of a division.
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
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fortune_bench_commission"
TARGET = 2.0
DAY1, DAY2 = dt.date(2026, 11, 23), dt.date(2026, 11, 24)


class BenchHoldingRow(NamedTuple):
    """A fund holding as the benchmark writes it (``Holding`` fields)."""

    user_id: int
    product_id: int
    institution_id: int
    kind: str
    units: Decimal
    reserved: Decimal
    cost: Decimal
    opened_at: dt.datetime
    updated_at: dt.datetime


HAND_WRITTEN_SQL = """
INSERT INTO orders_commissionentry (institution_id, product_id, kind, holding_id, accrual_date,
                                    basis, rate, amount, carry, created_at)
SELECT h.institution_id, h.product_id, 'trail', h.id, %(day)s, v.value, v.rate,
       v.amount, round((v.owed - v.amount * 365) / 365, 20), %(now)s
  FROM orders_holding h
  JOIN products_fundterms ft ON ft.product_id = h.product_id AND ft.management_fee_rate > 0
  JOIN institutions_commissioncontract c
    ON c.institution_id = h.institution_id AND c.product_kind = 'fund' AND c.trail_rate > 0
   AND c.valid_from <= %(day)s AND (c.valid_to IS NULL OR c.valid_to >= %(day)s)
  JOIN LATERAL (SELECT nav FROM products_navprice n
                 WHERE n.product_id = h.product_id AND n.date <= %(day)s
                 ORDER BY n.date DESC LIMIT 1) n ON true
  LEFT JOIN LATERAL (SELECT e.carry FROM orders_commissionentry e
                      WHERE e.holding_id = h.id AND e.kind = 'trail'
                        AND e.accrual_date >= %(month)s AND e.accrual_date < %(day)s
                      ORDER BY e.accrual_date DESC LIMIT 1) p ON true
  CROSS JOIN LATERAL (
    SELECT round(h.units * n.nav, 2) AS value,
           round(ft.management_fee_rate * c.trail_rate, 6) AS rate) r
  CROSS JOIN LATERAL (
    SELECT r.value, r.rate,
           r.value * r.rate + round(coalesce(p.carry, 0) * 365, 8) AS owed) o
  CROSS JOIN LATERAL (SELECT o.value, o.rate, o.owed, round(o.owed / 365, 2) AS amount) v
 WHERE h.kind = 'fund' AND h.units > 0
   AND NOT EXISTS (SELECT 1 FROM orders_commissionentry d
                    WHERE d.holding_id = h.id AND d.kind = 'trail' AND d.accrual_date = %(day)s)
"""
# Keeps the SQL's entries, to compare row by row with trail_accrue's.
KEEP_SQL = """
CREATE TEMPORARY TABLE bench_sql_day AS
SELECT holding_id, basis, rate, amount, carry FROM orders_commissionentry
 WHERE kind = 'trail' AND accrual_date = %s
"""
# The first rows where the two differ (amount or market value), with the carry each read.
DIFFERENCES_SQL = """
SELECT coalesce(s.holding_id, t.holding_id), s.basis, t.basis, s.rate, t.rate,
       s.amount, t.amount, prev.carry
  FROM bench_sql_day s
  FULL JOIN (SELECT holding_id, basis, rate, amount FROM orders_commissionentry
              WHERE kind = 'trail' AND accrual_date = %(day)s) t ON t.holding_id = s.holding_id
  LEFT JOIN orders_commissionentry prev
    ON prev.holding_id = coalesce(s.holding_id, t.holding_id) AND prev.kind = 'trail'
   AND prev.accrual_date = %(before)s
 WHERE (s.amount, s.basis) IS DISTINCT FROM (t.amount, t.basis)
 ORDER BY 1
 LIMIT %(limit)s
"""
SHOW_DIFFERENCES = 10
FINGERPRINT_SQL = """
SELECT count(*), sum(amount), sum(basis) FROM orders_commissionentry
 WHERE kind = 'trail' AND accrual_date = %s
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--investors", type=int, default=20_000)
    parser.add_argument("--funds", type=int, default=50)
    parser.add_argument(
        "--holdings", type=int, help="total holdings (sets --investors to this ÷ --funds)"
    )
    args = parser.parse_args()
    if args.holdings:
        args.investors = max(1, args.holdings // args.funds)
    args.database_url = args.database_url or DEFAULT_DATABASE_URL
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    return args


def fill(args) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.fixtures import bench_funds, bench_institution, bench_investors
    from institutions.models import CommissionContract
    from marketplace.bulk import bulk_insert
    from orders.models import CommissionEntry, Holding
    from profiles.models import User

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (CommissionEntry, Holding):
            cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")  # noqa: S608
    staff, _ = User.objects.get_or_create(email="bench-staff@bench.example", is_staff=True)
    institution = bench_institution()
    CommissionContract.objects.get_or_create(
        institution=institution,
        product_kind="fund",
        defaults={
            "upfront_rate": Decimal("0.004"),
            "trail_rate": Decimal("0.3"),
            "valid_from": dt.date(2026, 1, 1),
            "created_by": staff,
        },
    )
    rng = random.Random(2026)
    products = bench_funds(institution, args.funds, days=[DAY1, DAY2], rng=rng)
    users = bench_investors(args.investors)
    now = timezone.now()
    for start in range(0, len(users), 2000):
        rows = [
            BenchHoldingRow(
                user_id=user,
                product_id=product.pk,
                institution_id=institution.pk,
                kind="fund",
                units=Decimal(rng.randint(1, 10_000_000)) / 100,
                reserved=Decimal(0),
                cost=Decimal(1000),
                opened_at=now,
                updated_at=now,
            )
            for user in users[start : start + 2000]
            for product in products
        ]
        with transaction.atomic():
            bulk_insert(Holding, rows)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"filled: {len(users) * len(products):,} holdings ({len(users):,} investors × "
        f"{len(products)} funds) in {time.perf_counter() - started:.1f} s"
    )


def main() -> None:
    args = parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.local")
    os.environ.pop("REDIS_URL", None)
    from bench.catalogue import ensure_database

    ensure_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from orders.services import trail_accrue

    call_command("migrate", verbosity=0)
    fill(args)
    started = time.perf_counter()
    trail_accrue(on_date=DAY1)
    print(f"day 1 by trail_accrue: {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            HAND_WRITTEN_SQL, {"day": DAY2, "month": DAY2.replace(day=1), "now": timezone.now()}
        )
    sql_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(FINGERPRINT_SQL, [DAY2])
        sql_result = cursor.fetchone()
        cursor.execute(KEEP_SQL, [DAY2])
        # Entries are immutable (a trigger); the benchmark alone may take its own back.
        cursor.execute("ALTER TABLE orders_commissionentry DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM orders_commissionentry WHERE accrual_date = %s", [DAY2])
        cursor.execute("ALTER TABLE orders_commissionentry ENABLE TRIGGER USER")
        cursor.execute("VACUUM ANALYZE orders_commissionentry")

    started = time.perf_counter()
    trail_accrue(on_date=DAY2)
    service_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(FINGERPRINT_SQL, [DAY2])
        service_result = cursor.fetchone()
        cursor.execute(DIFFERENCES_SQL, {"day": DAY2, "before": DAY1, "limit": SHOW_DIFFERENCES})
        differences = cursor.fetchall()

    ratio = service_seconds / sql_seconds
    print(f"hand-written SQL : {sql_seconds:8.1f} s  {sql_result}")
    print(f"trail_accrue     : {service_seconds:8.1f} s  {service_result}")
    print(
        f"ratio trail_accrue / SQL = {ratio:.2f}× (target ≤ {TARGET:.0f}×) "
        f"{'OK' if ratio <= TARGET else 'ABOVE TARGET'}"
    )
    same = sql_result == service_result and not differences
    print(f"same entries to the cent: {'yes' if same else 'NO'}")
    if differences:
        print(f"first {len(differences)} differing entries of {DAY2} (SQL | trail_accrue):")
        for holding, basis_sql, basis, rate_sql, rate, amount_sql, amount, carry in differences:
            print(
                f"  holding {holding}: value {basis_sql} | {basis}, rate {rate_sql} | {rate}, "
                f"amount {amount_sql} | {amount}; carry read from {DAY1}: {carry}"
            )


if __name__ == "__main__":
    main()
