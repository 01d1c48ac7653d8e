"""Every model factory of the profiles and orders apps builds a row its model accepts, and the
shared fixtures go through the services."""

import pytest

from orders.models import CashEntry, Lot
from tests.orders import factories as order_factories
from tests.profiles import factories as profile_factories

pytestmark = pytest.mark.django_db

FACTORIES = [
    profile_factories.InvestorProfileFactory,
    profile_factories.ConsentEventFactory,
    profile_factories.RiskAssessmentFactory,
    order_factories.CashAccountFactory,
    order_factories.PaymentFactory,
    order_factories.HolidayFactory,
    order_factories.OrderFactory,
    order_factories.OrderEventFactory,
    order_factories.PurchaseRefusalFactory,
    order_factories.HoldingFactory,
    order_factories.LotFactory,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_each_factory_builds_a_valid_row(factory):
    instance = factory()
    instance.full_clean()
    assert type(instance).objects.filter(pk=instance.pk).exists()


def test_placed_and_confirmed_orders_come_from_the_services(confirmed_order, clock):
    assert confirmed_order.status == "confirmed"
    assert confirmed_order.trade_date == clock.today
    assert CashEntry.objects.filter(reference=f"order:{confirmed_order.pk}").exists()
    assert Lot.objects.get(order=confirmed_order).units == confirmed_order.units
