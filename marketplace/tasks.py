"""The one way work is handed to Celery: a row in the outbox, in the caller's transaction.

Every caller uses :func:`enqueue` with the task's dotted name and JSON-serialisable arguments
(ids and strings, never model instances). The message is written in the same transaction as
the change that needs it and sent right after commit; when the broker is down it waits in the
table and beat's :func:`outbox_relay` sends it once the broker is back (DESIGN §5). Naming the
task rather than importing it keeps services free of imports from ``tasks`` modules.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import transaction

from . import outbox
from .models import OutboxMessage


def enqueue(task_name: str, *args: Any, queue: str | None = None, **kwargs: Any) -> None:
    """Record ``task_name(*args, **kwargs)`` in the outbox; send it once the transaction
    commits (or later, through the relay, if the broker is unreachable then)."""
    outbox.resolve_task(task_name)  # fail now, in the caller's transaction, on a typo
    message = OutboxMessage.objects.create(
        task=task_name, args=list(args), kwargs=kwargs, queue=queue or ""
    )
    transaction.on_commit(lambda: outbox.send_now(message.pk), robust=False)


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def outbox_relay() -> int:
    """Beat, every 30 seconds: send what could not be sent when it was enqueued."""
    return outbox.relay()
