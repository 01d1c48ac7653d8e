"""A campaign's fan-out to 1,000,000 investors against hand-written SQL (run by hand, not in CI).

    .venv/bin/python bench/offers.py [--investors 1000000] [--threads 1]

Creates ``fortune_bench_offers`` if missing (``DATABASE_URL`` overrides), migrates it, and
fills it (COPY) with ``--investors`` investors' profiles, every one consenting to offers, and
a week of earlier offers from another institution (a fifth of the investors have one, one in
twenty has three, the whole weekly cap), so the cap decides something. Then, in one run:

1. hand-written SQL does the same work in one statement — ``INSERT INTO inbox … SELECT … FROM
   profiles JOIN users LEFT JOIN (this week's offers per investor, in all and from this
   institution) WHERE <segment> AND consent AND under both caps ON CONFLICT DO NOTHING`` —
   committed; the offers are counted and fingerprinted, then the inbox is reset;
2. the campaign is sent through the real code path: ``campaign_start_sending`` (the range
   rows and one outbox message per range) and every range task's service,
   ``fanout.campaign_range_deliver`` (advisory lock, one ``INSERT … SELECT … RETURNING`` per
   10,000 ids, the coupon hook, the e-mail enqueue, the range bookkeeping, each range its own
   transaction), in-process, one after another or in ``--threads`` threads. The outbox
   messages are written but not sent (no broker, and no e-mail goes out).

It prints both times, the ratio (target ≤ 1.5×), offers per second, and whether both wrote
the same offers. It never fails on a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fortune_bench_offers"
TARGET = 1.5
COHORTS = ["post_70s", "post_80s", "post_90s", "post_95s", "post_00s"]
CITIES = ["beijing", "shanghai", "hangzhou", "wuhan", "chengdu", "other"]

HAND_WRITTEN_SQL = """
INSERT INTO orders_inboxmessage (user_id, kind, topic, subject_key, title, body, link,
                                 created_at, email_state, campaign_id)
SELECT p.user_id, 'offer', 'offer', %(key)s, %(title)s, %(body)s, %(link)s, %(now)s, 'pending',
       %(campaign)s
  FROM profiles_investorprofile p
  JOIN profiles_user u ON u.id = p.user_id
  LEFT JOIN (SELECT m.user_id, count(*) AS n,
                    count(*) FILTER (WHERE c.institution_id = %(institution)s) AS mine
               FROM orders_inboxmessage m LEFT JOIN orders_campaign c ON c.id = m.campaign_id
              WHERE m.kind = 'offer' AND m.created_at > %(week_ago)s
              GROUP BY m.user_id) r ON r.user_id = p.user_id
 WHERE p.marketing_offers AND p.anonymised_at IS NULL AND u.is_active
   AND p.risk_level IN (2, 3, 4, 5)
   AND coalesce(r.n, 0) < %(cap)s AND coalesce(r.mine, 0) < %(cap_mine)s
ON CONFLICT (user_id, topic, subject_key) DO NOTHING
"""
FINGERPRINT_SQL = """
SELECT count(*), coalesce(sum(user_id), 0) FROM orders_inboxmessage WHERE campaign_id = %s
"""


class ProfileRow(NamedTuple):
    """A benchmark investor's profile (``InvestorProfile`` fields)."""

    user_id: int
    full_name: str
    birth_year: int
    age_cohort: str
    city: str
    income_band: str
    investment_goal: str
    experience: str
    risk_level: int
    share_profile_with_institutions: bool
    marketing_offers: bool
    updated_at: dt.datetime


class EarlierOfferRow(NamedTuple):
    """An offer of this week from another institution (``InboxMessage`` fields)."""

    user_id: int
    kind: str
    topic: str
    subject_key: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    email_state: str
    campaign_id: int


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--investors", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=1, help="range tasks run in N threads")
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


def _campaign(institution, *, title: str, actor):
    from django.utils import timezone

    from orders.campaigns import services

    return services.campaign_save(
        institution=institution,
        actor=actor,
        title=title,
        body="Our bond fund (R2): half the subscription fee for a month.",
        trigger="scheduled",
        send_at=timezone.now() + dt.timedelta(minutes=1),
        risk_levels=[2, 3, 4, 5],
    )


