"""Real Celery worker *processes* (``celery -A marketplace worker``) against the test database.

The thread worker of ``conftest.real_worker`` shares the test process; the scale-out and fault
tests need what production has: separate processes, each with its own database connections,
that can run at the same time and be killed. :func:`start_workers` starts ``count`` of them on
the test database (``DATABASE_URL`` pointed at it) and the Redis of ``REDIS_URL``, waits until
each answers a ping, and stops them (or what is left of them) at the end.

``constants={"orders.plans.run.RANGE_IDS": 4}`` sets module constants in every worker (the
pool's children, once forked) as a test's ``monkeypatch`` sets them in the test process: the
workers run this module (``python -m tests.integration.processes``), which applies them from
:data:`CONSTANTS_ENV` and hands over to Celery's own command line. Small ranges make a dozen
investors or plans several tasks for the workers to share.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from marketplace.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
QUEUES = "default,end_of_day,offers"
CONSTANTS_ENV = "FORTUNE_TEST_CONSTANTS"


@dataclass
class WorkerProcess:
    name: str
    process: subprocess.Popen
    log: Path
    children: list[int] = field(default_factory=list)

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the worker and its pool children at once (as the kernel's OOM killer would)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, sig)
        self.process.wait(timeout=30)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def took(self, task: str) -> set[str]:
        """The ids of the ``task``s (its dotted name) this worker took from the broker (its
        INFO log's "received": with one child and a prefetch of one it runs what it takes)."""
        start = f"Task {task}["
        return {
            line.split(start, 1)[1].split("]", 1)[0]
            for line in self.output().splitlines()
            if start in line and line.rstrip().endswith("] received")
        }


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


def _environment(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.local",
        DATABASE_URL=_database_url(),
        REDIS_URL=settings.REDIS_URL,
        CI="true",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def _ping(names: list[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    celery_app.conf.broker_url = settings.REDIS_URL
    waiting = set(names)
    while waiting and time.monotonic() < deadline:
        replies = celery_app.control.ping(timeout=1.0) or []
        for reply in replies:
            for node in reply:
                waiting.discard(node.split("@", 1)[0])
    if waiting:
        raise RuntimeError(f"Celery workers did not start: {sorted(waiting)}")


@contextlib.contextmanager
def start_workers(
    count: int,
    tmp_path: Path,
    *,
    concurrency: int = 1,
    queues: str = QUEUES,
    env: dict[str, str] | None = None,
    constants: dict[str, int | str] | None = None,
    startup_timeout: float = 60.0,
) -> Iterator[list[WorkerProcess]]:
    """``count`` worker processes (prefork, ``concurrency`` children each) until the block
    ends, with ``constants`` set in each (see the module's docstring). The block's test must
    be transactional so the workers see committed rows."""
    workers: list[WorkerProcess] = []
    env = {**(env or {}), CONSTANTS_ENV: json.dumps(constants or {})}
    try:
        for index in range(count):
            name = f"w{index + 1}-{os.getpid()}"
            log = tmp_path / f"{name}.log"
            process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
                [
                    sys.executable, "-m", "tests.integration.processes", "-A", "marketplace",
                    "worker",
                    "-n", f"{name}@%h", "-Q", queues, "-c", str(concurrency), "-P", "prefork",
                    "--without-gossip", "--without-mingle", "--loglevel", "INFO",
                ],
                cwd=ROOT,
                env=_environment(**env),
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so kill() takes the children
            )  # fmt: skip
            workers.append(WorkerProcess(name=name, process=process, log=log))
        _ping([worker.name for worker in workers], startup_timeout)
        yield workers
    finally:
        for worker in workers:
            if worker.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(worker.process.pid, signal.SIGTERM)
        for worker in workers:
            try:
                worker.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()


@pytest.fixture
def not_eager(settings) -> Iterator[Callable[[], None]]:
    """``not_eager()``: from then on tasks go to the broker for the workers, no longer run
    inline (a test builds its state eagerly first, as the unit tests do)."""

    def switch() -> None:
        settings.CELERY_TASK_ALWAYS_EAGER = False
        celery_app.conf.task_always_eager = False

    yield switch
    celery_app.conf.task_always_eager = True


def _set_constants(**_signal) -> None:
    for dotted, value in json.loads(os.environ.get(CONSTANTS_ENV) or "{}").items():
        module, name = dotted.rsplit(".", 1)
        setattr(importlib.import_module(module), name, value)


if __name__ == "__main__":  # a worker of start_workers: the constants, then Celery's command line
    from celery.bin.celery import main
    from celery.signals import worker_process_init

    worker_process_init.connect(_set_constants, weak=False)
    sys.argv[0] = "celery"
    sys.exit(main())
