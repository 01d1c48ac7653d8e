"""Money-weighted returns per holding and for the portfolio (orders.insight.returns): the flows
are the investor's own money in and out, the value today closes them, and the reading stays a
fixed number of queries however many holdings there are."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817 - figures read as D("1.00")

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders import services as orders
from orders.insight.returns import portfolio_returns
from products.performance import Flow, xirr
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 23)


_nav = factories.set_nav


def _buy(clock, user, product, amount, day):
    clock.set(day, 10)
    orders.order_place(user=user, product=product, side="buy", amount=amount)
    _nav(product, day, "1.0000")
    clock.set(day, 20)
    orders.end_of_day(run_date=day)


def test_a_holding_bought_and_partly_sold_returns_its_flows_xirr(clock):
    user = factories.investor_with_cash(cash="50000")
    fund = factories.ProductFactory(risk_level=2)
    _buy(clock, user, fund, "10150", MONDAY)  # 10,000.00 units at 1.0000 after the 1.5 % fee
    sold_on = MONDAY + dt.timedelta(days=14)
    clock.set(sold_on, 10)
    sale, _ = orders.order_place(user=user, product=fund, side="sell", units="4000")
    _nav(fund, sold_on, "1.0200")
    clock.set(sold_on, 20)
    orders.end_of_day(run_date=sold_on)
    sale.refresh_from_db()
    today = MONDAY + dt.timedelta(days=60)
    _nav(fund, today - dt.timedelta(days=1), "1.0500")
    clock.set(today, 10)

    result = portfolio_returns(user=user, today=today)

    (holding,) = result.holdings
    assert holding.paid_in == D("10150.00")
    assert holding.paid_out == sale.amount
    assert holding.value == D("6300.00")  # 6,000 units × 1.0500
    assert holding.gain == D("6300.00") + sale.amount - D("10150.00")
    expected = xirr(
        [Flow(MONDAY, D("-10150.00")), Flow(sold_on, sale.amount), Flow(today, D("6300.00"))]
    )
    assert holding.xirr == expected
    assert result.xirr == expected  # one holding: the portfolio is that holding
    assert D(0) < holding.xirr  # a 5 % rise in two months, despite the 1.5 % fee


def test_the_portfolio_rate_weighs_each_holding_by_its_money(clock):
    user = factories.investor_with_cash(cash="50000")
    rising, falling = (factories.ProductFactory(risk_level=2) for _ in range(2))
    _buy(clock, user, rising, "20300", MONDAY)  # 20,000 units
    _buy(clock, user, falling, "1015", MONDAY)  # 1,000 units
    today = MONDAY + dt.timedelta(days=90)
    _nav(rising, today, "1.1000")
    _nav(falling, today, "0.5000")
    result = portfolio_returns(user=user, today=today)
    by_product = {h.product_id: h for h in result.holdings}
    assert by_product[rising.pk].xirr > 0 > by_product[falling.pk].xirr
    # The big rising holding outweighs the small falling one.
    assert result.xirr > 0
    assert result.gain == D("22000.00") + D("500.00") - D("21315.00")


def test_nothing_held_or_bought_is_no_rate():
    result = portfolio_returns(user=factories.investor_with_cash(cash="100"))
    assert result.holdings == []
    assert result.xirr is None


def test_reading_is_a_fixed_number_of_queries(clock):
    user = factories.investor_with_cash(cash="90000")
    first = factories.ProductFactory(risk_level=2)
    _buy(clock, user, first, "1015", MONDAY)
    with CaptureQueriesContext(connection) as one:
        portfolio_returns(user=user, today=MONDAY)
    for _ in range(4):
        _buy(clock, user, factories.ProductFactory(risk_level=2), "1015", MONDAY)
    with CaptureQueriesContext(connection) as five:
        portfolio_returns(user=user, today=MONDAY)
    assert len(five) == len(one)
