"""Sending outbox messages to Celery: at once after commit, or later by the relay.

A message is marked sent only after the broker accepted it, so a crash between the two sends it
again; that is why every task is idempotent (DESIGN §5). Nothing is lost: a message whose send
failed stays in the table until :func:`relay` (run by beat) gets it through.
"""

from __future__ import annotations

import datetime as dt
import logging
from importlib import import_module

from celery import Task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import OutboxMessage

log = logging.getLogger(__name__)
RELAY_BATCH = 500
KEEP_SENT = dt.timedelta(days=7)
# What a broker outage raises when publishing (connection refused, timeouts, DNS).
BROKER_DOWN = (OperationalError, OSError, ConnectionError, TimeoutError)


def resolve_task(name: str) -> Task:
    module, _, attr = name.rpartition(".")
    return getattr(import_module(module), attr)


def publish(message: OutboxMessage) -> None:
    """Hand one message to the broker (raises one of ``BROKER_DOWN`` when it is unreachable).
    In eager mode (no Redis) this runs the task in-process."""
    options = {"queue": message.queue} if message.queue else {}
    resolve_task(message.task).apply_async(
        args=message.args, kwargs=message.kwargs, retry=False, **options
    )


def send_now(message_id: int) -> bool:
    """The fast path, right after the enqueuing transaction commits. False: left for relay."""
    message = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if message is None:
        return False
    try:
        publish(message)
    except BROKER_DOWN as exc:
        log.warning("broker unavailable, %s waits in the outbox: %s", message, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=str(exc)[:300]
        )
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        sent_at=timezone.now(), attempts=message.attempts + 1
    )
    return True


def relay(*, older_than: dt.timedelta = dt.timedelta(seconds=10), limit: int = RELAY_BATCH) -> int:
    """Send messages still waiting (oldest first); stop at the first broker failure. Two relays
    at once take different rows (SKIP LOCKED). Returns how many were sent."""
    sent = 0
    with transaction.atomic():
        waiting = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, created_at__lte=timezone.now() - older_than)
            .order_by("pk")[:limit]
        )
        for message in waiting:
            try:
                publish(message)
            except BROKER_DOWN as exc:
                OutboxMessage.objects.filter(pk=message.pk).update(
                    attempts=message.attempts + 1, last_error=str(exc)[:300]
                )
                break
            OutboxMessage.objects.filter(pk=message.pk).update(
                sent_at=timezone.now(), attempts=message.attempts + 1
            )
            sent += 1
    OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    return sent
