"""Celery tasks: thin wrappers over services; safe to run twice."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from marketplace.dates import previous_month_start

from . import services


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def end_of_day_run(run_date: str | None = None, batch_size: int = services.BATCH_SIZE) -> dict:
    """After a day's close: start the day's end of day on the workers (its parts go through the
    outbox, any number of workers run them at once). A rerun while it is unfinished hands its
    parts still to do over again; a part done twice does nothing the second time."""
    day = dt.date.fromisoformat(run_date) if run_date else timezone.localdate()
    return services.end_of_day_start(run_date=day, batch_size=batch_size)


@shared_task(bind=True, acks_late=True, soft_time_limit=3600, time_limit=3700)
def end_of_day_part(self, part_id: int) -> bool:
    """One part of an end-of-day run (a phase's work for a range of investors)."""
    return services.end_of_day_part_run(part_id=part_id, worker=self.request.hostname or "")


@shared_task(acks_late=True, soft_time_limit=3600, time_limit=3700)
def commission_entries_write(
    first_id: int | None = None,
    last_id: int | None = None,
    since_days: int | None = None,
    batch_size: int = services.ENTRY_BATCH_SIZE,
    first_user: int | None = None,
    last_user: int | None = None,
) -> dict:
    """Upfront commission for confirmed purchases still without one (orders ``first_id`` to
    ``last_id`` of investors ``first_user`` to ``last_user``, or confirmed in the last
    ``since_days`` days, or all), and corrections for cancelled policies: exactly once each,
    however often it runs."""
    since = timezone.localdate() - dt.timedelta(days=since_days) if since_days else None
    return dict(
        services.commission_entries_write(
            first_id=first_id,
            last_id=last_id,
            since=since,
            batch_size=batch_size,
            first_user=first_user,
            last_user=last_user,
        )
    )


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def commission_sweep(since_days: int | None = None) -> int:
    """Beat, hourly: the safety net behind the outbox, split into id ranges that any number of
    workers write at once (``commission_entries_write`` each)."""
    since = timezone.localdate() - dt.timedelta(days=since_days) if since_days else None
    return services.commission_sweep(since=since)


@shared_task(acks_late=True, soft_time_limit=3600, time_limit=3700)
def close_previous_month() -> int:
    """Beat, on the 1st: close last month's statements (a rerun returns the same ones)."""
    today = timezone.localdate()
    last_month = previous_month_start(today)
    return len(services.close_month(month=last_month))


# The two tasks below only forward to orders.campaigns.tasks.order_events_notify, where order
# notices now go to the inbox (and by e-mail from there); they stay so that messages already in
# the outbox under these names when this was deployed are still delivered.


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def order_event_notify(event_id: int) -> None:
    services.order_events_notice_enqueue(event_ids=[event_id])


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def order_events_notify(event_ids: list[int]) -> None:
    services.order_events_notice_enqueue(event_ids=event_ids)


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def payouts_retry() -> dict:
    """Beat, every 10 minutes: call the provider again for payouts still pending whose next
    attempt is due (bounded attempts, doubling delay); the rest show on /staff/payouts/."""
    return services.payouts_retry()
