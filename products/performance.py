"""Performance arithmetic, pure and exact enough for money: money-weighted return (XIRR),
time-weighted return, maximum drawdown, annualised volatility and period returns.

Everything is ``Decimal`` (no floats near money, DESIGN §4) and takes plain sequences, so the
fund pages, the comparison, the portfolio and the yearly statement compute the same figure
the same way, and the tests pin each function against known tables (Excel's XIRR example,
textbook TWR across a deposit). Rates are fractions (``0.1`` is 10 %); a function returns
``None`` where the figure does not exist (no flows, no change of sign, fewer than two prices).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, localcontext
from typing import NamedTuple

ZERO = Decimal(0)
ONE = Decimal(1)
DAYS_PER_YEAR = Decimal(365)
# Trading days a year: the usual annualisation of daily volatility in the Chinese fund market.
TRADING_DAYS = 250
RATE_PLACES = Decimal("0.000001")  # rates are kept to 6 places (RateField)
XIRR_LOW, XIRR_HIGH = Decimal("-0.999999"), Decimal(100)  # −99.9999 % … +10,000 % a year
XIRR_TOLERANCE = Decimal("1e-12")
XIRR_STEPS = 200


class Flow(NamedTuple):
    """Money between the investor and the investment on a day, from the investor's side:
    negative when they put money in (a purchase), positive when they take it out (a sale's
    proceeds, a cash distribution, and the value still held on the last day)."""

    on: dt.date
    amount: Decimal


class Valuation(NamedTuple):
    """The investment's value at the end of ``on``, after ``flow`` (money the investor put in
    that day, negative when they took it out) went in or out at the day's price."""

    on: dt.date
    value: Decimal
    flow: Decimal = ZERO


def _npv(rate: Decimal, flows: Sequence[Flow], start: dt.date) -> tuple[Decimal, Decimal]:
    """Net present value of ``flows`` at ``rate`` a year and its derivative in ``rate``."""
    growth = (ONE + rate).ln()
    value, slope = ZERO, ZERO
    for flow in flows:
        years = Decimal((flow.on - start).days) / DAYS_PER_YEAR
        discounted = flow.amount * (-years * growth).exp()
        value += discounted
        slope -= years * discounted / (ONE + rate)
    return value, slope


def xirr(flows: Sequence[Flow]) -> Decimal | None:
    """The annual rate at which the flows' net present value is zero (money-weighted return),
    to 6 places; ``None`` unless money went both in and out. Newton's method from 10 %, kept
    inside a bracket that bisection narrows whenever a Newton step would leave it, so it
    converges for every sign pattern that has a root in (−99.9999 %, +10,000 %)."""
    flows = [Flow(f.on, Decimal(f.amount)) for f in flows if f.amount]
    if not any(f.amount < 0 for f in flows) or not any(f.amount > 0 for f in flows):
        return None
    start = min(f.on for f in flows)
    with localcontext() as ctx:
        ctx.prec = 34
        low, high = XIRR_LOW, XIRR_HIGH
        npv_low, _ = _npv(low, flows, start)
        npv_high, _ = _npv(high, flows, start)
        if npv_low == 0:
            return low.quantize(RATE_PLACES)
        if (npv_low > 0) == (npv_high > 0):
            return None  # no root in the bracket (e.g. a loss beyond −99.9999 %)
        rate = Decimal("0.1")
        for _ in range(XIRR_STEPS):
            value, slope = _npv(rate, flows, start)
            if abs(value) < XIRR_TOLERANCE:
                break
            if (value > 0) == (npv_low > 0):
                low, npv_low = rate, value
            else:
                high = rate
            step = rate - value / slope if slope else None
            rate = step if step is not None and low < step < high else (low + high) / 2
            if high - low < XIRR_TOLERANCE:
                break
        return rate.quantize(RATE_PLACES)


def twr(valuations: Sequence[Valuation]) -> Decimal | None:
    """Time-weighted return over the valuations (in date order): the day-by-day growth of the
    money invested, chained, so deposits and withdrawals do not count as gains or losses. Each
    day's return is ``(value − flow) / previous value − 1``; days after the value fell to zero
    (everything sold) restart with the next purchase. ``None`` with nothing invested."""
    growth, counted, previous = ONE, False, ZERO
    with localcontext() as ctx:
        ctx.prec = 34
        for point in valuations:
            if previous > 0:
                growth *= (point.value - point.flow) / previous
                counted = True
            previous = point.value
        if not counted:
            return None
        return (growth - ONE).quantize(RATE_PLACES)


def period_return(start: Decimal | None, end: Decimal | None) -> Decimal | None:
    """``end / start − 1`` of two prices (accumulated NAV, so distributions count)."""
    if not start or end is None or start <= 0:
        return None
    return (Decimal(end) / Decimal(start) - ONE).quantize(RATE_PLACES)


def max_drawdown(prices: Sequence[Decimal]) -> Decimal | None:
    """The largest fall from a peak to a later trough, as a positive fraction of the peak
    (``0.25``: a quarter of the value lost at worst); ``0`` when it never fell."""
    if len(prices) < 2:
        return None
    peak, worst = Decimal(prices[0]), ZERO
    for price in prices[1:]:
        price = Decimal(price)
        if price > peak:
            peak = price
        elif peak > 0:
            worst = max(worst, (peak - price) / peak)
    return worst.quantize(RATE_PLACES)


def annualised_volatility(
    prices: Sequence[Decimal], *, periods_per_year: int = TRADING_DAYS
) -> Decimal | None:
    """The sample standard deviation of the period-to-period returns of ``prices`` (daily NAVs:
    250 trading days a year), scaled to a year by √periods; ``None`` with fewer than three
    prices (two returns)."""
    returns = [Decimal(b) / Decimal(a) - ONE for a, b in zip(prices, prices[1:], strict=False) if a]
    if len(returns) < 2:
        return None
    with localcontext() as ctx:
        ctx.prec = 34
        mean = sum(returns, ZERO) / len(returns)
        variance = sum(((r - mean) ** 2 for r in returns), ZERO) / (len(returns) - 1)
        return (variance.sqrt() * Decimal(periods_per_year).sqrt()).quantize(RATE_PLACES)
