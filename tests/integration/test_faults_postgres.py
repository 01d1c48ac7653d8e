"""PostgreSQL connections killed mid-batch (``pg_terminate_backend`` on a worker's backend
while it is inside a batch's transaction, as a failover or restart does): the batch is rolled
back whole, the task is retried on a new connection, and the run ends to the cent of a clean
one.

Only backends of this test database named by the workers' ``application_name`` are ever
terminated (:class:`fault_traps.Trap` checks both).
"""

from __future__ import annotations

import pytest

from orders.models import CommissionEntry, EndOfDayRun, Lot
from tests.integration import fault_scenarios as scenarios
from tests.integration import faults
from tests.integration.fault_traps import Trap, sprung
from tests.integration.faults import (
    clean_run,
    differences,
    figures,
    go_live,
    settle,
    worker_env,
)
from tests.integration.processes import start_workers
from tests.integration.test_faults_workers import end_of_day_start

private_redis = faults.private_redis  # the fixture
pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_connections_killed_mid_batch_roll_the_batch_back_and_the_run_resumes(
    private_redis, tmp_path
):
    expected = clean_run("end_of_day", scenarios.end_of_day_waiting, end_of_day_start)
    scenarios.end_of_day_waiting()
    go_live(private_redis)
    before = figures()
    confirmations = Trap("confirmations", Lot, "INSERT", "NEW.source = 'purchase'")
    upfront = Trap("upfront commission", CommissionEntry, "INSERT", "NEW.kind = 'upfront'")

    with (
        confirmations,
        upfront,
        start_workers(1, tmp_path, env=worker_env(private_redis, tmp_path)),
    ):
        end_of_day_start()

        assert sprung([confirmations, upfront]) is confirmations
        confirmations.terminate()
        confirmations.release()
        confirmations.backend_gone()
        # Nothing of the batch is left: its orders are pending, no lot, cash or event written.
        assert figures() == before

        assert sprung([upfront], timeout=60) is upfront  # the run went on after the retry
        upfront.terminate()
        upfront.release()
        upfront.backend_gone()
        today = CommissionEntry.objects.filter(kind="upfront", order__trade_date=scenarios.DAY)
        assert not today.exists()  # the day's upfront commission batch rolled back whole

        after = settle(private_redis, timeout=60)

    assert EndOfDayRun.objects.get(date=scenarios.DAY).finished_at is not None
    assert differences(expected["figures"], after) == {}
