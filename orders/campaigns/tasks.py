"""Celery tasks of campaigns and the inbox: thin wrappers over services; safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import fanout, inbox, notices, services


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
    soft_time_limit=540,
    time_limit=600,
)
def inbox_email_send() -> int:
    """E-mail pending inbox messages in batches (also beat's sweep, every minute)."""
    return inbox.inbox_email_drain()


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
    soft_time_limit=540,
    time_limit=600,
)
def campaign_range_send(campaign_id: int, bucket: int) -> int:
    """Deliver one id range of one campaign (a rerun delivers nothing new)."""
    return fanout.campaign_range_deliver(campaign_id=campaign_id, bucket=bucket)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def campaigns_scheduled_start() -> int:
    """Beat, every minute: start scheduled campaigns whose time has come (and enqueue again
    the ranges of a worker that died)."""
    return services.campaigns_due_start()


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def campaign_triggers_run() -> int:
    """Beat, every five minutes: follow up confirmed purchases whose delay has passed."""
    return fanout.campaign_triggers_dispatch()


# --- after-sales notices (orders/campaigns/notices) ----------------------------------------------

_NOTICE_TASK = {
    "acks_late": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "retry_kwargs": {"max_retries": 5},
    "soft_time_limit": 1800,
    "time_limit": 1900,
}


@shared_task(**_NOTICE_TASK)
def notices_for_day(run_date: str) -> dict:
    """Handed over by end of day at the end of its run: tell investors what it confirmed, paid
    out and paid at maturity that day, and what it rejected. A rerun sends nothing twice."""
    return notices.end_of_day_notices(run_date=dt.date.fromisoformat(run_date))


@shared_task(**_NOTICE_TASK)
def notices_daily(today: str | None = None) -> dict:
    """Beat, each morning: the reminders due today (deposits maturing in 7 days, cooling-off
    ending in 3, assessments expiring in 30), and yesterday's end-of-day notices again as a
    safety net (a run that died before handing them over, an instant redemption that evening)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    done = notices.notices_due(today=day)
    yesterday = notices.end_of_day_notices(run_date=day - dt.timedelta(days=1))
    return {**done, **{f"yesterday_{key}": value for key, value in yesterday.items()}}


@shared_task(**_NOTICE_TASK)
def order_notices(order_ids: list[int]) -> int:
    """'Order confirmed' (and 'money paid') for orders confirmed outside end of day: an
    instant money-market redemption."""
    return notices.orders_notify(order_ids=order_ids)


@shared_task(**_NOTICE_TASK)
def order_events_notify(event_ids: list[int]) -> int:
    """An order moved by a holiday, re-priced by a NAV correction or cancelled by staff: the
    investor is told once per event."""
    return notices.order_events_notify(event_ids=event_ids)


@shared_task(**_NOTICE_TASK)
def risk_raised_notify(product_id: int, old_level: int, new_level: int) -> int:
    """A product's risk level was raised: its holders below the new level are told."""
    return notices.risk_raised_notify(
        product_id=product_id, old_level=old_level, new_level=new_level
    )
