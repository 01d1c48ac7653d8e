"""A bond fund held by investors through real orders, and its institution's editor and staff.

The clock starts on Monday 2026-11-23 10:00: a purchase trades that day and is confirmed at
NAV 1.0000 by that evening's end of day. The usual distribution has record date Wednesday
11-25, ex-date Thursday 11-26 and pay date Friday 11-27."""

import datetime as dt
from decimal import Decimal

import pytest

from orders import services as orders
from orders.plans.distributions.services.declaration import (
    distribution_approve,
    distribution_declare,
)
from products.models import NavPrice
from tests import factories

MONDAY = dt.date(2026, 11, 23)
RECORD, EX, PAY = (
    MONDAY + dt.timedelta(days=2),
    MONDAY + dt.timedelta(days=3),
    MONDAY + dt.timedelta(days=4),
)


@pytest.fixture
def fund(db):
    return factories.ProductFactory(risk_level=2)


@pytest.fixture
def editor(fund):
    return factories.MembershipFactory(institution=fund.institution).user


@pytest.fixture
def staff(db):
    return factories.StaffFactory()


@pytest.fixture
def buy(clock, fund):
    """``buy(user, amount, on=day)``: a purchase of ``fund`` traded on ``day`` (default today)
    and confirmed that evening at NAV 1.0000 (10,150 buys 10,000.00 units at the 1.5% fee)."""

    def make(user, amount="10150", on=None):
        day = on or clock.today
        clock.set(day, 10)
        order, _ = orders.order_place(user=user, product=fund, side="buy", amount=amount)
        NavPrice.objects.get_or_create(product=fund, date=order.trade_date, defaults={"nav": 1})
        clock.set(order.trade_date, 20)
        orders.end_of_day(run_date=order.trade_date)
        order.refresh_from_db()
        return order

    return make


@pytest.fixture
def holder(buy):
    """An investor holding 10,000.00 units of ``fund`` since Monday."""
    user = factories.investor_with_cash(cash="20000")
    buy(user)
    return user


@pytest.fixture
def declare(fund, editor, clock):
    def make(**fields):
        values = {
            "institution": fund.institution,
            "product": fund,
            "actor": editor,
            "amount_per_unit": Decimal("0.0123"),
            "record_date": RECORD,
            "ex_date": EX,
            "pay_date": PAY,
        }
        values.update(fields)
        return distribution_declare(**values)

    return make


@pytest.fixture
def approved(declare, staff):
    def make(**fields):
        distribution = declare(**fields)
        return distribution_approve(distribution=distribution, actor=staff)

    return make


@pytest.fixture
def pay_day(clock, fund):
    """``pay_day(nav=…)``: the ex-date NAV uploaded (unless None) and end of day run on the pay
    date; returns its stats."""

    def run(nav="1.0300", day=PAY):
        if nav is not None:
            NavPrice.objects.update_or_create(product=fund, date=EX, defaults={"nav": Decimal(nav)})
        clock.set(day, 20)
        return orders.end_of_day(run_date=day)

    return run
