"""A holding of fund A (9,852.22 units bought on Monday 2026-11-23 at NAV 1.0000) and fund B of
the same institution, both with NAVs; the clock then stands on Tuesday 10:00 (before the
cut-off), so a switch placed now trades on Tuesday 2026-11-24."""

import datetime as dt
from decimal import Decimal

import pytest

from orders import services
from orders.plans.switching import services as switching
from products.fees import parse_tiers
from products.models import FeeSchedule, FeeTier, NavPrice
from tests import factories

MONDAY = dt.date(2026, 11, 23)
TUESDAY = dt.date(2026, 11, 24)


def set_subscription(product, text: str) -> None:
    """Replace ``product``'s subscription schedule (``"0 - : 1.2%"``)."""
    FeeTier.objects.filter(product=product, schedule=FeeSchedule.SUBSCRIPTION).delete()
    FeeTier.objects.bulk_create(
        FeeTier(
            product=product,
            schedule=FeeSchedule.SUBSCRIPTION,
            lower=t.lower,
            upper=t.upper,
            rate=t.rate,
            fixed_fee=t.fixed_fee,
        )
        for t in parse_tiers(text)
    )


def nav(product, day, value) -> NavPrice:
    row = NavPrice.objects.create(product=product, date=day, nav=Decimal(value))
    product.latest_nav, product.latest_nav_date = row.nav, day
    product.save(update_fields=["latest_nav", "latest_nav_date"])
    return row


@pytest.fixture
def fund_a(db):
    return factories.ProductFactory(risk_level=2, name="Alpha Bond Fund")


@pytest.fixture
def fund_b(fund_a):
    return factories.ProductFactory(
        risk_level=2, institution=fund_a.institution, name="Beta Bond Fund"
    )


@pytest.fixture
def holder(clock, fund_a, fund_b):
    """A C3 investor holding 9,852.22 units of A (cost 10,000), cash 10,000 left."""
    user = factories.investor_with_cash(cash="20000")
    order, _ = services.order_place(user=user, product=fund_a, side="buy", amount="10000")
    nav(fund_a, MONDAY, "1.0000")  # 10,000 at 1.5% → net 9,852.22 → 9,852.22 units
    nav(fund_b, MONDAY, "2.0000")
    clock.set(MONDAY, 20)
    services.end_of_day(run_date=MONDAY)
    clock.set(TUESDAY, 10)
    return user


@pytest.fixture
def place(holder, fund_a, fund_b):
    """``place(**fields)`` → a switch of ``holder`` (default 1,000 units of A into B)."""

    def make(**fields):
        values = {
            "user": holder,
            "from_product": fund_a,
            "to_product": fund_b,
            "units": "1000",
        }
        values.update(fields)
        switch, _ = switching.switch_place(**values)
        return switch

    return make
