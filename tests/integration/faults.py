"""What the fault tests (tests/integration/test_faults*.py) share: a Redis of their own, worker
processes that take a dead worker's task back within seconds, a trap that holds a worker inside
a batch's transaction, and the figures a run leaves in the database.

- :func:`private_redis` starts ``redis-server`` on a free port (no persistence, as a cache-only
  Redis restarts empty), so stopping it or killing a worker never touches the machine's Redis
  on 6379 that other tests and developers use.
- :func:`worker_env` points worker processes at it, names their database connections
  :data:`APP_NAME` (only those are ever terminated) and shortens the broker's
  ``visibility_timeout`` so that the task of a SIGKILLed worker is delivered again at once.
- :class:`fault_traps.Trap` (a module of its own) holds a worker inside a batch's
  transaction until the test kills it or its connection.
- :func:`figures` is everything a run writes, as counts and sums to the cent per kind and
  status (no ids, no timestamps), to compare a faulted run with a clean one.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import redis
from django.core import mail
from django.core.management import call_command
from django.db import models
from django.db.models import Count, Sum

from marketplace.celery import app as celery_app
from tests.integration.processes import WorkerProcess, _database_url

APP_NAME = "fortune-fault-worker"
VISIBILITY_TIMEOUT = 3  # seconds before a dead worker's task is delivered again
QUEUES = ("default", "end_of_day", "offers")


# --- Redis -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RedisServer:
    port: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",  # noqa: S607
             "--save", "", "--appendonly", "no", "--logfile", str(self.log)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.ConnectionError):
                if self.client().ping():
                    return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        """Stop it as an outage would (its queues are lost: it keeps nothing on disk)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def backlog(self) -> int:
        """Messages waiting in the queues or taken by a worker and not yet acknowledged."""
        client = self.client()
        return sum(client.llen(queue) for queue in QUEUES) + client.hlen("unacked")


def use_broker(url: str) -> None:
    """Point the test process's producer at ``url``."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def private_redis(tmp_path, settings) -> Iterator[RedisServer]:
    """A Redis of this test's own, the broker of the test process (eager off) and its workers."""
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    server = RedisServer(port=_free_port(), log=tmp_path / "redis.log")
    server.start()
    original = settings.REDIS_URL
    settings.REDIS_URL = server.url  # what processes.start_workers pings through
    try:
        yield server
    finally:
        celery_app.conf.task_always_eager = True
        use_broker(original)
        server.stop()


def go_live(server: RedisServer) -> None:
    """From here on the test process publishes to ``server`` instead of running tasks inline
    (scenarios are built before, eagerly, as the unit tests build them)."""
    celery_app.conf.task_always_eager = False
    use_broker(server.url)


STANDBY = "fault_standby"  # a queue nothing is sent to: workers wait on it until told to consume


def consume(worker: WorkerProcess) -> None:
    """Have ``worker`` (started on :data:`STANDBY`) consume the real queues from now on."""
    node = next(
        name
        for reply in celery_app.control.ping(timeout=2.0) or []
        for name in reply
        if name.split("@", 1)[0] == worker.name
    )
    for queue in QUEUES:
        answer = celery_app.control.add_consumer(queue, destination=[node], reply=True, timeout=5)
        assert answer, f"{node} did not answer add_consumer({queue})"


def worker_env(server: RedisServer, tmp_path: Path) -> dict[str, str]:
    options = {
        "visibility_timeout": VISIBILITY_TIMEOUT,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
    return {
        "REDIS_URL": server.url,
        "DATABASE_URL": f"{_database_url()}?application_name={APP_NAME}",
        "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(options),
        "EMAIL_URL": f"filemail:///{tmp_path / 'mail'}",  # four slashes: an absolute path
        "CONN_MAX_AGE": "0",
    }


def mails(tmp_path: Path) -> list[str]:
    """The recipient of every e-mail the workers sent (the file backend's ``To:`` lines)."""
    folder = tmp_path / "mail"
    if not folder.exists():
        return []
    return sorted(
        line.removeprefix("To: ").strip()
        for path in folder.iterdir()
        for line in path.read_text(errors="replace").splitlines()
        if line.startswith("To: ")
    )


# --- waiting -----------------------------------------------------------------------------------


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or predicate}")


def settle(server: RedisServer, timeout: float = 45.0) -> dict:
    """Wait until nothing is left to do: no message queued or in flight, every outbox message
    sent, and the figures unchanged for a second. Returns them."""
    from marketplace.models import OutboxMessage

    deadline = time.monotonic() + timeout
    last: dict | None = None
    while time.monotonic() < deadline:
        idle = server.backlog() == 0 and not OutboxMessage.objects.filter(sent_at=None).exists()
        now = figures()
        if idle and now == last:
            return now
        last = now if idle else None
        time.sleep(1.0)
    raise AssertionError("the workers did not finish in time")


# --- figures -----------------------------------------------------------------------------------


# What each ledger and outcome table is grouped by; every decimal column is summed (except
# running balances, which depend on the order entries of different accounts were written in).
def _groups() -> list[tuple[type[models.Model], tuple[str, ...]]]:
    from orders.campaigns.models import InboxMessage
    from orders.coupons.models import CouponGrant
    from orders.models import (
        CashEntry,
        CommissionEntry,
        Holding,
        Lot,
        LotMovement,
        Order,
        OrderEvent,
        Statement,
    )
    from orders.plans.distributions.models import DistributionPayment
    from orders.plans.models import PlanPurchase

    return [
        (Order, ("kind", "side", "status", "trade_date")),
        (OrderEvent, ("to_status",)),
        (CashEntry, ("kind",)),
        (CommissionEntry, ("kind",)),
        (Holding, ("kind",)),
        (Lot, ("source",)),
        (LotMovement, ("kind",)),
        (Statement, ("status",)),
        (DistributionPayment, ("election",)),
        (PlanPurchase, ("status",)),
        (InboxMessage, ("kind", "topic", "email_state")),
        (CouponGrant, ()),
    ]


NOT_SUMMED = {"balance_after"}


def figures() -> dict[str, list]:
    found: dict[str, list] = {}
    for model, group in _groups():
        sums = {
            f"sum_{f.name}": Sum(f.name)
            for f in model._meta.concrete_fields
            if isinstance(f, models.DecimalField) and f.name not in NOT_SUMMED
        }
        rows = (
            model._default_manager.values(*group).annotate(n=Count("pk"), **sums).order_by(*group)
        )
        found[model.__name__] = [
            {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()} for row in rows
        ]
    return found


# Reference figures of each scenario run cleanly (eagerly, in the test process), once a session.
CLEAN: dict[str, dict] = {}


def clean_run(name: str, build: Callable[[], Any], start: Callable[[Any], None]) -> dict:
    """``start(build())`` run eagerly in this process, on a database emptied afterwards: its
    figures and the recipients of its e-mails."""
    if name not in CLEAN:
        built = build()
        mail.outbox.clear()
        start(built)
        CLEAN[name] = {"figures": figures(), "mails": sorted(m.to[0] for m in mail.outbox)}
        call_command("flush", interactive=False, verbosity=0)
    return CLEAN[name]


def differences(expected: dict, actual: dict) -> dict:
    return {
        label: {"clean": expected.get(label), "faulted": actual.get(label)}
        for label in expected.keys() | actual.keys()
        if expected.get(label) != actual.get(label)
    }
