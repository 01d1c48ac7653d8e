"""Switches raced by real threads on PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest

from orders import services
from orders.models import Holding, Order
from orders.plans.switching import services as switching
from orders.plans.switching.models import Switch
from products.models import NavPrice
from tests.factories import ProductFactory, investor_with_cash
from tests.integration.test_races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def world(clock):
    fund_a = ProductFactory(risk_level=2)
    fund_b = ProductFactory(risk_level=2, institution=fund_a.institution)
    user = investor_with_cash(cash="20000")
    services.order_place(user=user, product=fund_a, side="buy", amount="10000")
    NavPrice.objects.create(product=fund_a, date=MONDAY, nav=Decimal("1.0000"))
    clock.set(MONDAY, 20)
    services.end_of_day(run_date=MONDAY)
    clock.set(MONDAY + dt.timedelta(days=1), 10)
    return user, fund_a, fund_b


def _switch(user, fund_a, fund_b, units, key=""):
    return lambda: switching.switch_place(
        user=user,
        from_product=fund_a,
        to_product=fund_b,
        units=units,
        idempotency_key=key,
        request_hash="same" if key else "",
    )


def test_two_requests_with_one_key_make_one_pair(world):
    user, fund_a, fund_b = world
    results = race([_switch(user, fund_a, fund_b, "1000", "key")] * 2)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert {r[0].pk for r in results} == {Switch.objects.get().pk}
    assert sorted(r[1] for r in results) == [False, True]
    assert Order.objects.filter(switch__isnull=False).count() == 2
    assert Holding.objects.get(user=user, product=fund_a).reserved == Decimal("1000.00")


def test_two_switches_racing_for_the_same_units_cannot_oversell(world):
    user, fund_a, fund_b = world  # 9,852.22 units held
    results = race(
        [_switch(user, fund_a, fund_b, "6000", "a"), _switch(user, fund_a, fund_b, "6000", "b")]
    )
    placed = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(placed) == 1, results
    assert "units" in refused[0].error_dict
    assert Switch.objects.count() == 1
    assert Order.objects.filter(switch__isnull=False).count() == 2
    holding = Holding.objects.get(user=user, product=fund_a)
    assert holding.reserved == Decimal("6000.00") <= holding.units
