"""A Celery worker SIGKILLed inside every kind of batch: once a new worker takes over, the work
is done exactly once, to the cent of a clean run.

Each test builds its state, sends the public entry point (the task beat or the outbox sends)
and arms one :class:`fault_traps.Trap` per kind of batch. Whenever a worker is caught in one,
inside the batch's transaction, its whole process group is SIGKILLed (what the OOM killer
does) and a fresh worker (started beforehand on a standby queue) takes over; the broker gives
it the dead worker's unacknowledged task after ``VISIBILITY_TIMEOUT``. When every trap has
caught a worker and nothing is left to do, the database is compared with the same state run
cleanly in the test process: counts and sums per kind and status (no ids), so that how the
work is split into tasks does not matter.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import transaction

from marketplace.tasks import enqueue
from orders.campaigns.models import InboxMessage
from orders.models import CommissionEntry, Lot, LotMovement, Order
from orders.plans import run as plans_run
from orders.plans.distributions.models import DistributionPayment
from orders.tasks import end_of_day_run
from tests.integration import fault_scenarios as scenarios
from tests.integration import faults
from tests.integration.fault_traps import Trap, sprung
from tests.integration.faults import (
    STANDBY,
    RedisServer,
    clean_run,
    consume,
    differences,
    figures,
    go_live,
    mails,
    settle,
    worker_env,
)
from tests.integration.processes import start_workers

private_redis = faults.private_redis  # the fixture
pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def killed_in_every_trap(
    server: RedisServer, tmp_path: Path, traps: list[Trap], start: Callable[[], None], clean: dict
) -> dict:
    """Run ``start()`` on workers, SIGKILLing the one caught in each trap; the final figures."""
    with contextlib.ExitStack() as stack:
        armed = [stack.enter_context(trap) for trap in traps]
        env = worker_env(server, tmp_path)
        workers = stack.enter_context(
            start_workers(len(traps) + 1, tmp_path, queues=STANDBY, env=env)
        )
        consume(workers[0])
        start()
        for worker, successor in zip(workers, workers[1:], strict=False):
            trap = sprung(armed)
            worker.kill()
            trap.release()
            trap.backend_gone()
            armed.remove(trap)
            assert figures() != clean["figures"], f"{trap} caught a worker after the work was done"
            consume(successor)
        return settle(server)


def end_of_day_start(_built=None) -> None:
    """What beat sends after the day's close."""
    end_of_day_run.apply_async(args=[scenarios.DAY.isoformat()], queue="end_of_day")


def test_workers_killed_in_every_kind_of_end_of_day_batch_leave_it_done_once(
    private_redis, tmp_path
):
    clean = clean_run("end_of_day", scenarios.end_of_day_waiting, end_of_day_start)
    scenarios.end_of_day_waiting()
    go_live(private_redis)
    traps = [
        Trap("confirmations", Lot, "INSERT", "NEW.source = 'purchase'"),
        Trap("distributions", DistributionPayment, "INSERT"),
        Trap("money-market income", Lot, "INSERT", "NEW.source = 'income'"),
        Trap("savings maturity", LotMovement, "INSERT", "NEW.kind = 'maturity'"),
        Trap("trail accrual", CommissionEntry, "INSERT", "NEW.kind = 'trail'"),
        Trap("upfront commission", CommissionEntry, "INSERT", "NEW.kind = 'upfront'"),
        Trap("end-of-day notices", InboxMessage, "INSERT", "NEW.kind = 'notice'"),
    ]

    after = killed_in_every_trap(private_redis, tmp_path, traps, end_of_day_start, clean)

    assert differences(clean["figures"], after) == {}


def test_workers_killed_delivering_a_campaign_and_emailing_it_leave_it_done_once(
    private_redis, tmp_path
):
    """The e-mail batch is marked sent in the killed transaction after the mail server took
    its e-mails: the next worker sends those again (at-least-once, all SMTP allows); every
    message is marked sent once and nobody's e-mail is lost."""
    clean = clean_run("campaign", scenarios.campaign_due, scenarios.campaign_launch)
    campaign = scenarios.campaign_due()
    go_live(private_redis)
    traps = [
        Trap("campaign range", InboxMessage, "INSERT", "NEW.kind = 'offer'"),
        Trap("inbox e-mail", InboxMessage, "UPDATE", "NEW.email_state <> OLD.email_state"),
    ]

    after = killed_in_every_trap(
        private_redis, tmp_path, traps, lambda: scenarios.campaign_launch(campaign), clean
    )

    assert differences(clean["figures"], after) == {}
    sent = mails(tmp_path)
    offered = InboxMessage.objects.filter(kind="offer").values_list("user__email", flat=True)
    assert sorted(set(sent)) == sorted(offered)  # nobody's e-mail lost
    assert len(set(sent)) == len(clean["mails"])
    assert len(sent) <= 2 * len(clean["mails"])  # the killed batch's twice, at most


def plans_start(_built=None) -> None:
    """What plans_dispatch hands out on the plans' due day: one range task per bucket."""
    with transaction.atomic():
        for bucket in plans_run.plan_buckets(day=scenarios.PLAN_DAY):
            enqueue(
                plans_run.RANGE_TASK, bucket, scenarios.PLAN_DAY.isoformat(), queue=plans_run.QUEUE
            )


def test_a_worker_killed_placing_plan_orders_leaves_them_placed_once(private_redis, tmp_path):
    clean = clean_run("plans", scenarios.plans_due, plans_start)
    scenarios.plans_due()
    go_live(private_redis)
    traps = [Trap("plan orders", Order, "INSERT", "NEW.idempotency_key LIKE 'plan-%%'", nth=2)]

    after = killed_in_every_trap(private_redis, tmp_path, traps, plans_start, clean)

    assert differences(clean["figures"], after) == {}
