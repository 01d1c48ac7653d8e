"""The daily plan run: set-based claim of the day's due plans, then one order each.

Beat (``plans-run``, 09:30 Asia/Shanghai, before the 15:00 cut-off; again at 13:30 as a sweep)
calls :func:`plans_dispatch` for today. On a trading day ``D`` it enqueues one task per bucket
of ``RANGE_IDS`` plan ids (as the campaign fan-out does). A range task (:func:`plan_range_run`)

1. claims, in one transaction under an advisory lock on its bucket, every active plan of the
   range with a scheduled date in :func:`schedule.rolled_window` of ``D`` (so a Saturday's or a
   holiday's purchase is bought on the next trading day) and purchases left, with ONE
   ``INSERT INTO plan purchases … SELECT … FROM plans WHERE <due> ON CONFLICT (plan, due_date)
   DO NOTHING``: the unique (plan, due day) makes a rerun or a second worker claim nothing;
2. places each claimed purchase in its own transaction, through the order service under the
   plan's own idempotency key, or skips it with its reason (:mod:`orders.plans.placing`).

A worker killed between 1 and 2 leaves claimed purchases: the next run (the sweep, or
``manage.py plans_run``) places them, still under their own keys.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from marketplace.tasks import enqueue

from ..calendar import is_trading_day
from . import schedule
from .models import InvestmentPlan, PlanEvent, PlanPurchase, PlanStatus, PurchaseStatus
from .placing import purchase_place
from .selectors import trading_checker

RANGE_IDS = 10_000
RANGE_TASK = "orders.plans.tasks.plan_range_run"
QUEUE = "end_of_day"
_LOCK_CLASS = 0x0F1A  # pg_advisory_xact_lock(class, bucket): one range of plans' claim
_PLAN = InvestmentPlan._meta.db_table
_PURCHASE = PlanPurchase._meta.db_table

# Stored in English on the plan and its event (the column keeps the text); shown translated
# through models.stored_reason_text.
END_DATE_REACHED = gettext_noop("End date reached.")


def bucket_of(plan_id: int) -> int:
    return plan_id // RANGE_IDS


class WindowDay(NamedTuple):
    """One calendar day whose scheduled purchases are due today, as the claim compares it."""

    date: dt.date
    weekday: int  # ISO 1–7
    month_day: int
    cycle: int  # ordinal % 14 (fortnightly plans)


def window_days(day: dt.date, is_trading) -> list[WindowDay]:
    return [
        WindowDay(d, d.isoweekday(), d.day, d.toordinal() % 14)
        for d in schedule.rolled_window(day, is_trading)
    ]


def _due_sql(window: list[WindowDay]) -> tuple[str, list]:
    """The plan (alias ``p``) has a scheduled date in ``window`` (one OR per day: the same
    rule as ``schedule.is_scheduled``)."""
    parts, params = [], []
    for w in window:
        parts.append(
            "(p.schedule_from <= %s AND (p.end_date IS NULL OR p.end_date >= %s) AND ("
            "(p.frequency = 'monthly' AND p.day = %s)"
            " OR (p.frequency = 'weekly' AND p.day = %s)"
            " OR (p.frequency = 'fortnightly' AND p.day = %s AND p.cycle = %s)))"
        )
        params += [w.date, w.date, w.month_day, w.weekday, w.weekday, w.cycle]
    return "(" + " OR ".join(parts) + ")", params


def _lock_range(bucket: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, bucket])


def claim_sql(*, window: list[WindowDay], due_date: dt.date, now, first_id: int, last_id: int):
    due, due_params = _due_sql(window)
    sql = (
        f"INSERT INTO {_PURCHASE} (plan_id, due_date, amount, status, reason_code, reason,"  # noqa: S608
        " created_at)"
        f" SELECT p.id, %s, p.amount, %s, '', '', %s FROM {_PLAN} p"
        " WHERE p.status = %s AND p.id >= %s AND p.id < %s"
        " AND (p.max_purchases IS NULL OR p.purchases_made < p.max_purchases)"
        f" AND {due}"
        " ON CONFLICT (plan_id, due_date) DO NOTHING RETURNING id"
    )
    params = [
        due_date,
        PurchaseStatus.CLAIMED,
        connection.ops.adapt_datetimefield_value(now),
        PlanStatus.ACTIVE,
        first_id,
        last_id,
        *due_params,
    ]
    return sql, params


@transaction.atomic
def plans_claim_range(*, bucket: int, day: dt.date, window: list[WindowDay], now) -> int:
    """Claim one range's due plans for ``day`` (one statement); returns how many it claimed
    (0 on a rerun)."""
    _lock_range(bucket)
    sql, params = claim_sql(
        window=window,
        due_date=day,
        now=now,
        first_id=bucket * RANGE_IDS,
        last_id=(bucket + 1) * RANGE_IDS,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return len(cursor.fetchall())


def _claimed_in_range(*, bucket: int, day: dt.date) -> list[int]:
    return list(
        PlanPurchase.objects.filter(
            status=PurchaseStatus.CLAIMED,
            due_date=day,
            plan_id__gte=bucket * RANGE_IDS,
            plan_id__lt=(bucket + 1) * RANGE_IDS,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def plan_range_run(*, bucket: int, day: dt.date, now=None) -> dict:
    """Claim one range's purchases due on ``day`` and place every one still claimed (those a
    dead worker left too). Safe to run twice, and by two workers at once."""
    now = now or timezone.now()
    is_trading = trading_checker(day)
    claimed = plans_claim_range(
        bucket=bucket, day=day, window=window_days(day, is_trading), now=now
    )
    outcome = {"claimed": claimed, "placed": 0, "skipped": 0}
    for purchase_id in _claimed_in_range(bucket=bucket, day=day):
        status = purchase_place(purchase_id=purchase_id, now=now)
        if status == PurchaseStatus.PLACED:
            outcome["placed"] += 1
        elif status == PurchaseStatus.SKIPPED:
            outcome["skipped"] += 1
    return outcome


def plan_buckets(*, day: dt.date) -> range:
    """Every bucket holding an active plan, or a purchase of ``day`` still to place."""
    ids = InvestmentPlan.objects.filter(status=PlanStatus.ACTIVE).order_by("pk")
    low = ids.values_list("pk", flat=True).first()
    high = ids.reverse().values_list("pk", flat=True).first()
    left = PlanPurchase.objects.filter(status=PurchaseStatus.CLAIMED, due_date=day).order_by(
        "plan_id"
    )
    left_low = left.values_list("plan_id", flat=True).first()
    left_high = left.reverse().values_list("plan_id", flat=True).first()
    lows = [v for v in (low, left_low) if v is not None]
    highs = [v for v in (high, left_high) if v is not None]
    if not lows:
        return range(0)
    return range(bucket_of(min(lows)), bucket_of(max(highs)) + 1)


@transaction.atomic
def plans_finish_ended(*, day: dt.date, now=None) -> int:
    """Plans whose end date has passed (every scheduled date up to it already due before
    ``day``'s window) are finished, set-based, each with its event."""
    now = now or timezone.now()
    window = schedule.rolled_window(day, trading_checker(day))
    ended = list(
        InvestmentPlan.objects.select_for_update()
        .filter(status__in=[PlanStatus.ACTIVE, PlanStatus.PAUSED], end_date__lt=window[0])
        .order_by("pk")
        .values_list("pk", "status")
    )
    if not ended:
        return 0
    InvestmentPlan.objects.filter(pk__in=[pk for pk, _s in ended]).update(
        status=PlanStatus.FINISHED, status_reason=END_DATE_REACHED, updated_at=now
    )
    PlanEvent.objects.bulk_create(
        PlanEvent(
            plan_id=pk,
            from_status=status,
            to_status=PlanStatus.FINISHED,
            reason=END_DATE_REACHED,
            created_at=now,
        )
        for pk, status in ended
    )
    return len(ended)


@transaction.atomic
def plans_dispatch(*, day: dt.date | None = None, now=None) -> int:
    """Beat, each morning (and a sweep before the cut-off): on a trading day, finish ended
    plans and enqueue one range task per bucket. Returns how many tasks it enqueued."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    if day > timezone.localdate(now) or not is_trading_day(day):
        return 0
    plans_finish_ended(day=day, now=now)
    buckets = plan_buckets(day=day)
    for bucket in buckets:
        enqueue(RANGE_TASK, bucket, day.isoformat(), queue=QUEUE)
    return len(buckets)


PLANS_RUN_FUTURE = _("Plans run for today or a past trading day, never for %(date)s.")
PLANS_RUN_NOT_TRADING = _("%(date)s is not a trading day: nothing is due on it.")


def plans_run(*, day: dt.date, now=None) -> dict:
    """Everything :func:`plans_dispatch` hands out, in this process, one range after another
    (``manage.py plans_run``). A past day's purchases are placed now (they trade at the next
    cut-off, never at a price already known)."""
    now = now or timezone.now()
    if day > timezone.localdate(now):
        raise ValidationError(PLANS_RUN_FUTURE % {"date": day}, code="future_date")
    if not is_trading_day(day):
        raise ValidationError(PLANS_RUN_NOT_TRADING % {"date": day}, code="not_trading_day")
    finished = plans_finish_ended(day=day, now=now)
    total = {"claimed": 0, "placed": 0, "skipped": 0, "finished": finished}
    for bucket in plan_buckets(day=day):
        for name, count in plan_range_run(bucket=bucket, day=day, now=now).items():
            total[name] += count
    return total
