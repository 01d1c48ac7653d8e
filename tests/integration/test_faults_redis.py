"""Redis stopped while orders are placed and end of day runs, then restarted (empty, as a
Redis without persistence comes back): nothing is lost and nothing is doubled.

Orders placed during the outage are saved, their tasks wait in the outbox (marketplace.outbox)
and the relay sends them once Redis is back; the end of day a worker had started finishes
without the broker, and what it hands over (commission, notices, e-mails) waits in the outbox
too. The final database is compared with the same day run with Redis up all along.
"""

from __future__ import annotations

import datetime as dt

import pytest

from marketplace import outbox
from marketplace.models import OutboxMessage
from orders import services
from orders.models import EndOfDayRun, Lot, Order
from tests.factories import investor_with_cash
from tests.integration import fault_scenarios as scenarios
from tests.integration import faults
from tests.integration.fault_traps import Trap
from tests.integration.faults import (
    clean_run,
    differences,
    go_live,
    settle,
    use_broker,
    wait_for,
    worker_env,
)
from tests.integration.processes import start_workers
from tests.integration.test_faults_workers import end_of_day_start

private_redis = faults.private_redis  # the fixture
pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
LATE = 3  # investors who buy while Redis is down


def build() -> dict:
    state = scenarios.end_of_day_waiting()
    state["late"] = [investor_with_cash(cash="5000") for _ in range(LATE)]
    return state


def place_late_orders(state: dict) -> list:
    """Purchases, and an instant money-market redemption (its notice goes through the outbox)."""
    placed = [
        services.order_place(
            user=user, product=state["bond"], side="buy", amount=f"{1000 + 100 * index}"
        )[0]
        for index, user in enumerate(state["late"])
    ]
    sale, _ = services.order_place(
        user=state["redeemer"], product=state["instant"], side="sell", units="1000"
    )
    assert sale.status == "settled"
    return [*placed, sale]


def clean(state: dict) -> None:
    end_of_day_start()
    place_late_orders(state)


def test_redis_down_while_orders_are_placed_and_end_of_day_runs_loses_and_doubles_nothing(
    private_redis, tmp_path
):
    expected = clean_run("redis_outage", build, clean)
    state = build()
    go_live(private_redis)
    env = worker_env(private_redis, tmp_path)

    with (
        Trap("confirmations", Lot, "INSERT", "NEW.source = 'purchase'") as trap,
        start_workers(1, tmp_path, env=env),
    ):
        end_of_day_start()
        trap.caught()  # the worker is inside end of day's first batch
        private_redis.stop()
        use_broker(private_redis.url)  # new connections: refused at once
        trap.release()  # end of day goes on, with the broker down

        placed = place_late_orders(state)  # meanwhile, investors buy
        assert Order.objects.filter(pk__in=[o.pk for o in placed]).count() == LATE + 1
        notice = OutboxMessage.objects.get(task="orders.campaigns.tasks.order_notices")
        assert notice.sent_at is None  # the redemption's notice waits in the outbox
        assert notice.last_error
        # The part in hand commits; the parts it hands over (end of day is split into parts
        # any worker takes) wait in the outbox with everything else, and nothing finishes
        # half-way: the run stays open until the broker is back.
        wait_for(
            lambda: OutboxMessage.objects.filter(
                task="orders.tasks.end_of_day_part", sent_at=None
            ).exists(),
            timeout=30,
            what="end of day's next parts to wait in the outbox while Redis is down",
        )
        assert not EndOfDayRun.objects.filter(date=scenarios.DAY, finished_at__isnull=False)

        private_redis.start()  # back, empty
        use_broker(private_redis.url)
        wait_for(  # beat's relay, until end of day has run its last part and handed over
            lambda: (
                _relay() == 0
                and EndOfDayRun.objects.filter(
                    date=scenarios.DAY, finished_at__isnull=False
                ).exists()
            ),
            timeout=60,
            what="end of day to finish and the outbox to empty once Redis is back",
        )
        sent = set(OutboxMessage.objects.exclude(sent_at=None).values_list("task", flat=True))
        assert {
            "orders.tasks.commission_entries_write",
            "orders.campaigns.tasks.notices_for_day",
        } <= sent
        after = settle(private_redis)

    assert differences(expected["figures"], after) == {}
    assert OutboxMessage.objects.filter(sent_at=None).count() == 0


def _relay() -> int:
    """Beat's relay, as often as it takes; how many messages are still waiting."""
    outbox.relay(older_than=dt.timedelta(0))
    return OutboxMessage.objects.filter(sent_at=None).count()


@pytest.mark.parametrize("sold", ["4000", "10000"])  # part, and all of it (units now 0)
def test_trail_for_a_past_day_is_on_the_units_held_that_day(sold):
    """Found by the test above: end of day's trail accrual for day D, run after an instant
    redemption of the next morning (or a missed night caught up later), is on the reduced
    units, so the clean and the faulted run disagreed by the redeemed units' trail."""
    from decimal import Decimal

    from orders.models import CommissionEntry
    from products.models import FundType
    from tests.factories import CommissionContractFactory, ProductFactory

    contract = CommissionContractFactory(
        product_kind="fund", trail_rate=Decimal("0.3"), valid_from=dt.date(2026, 1, 1)
    )
    money = ProductFactory(
        institution=contract.institution, fund_type=FundType.MONEY_MARKET, risk_level=1
    )
    user = investor_with_cash(cash="10000")
    with scenarios.clock_at(scenarios.MONDAY):
        services.order_place(user=user, product=money, side="buy", amount="10000")
    with scenarios.clock_at(scenarios.MONDAY, 21):
        services.end_of_day(run_date=scenarios.MONDAY)
    tuesday = scenarios.MONDAY + dt.timedelta(days=1)
    with scenarios.clock_at(tuesday + dt.timedelta(days=2)):  # Thursday: an instant redemption
        sale, _ = services.order_place(user=user, product=money, side="sell", units=sold)
    assert sale.status == "settled"

    with scenarios.clock_at(tuesday + dt.timedelta(days=2), 21):
        services.trail_accrue(on_date=tuesday)  # Tuesday's trail, run late

    entry = CommissionEntry.objects.get(kind="trail", accrual_date=tuesday)
    assert entry.basis == Decimal("10000.00")  # held all of Tuesday
