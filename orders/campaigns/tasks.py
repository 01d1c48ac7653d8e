"""Celery tasks of campaigns and the inbox: thin wrappers over services; safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import fanout, inbox, services


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
