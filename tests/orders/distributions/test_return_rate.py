"""A distribution taken in cash and one reinvested give the same return: the reinvested units'
cost is no money the investor put in, so it is not in the return's base."""

from decimal import Decimal
from types import SimpleNamespace

from orders.models import LotSource
from orders.selectors.portfolio import LotView, Position

D = Decimal


def _lot(source, cost):
    return LotView(SimpleNamespace(source=source, cost_remaining=D(cost)), 10, None)


def test_reinvesting_a_distribution_or_taking_it_in_cash_shows_the_same_return():
    # 10,000 units bought for 10,150; a distribution of 0.05 a unit; NAV after it 1.003.
    cash = Position(
        SimpleNamespace(cost=D("10150")),
        D("1.003"),
        None,
        D("10030.00"),
        [_lot(LotSource.PURCHASE, "10150")],
        None,
        D("500"),
    )
    reinvested = Position(
        SimpleNamespace(cost=D("10650")),
        D("1.003"),
        None,
        D("10531.50"),
        [_lot(LotSource.PURCHASE, "10150"), _lot(LotSource.REINVEST, "500")],
        None,
        D("500"),
    )
    assert cash.invested == reinvested.invested == D("10150")
    assert cash.pnl == D("380.00")
    assert reinvested.pnl == D("381.50")  # its 500 new units also earned the NAV's move
    assert reinvested.return_rate == D("381.50") / D("10150")
    assert cash.return_rate == D("380.00") / D("10150")
