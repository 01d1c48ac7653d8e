"""End-of-day locking. A run is split into parts (``end_of_day_parts``) that any number of
workers run at once: every part takes the *shared* end-of-day advisory lock in its transaction,
and closing a month (``settlement.statement_close``) takes the *exclusive* one, so a close never
lands between a part's writes and its commit while parts never wait for each other. Steps that
must not overlap anything else (distributions) take the exclusive lock themselves."""

from __future__ import annotations

from django.db import connection

BATCH_SIZE = 10_000
_LOCK_KEY = 0x0E0D  # the advisory lock every end-of-day part takes (shared)


def exclusive() -> None:
    """Wait until no end-of-day part is mid-transaction, and keep new ones out until this
    transaction ends (SQLite serialises writers by itself). Call inside the transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def shared() -> None:
    """Run alongside other end-of-day parts, never alongside an ``exclusive()`` holder. Call
    inside the part's transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [_LOCK_KEY])
