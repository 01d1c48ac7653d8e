"""Celery tasks of investment plans: thin wrappers over ``orders.plans.run``; safe to run
twice (purchases are unique per plan and due day, orders per plan key)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from . import run


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def plans_dispatch() -> int:
    """Beat, each morning before the cut-off (and a sweep later): today's range tasks."""
    return run.plans_dispatch()


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
    soft_time_limit=1800,
    time_limit=1900,
)
def plan_range_run(bucket: int, day: str) -> dict:
    """Claim and place one id range's purchases due on ``day`` (a rerun places nothing new)."""
    return run.plan_range_run(bucket=bucket, day=dt.date.fromisoformat(day))
