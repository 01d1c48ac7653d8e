"""Money-weighted returns of an investor's holdings and of the whole portfolio (issue 15).

The flows are the money between the investor and each holding, from the investor's side:
purchases out (their amount, on the trade date), sales' and maturities' proceeds in (on the day
they were confirmed or paid), cash distributions in (on the pay date), and the holding's value
today as the last flow in. Money-market income and reinvested distributions add units, not
flows: they are inside the value. ``products.performance.xirr`` turns each list into an annual
rate. Everything is read in a fixed number of queries, however many holdings there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone

from products.performance import Flow, xirr

from ..models import LotMovement, MovementKind, Order, OrderStatus, Side
from ..plans.distributions.models import DistributionPayment
from ..selectors.portfolio import portfolio_for

ZERO = Decimal(0)


class HoldingReturn(NamedTuple):
    product_id: int
    paid_in: Decimal  # purchases
    paid_out: Decimal  # proceeds, maturities and cash distributions received
    value: Decimal  # what is held today
    xirr: Decimal | None  # money-weighted annual rate; None where it does not exist

    @property
    def gain(self) -> Decimal:
        return self.value + self.paid_out - self.paid_in


class PortfolioReturns(NamedTuple):
    holdings: list[HoldingReturn]
    xirr: Decimal | None

    @property
    def gain(self) -> Decimal:
        return sum((h.gain for h in self.holdings), ZERO)


def flows_by_product(*, user) -> dict[int, list[Flow]]:
    """Every flow of ``user``'s money into and out of each product, oldest first (3 queries)."""
    flows: dict[int, list[Flow]] = defaultdict(list)
    for product_id, side, amount, trade_date, confirmed_on in Order.objects.filter(
        user=user,
        status__in=[OrderStatus.CONFIRMED, OrderStatus.SETTLED],
        amount__isnull=False,
    ).values_list("product_id", "side", "amount", "trade_date", "confirmed_on"):
        if side == Side.BUY:
            flows[product_id].append(Flow(trade_date, -amount))
        else:
            flows[product_id].append(Flow(confirmed_on or trade_date, amount))
    for product_id, gross, interest, created_at in LotMovement.objects.filter(
        lot__holding__user=user, kind=MovementKind.MATURITY
    ).values_list("lot__holding__product_id", "gross", "interest", "created_at"):
        flows[product_id].append(Flow(timezone.localdate(created_at), gross + interest))
    for product_id, cash, paid_on in DistributionPayment.objects.filter(
        holding__user=user, cash__gt=0
    ).values_list("holding__product_id", "cash", "paid_on"):
        flows[product_id].append(Flow(paid_on, cash))
    for product_flows in flows.values():
        product_flows.sort(key=lambda f: f.on)
    return flows


def portfolio_returns(*, user, today: dt.date | None = None) -> PortfolioReturns:
    """Each product the investor has held: money in, money out, value today and XIRR; and the
    portfolio's XIRR over all of them together."""
    today = today or timezone.localdate()
    values = {
        p.holding.product_id: p.market_value
        for p in portfolio_for(user=user, today=today).positions
    }
    flows = flows_by_product(user=user)
    holdings, everything = [], []
    for product_id in sorted(set(flows) | set(values)):
        moved = flows.get(product_id, [])
        value = values.get(product_id, ZERO)
        own = [*moved, Flow(today, value)] if value else list(moved)
        everything += own
        holdings.append(
            HoldingReturn(
                product_id=product_id,
                paid_in=-sum((f.amount for f in moved if f.amount < 0), ZERO),
                paid_out=sum((f.amount for f in moved if f.amount > 0), ZERO),
                value=value,
                xirr=xirr(own),
            )
        )
    return PortfolioReturns(holdings=holdings, xirr=xirr(everything))
