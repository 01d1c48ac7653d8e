"""Plans set up through the service at the clock's time (Monday 2026-11-23 10:00)."""

import datetime as dt
from decimal import Decimal

import pytest

from orders.plans import services
from tests import factories


@pytest.fixture
def fund(db):
    return factories.ProductFactory(risk_level=2, min_purchase=Decimal("100.00"))


@pytest.fixture
def make_plan(clock, investor, fund):
    """``make_plan(**fields)`` → a plan of ``investor`` (default: 1,000 monthly on the 1st,
    from tomorrow)."""

    def make(**fields):
        values = {
            "user": investor,
            "product": fund,
            "amount": "1000",
            "frequency": "monthly",
            "day": 1,
            "start_date": clock.today + dt.timedelta(days=1),
        }
        values.update(fields)
        plan, _ = services.plan_create(**values)
        return plan

    return make
