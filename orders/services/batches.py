"""End-of-day batches take turns: every batch is one transaction that first takes one
advisory lock, so two runs (two workers, or beat and a manual run) never interleave, and
closing a month never lands between a batch's confirmations and its commit."""

from __future__ import annotations

from django.db import connection

BATCH_SIZE = 10_000
_LOCK_KEY = 0x0E0D  # the advisory lock every end-of-day batch takes


def exclusive() -> None:
    """Let one end-of-day batch run at a time (SQLite serialises writers by itself). Call
    inside the batch's transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
