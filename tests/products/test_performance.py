"""The performance arithmetic against known tables and properties (products.performance)."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817 - figures read as D("1.00")

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from products.performance import (
    Flow,
    Valuation,
    annualised_volatility,
    max_drawdown,
    period_return,
    twr,
    xirr,
)

DAY = dt.date(2026, 1, 1)


def test_xirr_matches_excels_documented_example():
    # Microsoft's XIRR documentation: these flows return 0.373362535 (37.34 %).
    flows = [
        Flow(dt.date(2008, 1, 1), D(-10000)),
        Flow(dt.date(2008, 3, 1), D(2750)),
        Flow(dt.date(2008, 10, 30), D(4250)),
        Flow(dt.date(2009, 2, 15), D(3250)),
        Flow(dt.date(2009, 4, 1), D(2750)),
    ]
    assert xirr(flows) == D("0.373363")


def test_xirr_of_one_year_at_ten_percent_and_of_a_loss():
    assert xirr([Flow(DAY, D(-1000)), Flow(DAY + dt.timedelta(days=365), D(1100))]) == D("0.1")
    assert xirr([Flow(DAY, D(-1000)), Flow(DAY + dt.timedelta(days=365), D(800))]) == D("-0.2")


def test_xirr_weighs_money_by_how_long_it_was_invested():
    # 1,000 in for a year, 10,000 more for the last month, all returned at 0 % overall gain
    # on the big sum and 10 % on the small one: the money-weighted rate is far below 10 %.
    flows = [
        Flow(DAY, D(-1000)),
        Flow(DAY + dt.timedelta(days=334), D(-10000)),
        Flow(DAY + dt.timedelta(days=365), D(11100)),
    ]
    rate = xirr(flows)
    assert D("0.03") < rate < D("0.10")


@pytest.mark.parametrize(
    "flows",
    [
        [],
        [Flow(DAY, D(-1000))],  # money only went in
        [Flow(DAY, D(500)), Flow(DAY + dt.timedelta(days=30), D(600))],  # only came out
        [Flow(DAY, D(-1000)), Flow(DAY + dt.timedelta(days=365), D(0))],  # everything lost
    ],
)
def test_xirr_is_none_where_no_rate_exists(flows):
    assert xirr(flows) is None


@settings(max_examples=60, deadline=None)
@given(
    rate=st.decimals(min_value=D("-0.5"), max_value=D("2"), places=3),
    days=st.lists(st.integers(min_value=1, max_value=1500), min_size=1, max_size=6),
)
def test_xirr_recovers_the_rate_the_flows_were_built_with(rate, days):
    """Deposits on several days, all grown at ``rate`` a year and taken out on the last day:
    XIRR gives ``rate`` back, to its 6th place. (The value is not rounded to the cent: over a
    few weeks a cent moves the annual rate by more than the 6th place.)"""
    end = DAY + dt.timedelta(days=max(days) + 30)
    flows = [Flow(DAY + dt.timedelta(days=d), D(-1000)) for d in days]
    final = sum(D(1000) * ((1 + rate) ** (D((end - f.on).days) / D(365))) for f in flows)
    result = xirr([*flows, Flow(end, final)])
    assert result is not None
    assert abs(result - rate) <= D("0.000001")


def test_twr_ignores_the_size_and_timing_of_deposits():
    # 1,000 grows 10 %, then 1,000 more goes in and the whole 2,100 falls 10 %:
    # TWR = 1.1 × 0.9 − 1 = −1 %, while the investor lost money overall.
    points = [
        Valuation(DAY, D(1000), D(1000)),
        Valuation(DAY + dt.timedelta(days=1), D(1100)),
        Valuation(DAY + dt.timedelta(days=2), D(2100), D(1000)),
        Valuation(DAY + dt.timedelta(days=3), D(1890)),
    ]
    assert twr(points) == D("-0.01")


def test_twr_treats_a_withdrawal_as_no_loss_and_restarts_after_everything_is_sold():
    points = [
        Valuation(DAY, D(1000), D(1000)),
        Valuation(DAY + dt.timedelta(days=1), D(600), D(-500)),  # +10 %, then 500 taken out
        Valuation(DAY + dt.timedelta(days=2), D(0), D(-600)),  # all sold at an unchanged price
        Valuation(DAY + dt.timedelta(days=5), D(2000), D(2000)),  # bought again
        Valuation(DAY + dt.timedelta(days=6), D(2200)),  # +10 %
    ]
    assert twr(points) == D("0.21")


def test_twr_is_none_with_nothing_invested():
    assert twr([]) is None
    assert twr([Valuation(DAY, D(1000), D(1000))]) is None


def test_max_drawdown_is_the_worst_peak_to_trough_fall():
    assert max_drawdown([D(1), D("1.2"), D("0.9"), D("1.3"), D("1.0")]) == D("0.25")
    assert max_drawdown([D(1), D("1.1"), D("1.2")]) == D(0)
    assert max_drawdown([D(1)]) is None


def test_volatility_is_zero_for_steady_growth_and_annualised_by_root_250():
    steady = [D("1.01") ** n for n in range(10)]
    assert annualised_volatility(steady) == D(0)
    # Daily returns +1 %, −1 % alternating: sample stdev ≈ 0.010328; × √250 ≈ 0.163299.
    zigzag = [D(1)]
    for n in range(20):
        zigzag.append(zigzag[-1] * (D("1.01") if n % 2 == 0 else D("0.99")))
    vol = annualised_volatility(zigzag)
    assert D("0.160") < vol < D("0.165")
    assert annualised_volatility([D(1), D(2)]) is None


def test_period_return():
    assert period_return(D("1.2500"), D("1.5000")) == D("0.2")
    assert period_return(None, D(1)) is None
    assert period_return(D(0), D(1)) is None
