"""Celery tasks of campaigns and the inbox: thin wrappers over services; safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import inbox


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