def fill(investors: int) -> dict:
    """Profiles of ``investors`` investors (added with COPY when missing) and two campaigns:
    an earlier one of another institution, and the one the benchmark sends."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.fixtures import bench_institution, bench_investors
    from institutions.models import Institution, InstitutionStatus
    from marketplace.bulk import bulk_insert
    from orders.campaigns.models import Campaign, CampaignEvent, CampaignRange, InboxMessage
    from profiles.models import InvestorProfile, User

    started = time.perf_counter()
    users = bench_investors(investors)
    have = set(InvestorProfile.objects.filter(user_id__in=users).values_list("user_id", flat=True))
    rng, now = random.Random(2026), timezone.now()
    rows = [
        ProfileRow(
            user_id=user_id,
            full_name="",
            birth_year=1990,
            age_cohort=rng.choice(COHORTS),
            city=rng.choice(CITIES),
            income_band="",
            investment_goal="",
            experience="",
            risk_level=rng.randint(1, 5),
            share_profile_with_institutions=False,
            marketing_offers=True,
            updated_at=now,
        )
        for user_id in users
        if user_id not in have
    ]
    for start in range(0, len(rows), 200_000):
        with transaction.atomic():
            bulk_insert(InvestorProfile, rows[start : start + 200_000])
    actor, _ = User.objects.get_or_create(email="bench-marketer@bench.example")
    institution = bench_institution()
    other, _ = Institution.objects.get_or_create(
        slug="bench-other",
        defaults={
            "name": "Bench Other",
            "type": "bank",
            "status": InstitutionStatus.APPROVED,
            "licence_number": "BENCH-2",
        },
    )
    tables = [m._meta.db_table for m in (InboxMessage, CampaignRange, CampaignEvent, Campaign)]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)}")  # noqa: S608 - the models' own tables
    earlier = _campaign(other, title="Earlier offer", actor=actor)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"filled: {len(users):,} investors ({len(rows):,} new profiles) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return {"users": users, "institution": institution, "earlier": earlier, "actor": actor}


def reset_inbox(world: dict) -> None:
    """An inbox holding only this week's earlier offers (a fifth of the investors have one,
    one in twenty three: the whole cap)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from marketplace.bulk import bulk_insert
    from orders.campaigns.models import InboxMessage

    earlier, rng = world["earlier"], random.Random(7)
    when = timezone.now() - dt.timedelta(days=2)
    rows = []
    for user_id in world["users"]:
        draw = rng.random()
        count = 3 if draw < 0.05 else 1 if draw < 0.20 else 0
        rows += [
            EarlierOfferRow(
                user_id=user_id,
                kind="offer",
                topic="offer",
                subject_key=f"campaign:{earlier.pk}:{n}",
                title=earlier.title,
                body=earlier.body,
                link="/",
                created_at=when,
                email_state="sent",
                campaign_id=earlier.pk,
            )
            for n in range(count)
        ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {InboxMessage._meta.db_table}")  # noqa: S608
        bulk_insert(InboxMessage, rows)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {InboxMessage._meta.db_table}")  # noqa: S608


def hand_written(campaign, *, now) -> float:
    from django.conf import settings
    from django.db import connection, transaction

    from orders.campaigns.fanout import offer_link

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            HAND_WRITTEN_SQL,
            {
                "key": campaign.subject_key,
                "title": campaign.title,
                "body": campaign.body,
                "link": offer_link(campaign),
                "now": now,
                "campaign": campaign.pk,
                "institution": campaign.institution_id,
                "week_ago": now - dt.timedelta(days=7),
                "cap": settings.OFFERS_PER_WEEK,
                "cap_mine": settings.OFFERS_PER_INSTITUTION_PER_WEEK,
            },
        )
    return time.perf_counter() - started


def through_the_code(campaign, *, now, threads: int) -> float:
    from django.db import connections

    from orders.campaigns import fanout, services
    from orders.campaigns.models import CampaignRange

    def deliver(bucket: int) -> int:
        try:
            return fanout.campaign_range_deliver(campaign_id=campaign.pk, bucket=bucket, now=now)
        finally:
            if threads > 1:
                connections.close_all()

    started = time.perf_counter()
    services.campaign_launch(campaign=campaign, actor=campaign.created_by)
    services.campaign_start_sending(campaign=campaign, now=now)
    buckets = list(CampaignRange.objects.filter(campaign=campaign).values_list("bucket", flat=True))
    if threads > 1:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(deliver, buckets))
    else:
        for bucket in buckets:
            deliver(bucket)
    return time.perf_counter() - started


def run(*, investors: int, threads: int = 1) -> dict:
    """Fill, then time both sides; returns the figures (also used by the smoke test)."""
    from marketplace import outbox

    world = fill(investors)
    send_now = outbox.send_now
    outbox.send_now = lambda message_id: False  # written, never sent: no broker, no e-mail
    try:
        return _timed(world, threads=threads)
    finally:
        outbox.send_now = send_now


def _timed(world: dict, *, threads: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    now = timezone.now() + dt.timedelta(minutes=2)

    reset_inbox(world)
    sql_campaign = _campaign(world["institution"], title="Half the fee (SQL)", actor=world["actor"])
    sql_seconds = hand_written(sql_campaign, now=now)
    with connection.cursor() as cursor:
        cursor.execute(FINGERPRINT_SQL, [sql_campaign.pk])
        sql_result = cursor.fetchone()

    reset_inbox(world)
    campaign = _campaign(world["institution"], title="Half the fee", actor=world["actor"])
    code_seconds = through_the_code(campaign, now=now, threads=threads)
    with connection.cursor() as cursor:
        cursor.execute(FINGERPRINT_SQL, [campaign.pk])
        code_result = cursor.fetchone()
    campaign.refresh_from_db()
    return {
        "sql_seconds": sql_seconds,
        "code_seconds": code_seconds,
        "sql_offers": sql_result[0],
        "code_offers": code_result[0],
        "same": sql_result == code_result,
        "status": campaign.status,
    }


def main() -> None:
    args = parse_args()
    setup_django(args.database_url)
    figures = run(investors=args.investors, threads=args.threads)
    ratio = figures["code_seconds"] / figures["sql_seconds"]
    print(f"hand-written SQL : {figures['sql_seconds']:8.1f} s  {figures['sql_offers']:,} offers")
    print(
        f"range tasks      : {figures['code_seconds']:8.1f} s  {figures['code_offers']:,} offers "
        f"({args.threads} thread{'s' if args.threads > 1 else ''}; campaign {figures['status']})"
    )
    print(
        f"ratio range tasks / SQL = {ratio:.2f}× (target ≤ {TARGET}×) "
        f"{'OK' if ratio <= TARGET else 'ABOVE TARGET'}"
    )
    print(
        f"offers per second: range tasks {figures['code_offers'] / figures['code_seconds']:,.0f}, "
        f"SQL {figures['sql_offers'] / figures['sql_seconds']:,.0f}"
    )
    print(f"same offers: {'yes' if figures['same'] else 'NO'}")


if __name__ == "__main__":
    main()
