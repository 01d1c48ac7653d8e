"""Factories for the orders app's models.

They write rows directly, for tests that need a state without walking there; money-moving
rows (cash entries, lot movements, commission entries, statements) are left to the services,
which keep the ledgers consistent; use the ``placed_order`` / ``confirmed_order`` fixtures of
tests/conftest.py for orders that went through them.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from orders.models import (
    CashAccount,
    Holding,
    Holiday,
    Lot,
    LotSource,
    Order,
    OrderEvent,
    OrderStatus,
    Payment,
    PaymentDirection,
    PaymentStatus,
    PurchaseRefusal,
    Side,
)
from profiles.suitability import Outcome
from tests.factories import ProductFactory, UserFactory

MONDAY = dt.date(2026, 11, 23)


class CashAccountFactory(factory.django.DjangoModelFactory):
    """An empty account (a balance only ever comes from ledger entries)."""

    class Meta:
        model = CashAccount
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)


class PaymentFactory(factory.django.DjangoModelFactory):
    """A sandbox deposit still waiting for the bank (no cash moves until the callback)."""

    class Meta:
        model = Payment

    user = factory.SubFactory(UserFactory)
    direction = PaymentDirection.DEPOSIT
    amount = Decimal("1000.00")
    status = PaymentStatus.PENDING
    payment_method = "sandbox_late"
    provider_reference = factory.Sequence(lambda n: f"test-{n:08d}")


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday
        django_get_or_create = ("date",)

    date = MONDAY
    name = "Test holiday"


class OrderFactory(factory.django.DjangoModelFactory):
    """A pending fund buy of 1,000 trading on MONDAY (no cash debited: for list and filter
    tests; place real orders through ``orders.services.order_place``)."""

    class Meta:
        model = Order

    user = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    institution = factory.LazyAttribute(lambda o: o.product.institution)
    kind = factory.LazyAttribute(lambda o: o.product.kind)
    side = Side.BUY
    status = OrderStatus.PENDING
    amount = factory.LazyAttribute(lambda o: Decimal("1000.00") if o.side == Side.BUY else None)
    units = factory.LazyAttribute(lambda o: Decimal("100.00") if o.side == Side.SELL else None)
    trade_date = MONDAY
    expected_confirm_date = factory.LazyAttribute(lambda o: o.trade_date + dt.timedelta(days=1))
    placed_at = factory.LazyFunction(timezone.now)
    suitability = Outcome.ALLOWED


class OrderEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderEvent

    order = factory.SubFactory(OrderFactory)
    actor = factory.LazyAttribute(lambda o: o.order.user)
    to_status = OrderStatus.PENDING
    reason = "Placed."


class PurchaseRefusalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PurchaseRefusal

    user = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    institution = factory.LazyAttribute(lambda o: o.product.institution)
    reason = "The product's risk is above the investor's level."
    day = MONDAY


class HoldingFactory(factory.django.DjangoModelFactory):
    """A holding of 100 units costing 100; add lots with :class:`LotFactory` to match."""

    class Meta:
        model = Holding

    user = factory.SubFactory(UserFactory)
    product = factory.SubFactory(ProductFactory)
    institution = factory.LazyAttribute(lambda o: o.product.institution)
    kind = factory.LazyAttribute(lambda o: o.product.kind)
    units = Decimal("100.00")
    cost = Decimal("100.00")


class LotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lot

    holding = factory.SubFactory(HoldingFactory)
    source = LotSource.PURCHASE
    acquired_on = MONDAY
    units = factory.LazyAttribute(lambda o: o.holding.units)
    units_remaining = factory.LazyAttribute(lambda o: o.units)
    cost_remaining = factory.LazyAttribute(lambda o: o.holding.cost)
