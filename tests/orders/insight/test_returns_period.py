"""Returns over a period (orders.insight.returns.portfolio_performance on the valuations of
orders.insight.valuation), checked against hand-computed tables: a deposit mid-period is no
gain in the time-weighted return, distributions and money-market income are gain, and a period
under a year shows no annualised figure."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817 - figures read as D("1.00")

import pytest

from orders import services as orders
from orders.insight.returns import Period, figures_of, months_before, portfolio_performance
from orders.models import LotSource
from orders.plans.distributions.services.declaration import (
    distribution_approve,
    distribution_declare,
)
from products.models import FundType
from products.performance import Valuation
from tests import factories
from tests.orders.factories import HoldingFactory, LotFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 23)


_nav = factories.set_nav


def _buy(clock, user, product, amount, day, nav="1.0000"):
    clock.set(day, 10)
    order, _ = orders.order_place(user=user, product=product, side="buy", amount=amount)
    _nav(product, day, nav)
    clock.set(day, 20)
    orders.end_of_day(run_date=day)
    order.refresh_from_db()
    return order


def test_a_deposit_mid_period_is_no_gain_in_the_time_weighted_return():
    # Hand table: 1,000 grows 10 %, 1,000 more is put in, the 2,100 grows 10 %.
    day = dt.date(2026, 1, 1)
    figures = figures_of(
        valuations=[
            Valuation(day, D("1000.00")),
            Valuation(day + dt.timedelta(days=10), D("1100.00")),
            Valuation(day + dt.timedelta(days=20), D("2100.00"), D("1000.00")),
            Valuation(day + dt.timedelta(days=30), D("2310.00")),
        ]
    )
    assert figures.time_weighted == D("0.210000")  # 1.1 × 1.0 × 1.1 − 1
    assert figures.gain == D("310.00")  # 2,310 − 1,000 − 1,000
    assert figures.paid_in == D("1000.00")
    # 30 days: both shown for the period, nothing annualised (DESIGN §4).
    assert figures.time_weighted_annualised is None
    assert figures.money_weighted_annualised is None
    # The money-weighted return over the period weighs the second rise by the 2,100 then in:
    # about 310 / (1,000 + 1,000 × 10/30) = 23.25 % (modified Dietz), above the 21 % TWR.
    assert D("0.23") < figures.money_weighted < D("0.24")


def test_a_period_of_a_year_or_more_is_also_annualised():
    day = dt.date(2024, 1, 1)
    figures = figures_of(
        valuations=[Valuation(day, D("1000.00")), Valuation(dt.date(2026, 1, 1), D("1210.00"))]
    )
    assert figures.time_weighted == D("0.210000")
    assert abs(figures.time_weighted_annualised - D("0.1")) < D("0.001")  # 731 days
    assert abs(figures.money_weighted_annualised - D("0.1")) < D("0.001")
    assert figures.money_weighted == figures.money_weighted_annualised


def test_two_purchases_at_different_navs_are_measured_by_the_fund_not_the_money(clock):
    user = factories.investor_with_cash(cash="50000")
    fund = factories.ProductFactory(risk_level=2)
    first = MONDAY - dt.timedelta(days=14)
    second = MONDAY - dt.timedelta(days=7)
    _buy(clock, user, fund, "10150", first)  # 10,000.00 units at 1.0000 (fee 150)
    _nav(fund, second - dt.timedelta(days=1), "1.1000")
    _buy(clock, user, fund, "11165", second, nav="1.1000")  # 10,000.00 units (fee 165)
    _nav(fund, MONDAY, "1.2100")
    clock.set(MONDAY + dt.timedelta(days=1), 10)

    result = portfolio_performance(user=user, period=Period.ALL, today=MONDAY)

    (holding,) = result.holdings
    # Hand table of the chained days: the first fee (10,000 / 10,150), the rise to 1.1
    # (11,000 / 10,000), the second purchase's fee ((22,000 − 11,165) / 11,000), then the rise
    # to 1.21 (24,200 / 22,000): 17.42 %, the 21 % of the NAV less the two fees.
    days = [D(10000) / D(10150), D(11000) / D(10000), (D(22000) - D(11165)) / D(11000)]
    expected = days[0] * days[1] * days[2] * D(24200) / D(22000) - 1
    assert holding.figures.time_weighted == expected.quantize(D("0.000001"))
    assert holding.figures.value_end == D("24200.00")
    assert holding.figures.gain == D("24200.00") - D("21315.00")
    assert holding.units == D("20000.00")
    assert holding.figures.day_change == D("20000.00") * (D("1.2100") - D("1.1000"))
    assert result.total.time_weighted == holding.figures.time_weighted
    assert not result.annualised


def test_over_a_month_the_period_starts_from_the_value_held_then(clock):
    user = factories.investor_with_cash(cash="50000")
    fund = factories.ProductFactory(risk_level=2)
    _buy(clock, user, fund, "10150", MONDAY - dt.timedelta(days=70))
    base = months_before(MONDAY, 1)
    _nav(fund, base - dt.timedelta(days=3), "1.1000")
    _nav(fund, MONDAY, "1.2100")

    result = portfolio_performance(user=user, period=Period.ONE_MONTH, today=MONDAY)

    assert result.base == base
    figures = result.total
    assert figures.value_start == D("11000.00")
    assert figures.paid_in == 0
    assert figures.gain == D("1100.00")  # the fee was paid before the period
    assert figures.time_weighted == D("0.100000")
    assert abs(figures.money_weighted - D("0.1")) < D("0.000002")  # one flow: both agree


def test_a_cash_distribution_counts_in_total_gain(clock):
    user = factories.investor_with_cash(cash="20000")
    fund = factories.ProductFactory(risk_level=2)
    editor = factories.MembershipFactory(institution=fund.institution).user
    _buy(clock, user, fund, "10150", MONDAY)  # 10,000.00 units
    record, ex, pay = (MONDAY + dt.timedelta(days=n) for n in (2, 3, 4))
    clock.set(MONDAY + dt.timedelta(days=1), 10)
    distribution = distribution_declare(
        institution=fund.institution,
        product=fund,
        actor=editor,
        amount_per_unit=D("0.0500"),
        record_date=record,
        ex_date=ex,
        pay_date=pay,
    )
    distribution_approve(distribution=distribution, actor=factories.StaffFactory())
    _nav(fund, ex, "0.9500")  # the NAV falls by the distribution on the ex-date
    clock.set(pay, 20)
    orders.end_of_day(run_date=pay)

    result = portfolio_performance(user=user, period=Period.ALL, today=pay)

    figures = result.total
    assert figures.cash_distributions == D("500.00")
    assert figures.value_end == D("9500.00")
    # 9,500 held + 500 received − 10,150 paid: only the fee is lost, the drop is no loss.
    assert figures.gain == D("-150.00")
    assert figures.time_weighted == (D(10000) / D(10150) - 1).quantize(D("0.000001"))


def test_money_market_income_counts_in_total_gain():
    fund = factories.ProductFactory(fund_type=FundType.MONEY_MARKET, risk_level=1)
    holding = HoldingFactory(product=fund, units=D("10003.00"), cost=D("10000.00"))
    user = holding.user
    start = dt.date(2026, 11, 2)
    LotFactory(holding=holding, acquired_on=start, units=D("10000.00"), cost_remaining=D("10000"))
    for n, income in enumerate(["1.00", "1.20", "0.80"], start=1):
        LotFactory(
            holding=holding,
            source=LotSource.INCOME,
            acquired_on=start + dt.timedelta(days=n),
            units=D(income),
            cost_remaining=D(0),
        )
    result = portfolio_performance(user=user, period=Period.ALL, today=MONDAY)
    figures = result.total
    assert figures.income == D("3.00")
    assert figures.value_end == D("10003.00")
    assert figures.day_change == D("0.80")  # the newest day's income
    assert figures.time_weighted == D("0.000300")
