"""The trap of the fault tests (tests/integration/test_faults*.py): a trigger on a table that,
the first time a matching row is written (or the ``nth``), waits on an advisory lock the test
holds, so that the writer stops *inside* its batch's transaction, with the rows of that
statement written but not committed. Not timing luck: the test waits until a backend is stuck
there (:meth:`Trap.caught`, :func:`sprung`), then kills the worker or its connection; only the
workers' connections (named :data:`faults.APP_NAME` by :func:`faults.worker_env`) are ever
terminated.
"""

from __future__ import annotations

import contextlib

import psycopg2
from django.db import connection, models

from tests.integration.faults import APP_NAME, wait_for

TRAP_KEY = 0x0FA117  # the advisory lock a trapped writer waits on


def _raw_connection():
    db = connection.settings_dict
    conn = psycopg2.connect(
        dbname=db["NAME"],
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        application_name="fortune-fault-test",
    )
    conn.autocommit = True
    return conn


class Trap:
    """``Trap("upfront", CommissionEntry, "INSERT", "NEW.kind = 'upfront'")``: the first such
    row written (or the ``nth``) stops its writer inside its transaction until :meth:`release`.
    Each trap springs once: its counter is a sequence, which a rollback does not undo."""

    _count = 0

    def __init__(
        self, name: str, model: type[models.Model], event: str, when: str = "true", *, nth: int = 1
    ) -> None:
        Trap._count += 1
        self.name = name
        self.key = TRAP_KEY + Trap._count
        self.ident = f"fault_trap_{Trap._count}"
        self.table = model._meta.db_table
        self.event = event
        self.when = when
        self.nth = nth
        self.holder = _raw_connection()
        self.caught_pid: int | None = None

    def __repr__(self) -> str:
        return f"<Trap {self.name} on {self.table}>"

    def __enter__(self) -> Trap:
        with self.holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [self.key])
            self._drop(cursor)  # what a test run killed half-way may have left (--reuse-db)
            cursor.execute(
                f"""
                CREATE SEQUENCE {self.ident};
                CREATE FUNCTION {self.ident}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF nextval('{self.ident}') = {self.nth} THEN
                        PERFORM pg_advisory_xact_lock_shared({self.key});
                    END IF;
                    RETURN NULL;
                END $$;
                CREATE TRIGGER {self.ident} AFTER {self.event} ON "{self.table}"
                    FOR EACH ROW WHEN ({self.when}) EXECUTE FUNCTION {self.ident}();
                """
            )
        return self

    def stuck(self) -> int | None:
        """The pid of the worker backend waiting in the trap, if one is."""
        with self.holder.cursor() as cursor:
            cursor.execute(
                """
                SELECT l.pid, a.application_name FROM pg_locks l
                JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND NOT l.granted AND l.objid = %s
                  AND a.datname = current_database()
                """,
                [self.key],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        assert row[1] == APP_NAME, row  # a worker's connection, never another's
        self.caught_pid = row[0]
        return self.caught_pid

    def caught(self, timeout: float = 30.0) -> int:
        """Wait until a worker's backend is stuck in the trap; its pid."""
        wait_for(lambda: self.stuck() is not None, timeout, f"a writer caught in {self}")
        assert self.caught_pid is not None
        return self.caught_pid

    def terminate(self) -> None:
        """What a database restart or failover does to the trapped worker's connection."""
        with self.holder.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE pid = %s AND datname = current_database() AND application_name = %s",
                [self.caught_pid, APP_NAME],
            )

    def release(self) -> None:
        with self.holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")

    def backend_gone(self, timeout: float = 10.0) -> None:
        """Wait until the trapped backend has ended (its client is dead: it rolls back)."""

        def gone() -> bool:
            with self.holder.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [self.caught_pid])
                return cursor.fetchone() is None

        if self.caught_pid is None:
            return
        with contextlib.suppress(AssertionError):
            wait_for(gone, timeout)
        if not gone():
            self.terminate()
            wait_for(gone, timeout, "the trapped backend to end")

    def __exit__(self, *exc) -> None:
        self.release()
        self.backend_gone()
        with self.holder.cursor() as cursor:
            self._drop(cursor)
        self.holder.close()

    def _drop(self, cursor) -> None:
        cursor.execute(
            f'DROP TRIGGER IF EXISTS {self.ident} ON "{self.table}";'
            f"DROP FUNCTION IF EXISTS {self.ident}() CASCADE;"
            f"DROP SEQUENCE IF EXISTS {self.ident};"
        )


def sprung(traps: list[Trap], timeout: float = 45.0) -> Trap:
    """Wait until one of ``traps`` holds a writer; that trap."""
    found: list[Trap] = []

    def one() -> bool:
        found[:] = [trap for trap in traps if trap.stuck() is not None]
        return bool(found)

    wait_for(one, timeout, f"a writer caught in one of {traps}")
    return found[0]


def worker_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s AND pid <> pg_backend_pid()",
            [APP_NAME],
        )
        return [row[0] for row in cursor.fetchall()]
