"""The set-based run raced by two workers on real PostgreSQL: every due plan bought once."""

import datetime as dt
from decimal import Decimal

import pytest

from orders.models import Order
from orders.plans import run, services
from orders.plans.models import PlanPurchase, PurchaseStatus
from tests.factories import ProductFactory, investor_with_cash
from tests.integration.test_races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
D = dt.date


def test_two_workers_running_the_same_day_buy_each_plan_once(clock):
    fund = ProductFactory(risk_level=2, min_purchase=Decimal("10.00"))
    plans = []
    for n in range(12):
        investor = investor_with_cash(cash="5000")
        plan, _ = services.plan_create(
            user=investor,
            product=fund,
            amount="1000" if n % 4 else "9000",  # every fourth is short of cash
            frequency="monthly",
            day=1,
            start_date=D(2026, 11, 24),
        )
        plans.append(plan)
    clock.set(D(2026, 12, 1), 9, 30)

    results = race(
        [
            lambda: run.plan_range_run(bucket=0, day=D(2026, 12, 1)),
            lambda: run.plan_range_run(bucket=0, day=D(2026, 12, 1)),
        ]
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r["claimed"] for r in results) == 12
    assert sum(r["placed"] + r["skipped"] for r in results) == 12
    assert PlanPurchase.objects.count() == 12
    assert PlanPurchase.objects.filter(status=PurchaseStatus.PLACED).count() == 9
    assert PlanPurchase.objects.filter(status=PurchaseStatus.SKIPPED).count() == 3
    assert Order.objects.count() == 9
    assert not PlanPurchase.objects.filter(status=PurchaseStatus.CLAIMED).exists()


def test_purchases_a_dead_worker_left_claimed_are_placed_by_the_next_run(clock):
    fund = ProductFactory(risk_level=2, min_purchase=Decimal("10.00"))
    investor = investor_with_cash(cash="5000")
    plan, _ = services.plan_create(
        user=investor,
        product=fund,
        amount="1000",
        frequency="monthly",
        day=1,
        start_date=D(2026, 11, 24),
    )
    clock.set(D(2026, 12, 1), 9, 30)
    is_trading = run.trading_checker(D(2026, 12, 1))
    run.plans_claim_range(
        bucket=0,
        day=D(2026, 12, 1),
        window=run.window_days(D(2026, 12, 1), is_trading),
        now=clock(),
    )  # the claim committed, then the worker died

    assert run.plans_run(day=D(2026, 12, 1))["placed"] == 1
    assert PlanPurchase.objects.get(plan=plan).status == PurchaseStatus.PLACED
    assert Order.objects.filter(user=investor).count() == 1
