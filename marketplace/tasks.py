"""The one way work is handed to Celery: after the surrounding transaction commits.

Every caller uses :func:`enqueue` with the task's dotted name and JSON-serialisable arguments
(ids and strings, never model instances). Naming the task rather than importing it keeps
services free of imports from ``tasks`` modules (which import services), and a name plus
arguments is exactly what a transactional outbox stores (issue 6 puts one behind this
function without touching callers).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from celery import Task
from django.db import transaction


def resolve_task(name: str) -> Task:
    module, _, attr = name.rpartition(".")
    return getattr(import_module(module), attr)


def enqueue(task_name: str, *args: Any, queue: str | None = None, **kwargs: Any) -> None:
    """Send ``task_name`` to the broker once the current transaction commits."""
    task = resolve_task(task_name)  # fail now, in the caller's transaction, on a typo

    def send() -> None:
        options = {"queue": queue} if queue else {}
        task.apply_async(args=args, kwargs=kwargs, **options)

    transaction.on_commit(send, robust=False)
