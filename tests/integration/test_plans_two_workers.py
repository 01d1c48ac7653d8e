"""The plans due on a day, their buckets run by TWO real worker processes, give exactly the
purchases, orders, skips, pauses and notices the serial ``plans_run`` gives: no plan ordered
twice, nothing left claimed, and both workers took ranges.

Ranges are :data:`RANGE` plan ids (``run.RANGE_IDS``, set in the test process and in the
workers), so some thirty plans make a dozen range tasks. The plans, monthly on the 2nd
(Wednesday 2026-12-02, :data:`DAY`), cover every outcome of a range: bought; bought for the
last time (finished); refused for cash, or for a risk level below the fund's (skipped, told);
refused a third time in a row (skipped, paused); not due that day (weekly on Thursdays);
paused by the investor; ended before the day (finished by the dispatch).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from marketplace.models import OutboxMessage
from orders.campaigns.models import InboxMessage
from orders.models import CashAccount, Order
from orders.plans import run
from orders.plans import services as plans
from orders.plans.models import InvestmentPlan, PlanEvent, PlanPurchase, PurchaseStatus
from profiles.models import InvestorProfile
from tests.factories import ProductFactory, investor_with_cash
from tests.integration.fault_scenarios import MONDAY, PLAN_DAY, clock_at
from tests.integration.processes import not_eager, start_workers
from tests.integration.test_worker_email import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
not_eager = not_eager  # the fixture
RANGE = 3
DAY = PLAN_DAY
BOUGHT = 14


def build() -> None:
    fund = ProductFactory(name="Steady Bond Fund", risk_level=2, min_purchase=Decimal("100.00"))
    tuesday = MONDAY + dt.timedelta(days=1)

    def plan(user, amount: int, **fields):
        fields = {"frequency": "monthly", "day": DAY.day, "start_date": tuesday, **fields}
        made, _ = plans.plan_create(user=user, product=fund, amount=str(amount), **fields)
        return made

    with clock_at(MONDAY):
        for n in range(BOUGHT):
            plan(investor_with_cash(cash="20000"), 500 + 37 * n)
        twice = investor_with_cash(cash="20000")
        plan(twice, 300)
        for n in range(3):
            plan(investor_with_cash(cash="20000"), 600 + n, max_purchases=1)
        for n in range(3):
            plan(investor_with_cash(cash="100"), 700 + n)
        for n in range(3):  # reassessed below the fund's level after setting the plan up
            cautious = investor_with_cash(cash="20000")
            plan(cautious, 800 + n)
            InvestorProfile.objects.filter(user=cautious).update(risk_level=1)
        for n in range(3):
            refused = plan(investor_with_cash(cash="100"), 900 + n)
            InvestmentPlan.objects.filter(pk=refused.pk).update(consecutive_skips=2)
        for n in range(2):
            plan(investor_with_cash(cash="20000"), 1000 + n, frequency="weekly", day=4)
        for n in range(2):
            paused = plan(investor_with_cash(cash="20000"), 1100 + n)
            plans.plan_pause(plan=paused, actor=paused.user)
        plan(investor_with_cash(cash="20000"), 1200, end_date=tuesday + dt.timedelta(days=5))
        # ``twice``'s second plan, due the same day, in the last range: two workers may
        # buy from the same cash account at once.
        plan(twice, 400, frequency="weekly", day=DAY.isoweekday())


def _ranks(queryset) -> dict[int, int]:
    return {pk: n for n, pk in enumerate(queryset.order_by("pk").values_list("pk", flat=True))}


def fingerprint() -> dict:
    """What the run wrote, keyed by plan and investor rank (not by ids or timestamps)."""
    plan_rank = _ranks(InvestmentPlan.objects)
    user_rank = {
        u: n for n, u in enumerate(sorted(CashAccount.objects.values_list("user_id", flat=True)))
    }
    return {
        "plans": sorted(
            (plan_rank[pk], *rest)
            for pk, *rest in InvestmentPlan.objects.values_list(
                "pk", "status", "consecutive_skips", "purchases_made", "status_reason"
            )
        ),
        "purchases": sorted(
            (plan_rank[p], *rest)
            for p, *rest in PlanPurchase.objects.values_list(
                "plan_id",
                "due_date",
                "amount",
                "status",
                "reason_code",
                "reason",
                "order__amount",
                "order__fee",
                "order__status",
                "order__trade_date",
            )
        ),
        "orders": sorted(
            (user_rank[u], *rest)
            for u, *rest in Order.objects.values_list(
                "user_id", "side", "status", "amount", "fee", "net_amount", "trade_date"
            )
        ),
        "events": sorted(
            (plan_rank[p], *rest)
            for p, *rest in PlanEvent.objects.values_list(
                "plan_id", "from_status", "to_status", "reason"
            )
        ),
        "inbox": sorted(
            (user_rank[u], *rest)
            for u, *rest in InboxMessage.objects.values_list("user_id", "topic", "title", "body")
        ),
        "cash": sorted(
            (user_rank[u], balance)
            for u, balance in CashAccount.objects.values_list("user_id", "balance")
        ),
    }


def test_two_worker_processes_run_the_day_s_plans_as_the_serial_run_does(
    tmp_path, not_eager, monkeypatch
):
    monkeypatch.setattr(run, "RANGE_IDS", RANGE)
    build()
    outcome = run.plans_run(day=DAY)
    serial = fingerprint()
    assert outcome == {
        "claimed": BOUGHT + 1 + 1 + 3 + 3 + 3 + 3,
        "placed": BOUGHT + 2 + 3,
        "skipped": 9,
        "finished": 1,
    }
    statuses = [row[1] for row in serial["plans"]]
    assert statuses.count("paused") == 3 + 2
    assert statuses.count("finished") == 3 + 1

    call_command("flush", interactive=False, verbosity=0)
    build()
    not_eager()
    with start_workers(2, tmp_path, constants={"orders.plans.run.RANGE_IDS": RANGE}) as workers:
        tasks = run.plans_dispatch(day=DAY)
        done = wait_for(
            lambda: (
                PlanPurchase.objects.count() == outcome["claimed"]
                and not PlanPurchase.objects.filter(status=PurchaseStatus.CLAIMED).exists()
                and not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
                and sum(len(worker.took(run.RANGE_TASK)) for worker in workers) == tasks
            ),
            timeout=90,
        )
        assert done, [worker.output()[-3000:] for worker in workers]
        took = [worker.took(run.RANGE_TASK) for worker in workers]
    parallel = fingerprint()

    for key in serial:
        assert parallel[key] == serial[key], key
    assert tasks > 10
    claims = set(PlanPurchase.objects.values_list("created_at", flat=True))
    assert len(claims) > 5  # claimed range by range (the workers' RANGE_IDS too), not at once
    assert all(took), took  # both workers ran ranges
    assert not took[0] & took[1]
    keys = Order.objects.values_list("idempotency_key", flat=True)
    assert len(keys) == len(set(keys)) == outcome["placed"]  # no plan ordered twice
