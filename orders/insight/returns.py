"""Money-weighted returns of an investor's holdings and of the whole portfolio (issue 15).

The flows are the money between the investor and each holding, from the investor's side:
purchases out (their amount, on the trade date), sales' and maturities' proceeds in (on the day
they were confirmed or paid), cash distributions in (on the pay date), and the holding's value
today as the last flow in. Money-market income and reinvested distributions add units, not
flows: they are inside the value. ``products.performance.xirr`` turns each list into an annual
rate. Everything is read in a fixed number of queries, however many holdings there are.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from decimal import Decimal, localcontext
from typing import NamedTuple

from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from marketplace.db_router import read_alias
from products.models import FundType, ProductKind, RiskLevel
from products.performance import RATE_PLACES, Flow, Valuation, twr, xirr

from ..models import Lot, LotMovement, MovementKind, Order, OrderStatus, Side
from ..plans.distributions.models import DistributionPayment
from ..selectors.portfolio import portfolio_for
from .valuation import ProductInfo, history_for

ZERO = Decimal(0)
ONE = Decimal(1)
DAYS_PER_YEAR = Decimal(365)


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


# --- Returns over a chosen period (the portfolio page and API) ------------------------------


class Period(models.TextChoices):
    ONE_MONTH = "1m", pgettext_lazy("return period", "1 month")
    THREE_MONTHS = "3m", pgettext_lazy("return period", "3 months")
    SIX_MONTHS = "6m", pgettext_lazy("return period", "6 months")
    ONE_YEAR = "1y", pgettext_lazy("return period", "1 year")
    YEAR_TO_DATE = "ytd", pgettext_lazy("return period", "Year to date")
    ALL = "all", pgettext_lazy("return period", "Since first purchase")


DEFAULT_PERIOD = Period.ONE_YEAR
_MONTHS = {Period.ONE_MONTH: 1, Period.THREE_MONTHS: 3, Period.SIX_MONTHS: 6, Period.ONE_YEAR: 12}


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (the month's last day where it is shorter)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def period_base(*, period: str, today: dt.date, first_day: dt.date | None) -> dt.date:
    """The day whose closing value starts the period (the period is the days after it)."""
    if period == Period.YEAR_TO_DATE:
        return dt.date(today.year - 1, 12, 31)
    if period == Period.ALL:
        return (first_day or today) - dt.timedelta(days=1)
    return months_before(today, _MONTHS[Period(period)])


def first_purchase_day(*, user) -> dt.date | None:
    return (
        Lot.objects.using(read_alias())
        .filter(holding__user=user)
        .order_by("acquired_on")
        .values_list("acquired_on", flat=True)
        .first()
    )


def _compound(rate: Decimal, years: Decimal) -> Decimal:
    """``(1 + rate) ** years − 1``, to 6 places."""
    with localcontext() as ctx:
        ctx.prec = 34
        return ((ONE + rate).ln() * years).exp().quantize(RATE_PLACES) - ONE


class Figures(NamedTuple):
    """What one holding (or the whole portfolio) did over the period.

    ``gain`` is the value at the end, plus what was taken out (sale proceeds, maturities, cash
    distributions), less the value at the start and what was put in: distributions (cash and
    reinvested) and money-market income are inside it. The money-weighted return is the XIRR of
    the flows starting from the value held at the period's start; over a period under a year
    it is shown for the period, not annualised (DESIGN §4), as the time-weighted return is."""

    value_start: Decimal
    value_end: Decimal
    paid_in: Decimal
    paid_out: Decimal
    cash_distributions: Decimal
    reinvested: Decimal
    income: Decimal
    day_change: Decimal
    money_weighted: Decimal | None  # over the period (annualised only with ``annualised``)
    money_weighted_annualised: Decimal | None  # None for a period under a year
    time_weighted: Decimal | None  # cumulative over the period
    time_weighted_annualised: Decimal | None  # None for a period under a year

    @property
    def gain(self) -> Decimal:
        return self.value_end + self.paid_out - self.value_start - self.paid_in

    @property
    def distributions(self) -> Decimal:
        return self.cash_distributions + self.reinvested

    @property
    def distributions_and_income(self) -> Decimal:
        return self.distributions + self.income


def figures_of(
    *,
    valuations: list[Valuation],
    cash_distributions: Decimal = ZERO,
    reinvested: Decimal = ZERO,
    income: Decimal = ZERO,
    day_change: Decimal = ZERO,
) -> Figures:
    """The figures of one valuation series (the base first, ``flow`` money put in)."""
    base, end = valuations[0], valuations[-1]
    # The span the money was in: from the base when something was held then, else from the
    # first purchase (a fund bought two months ago has a two-month return, never annualised).
    first = base if base.value else next((v for v in valuations if v.flow), end)
    days = (end.on - first.on).days
    years = Decimal(days) / DAYS_PER_YEAR
    cash_flows = [Flow(base.on, -base.value)] if base.value else []
    cash_flows += [Flow(v.on, -v.flow) for v in valuations[1:] if v.flow]
    if end.value:
        cash_flows.append(Flow(end.on, end.value))
    annual = xirr(cash_flows)
    money_weighted = annual
    if annual is not None and days < 365:
        money_weighted = _compound(annual, years)
    time_weighted = twr(_from_first_money(valuations))
    return Figures(
        value_start=base.value,
        value_end=end.value,
        paid_in=sum((v.flow for v in valuations[1:] if v.flow > 0), ZERO),
        paid_out=-sum((v.flow for v in valuations[1:] if v.flow < 0), ZERO),
        cash_distributions=cash_distributions,
        reinvested=reinvested,
        income=income,
        day_change=day_change,
        money_weighted=money_weighted,
        money_weighted_annualised=annual if days >= 365 else None,
        time_weighted=time_weighted,
        time_weighted_annualised=(
            _compound(time_weighted, ONE / years)
            if time_weighted is not None and days >= 365
            else None
        ),
    )


def _from_first_money(valuations: list[Valuation]) -> list[Valuation]:
    """The valuations with, before each day money went into an empty holding, a point worth
    the money put in: ``twr`` then counts that day's change from the money (a purchase's fee
    is its first day's loss), as it does for every later purchase."""
    points, previous = [], ZERO
    for point in valuations:
        if previous <= 0 and point.flow > 0:
            points.append(Valuation(point.on, point.flow, point.flow))
            point = Valuation(point.on, point.value)
        points.append(point)
        previous = point.value
    return points


class HoldingPerformance(NamedTuple):
    product: ProductInfo
    units: Decimal
    price: Decimal | None
    price_date: dt.date | None
    figures: Figures


class Slice(NamedTuple):
    key: str
    label: str
    value: Decimal
    share: Decimal  # a fraction of the total


class Performance(NamedTuple):
    period: str
    base: dt.date
    end: dt.date
    holdings: list[HoldingPerformance]
    total: Figures
    series: list[Valuation]  # the whole portfolio's valuations (base first)

    @property
    def annualised(self) -> bool:
        return self.total.money_weighted_annualised is not None

    @property
    def contributions(self) -> list[tuple[dt.date, Decimal]]:
        """Net money put in over the period: the value at the start, plus purchases, less
        sale proceeds, maturities and cash distributions taken out."""
        running, points = ZERO, []
        for i, point in enumerate(self.series):
            running += point.value if i == 0 else point.flow
            points.append((point.on, running))
        return points

    def allocation(self, by: str) -> list[Slice]:
        """The value at the end split by ``kind``, ``fund_type`` or ``risk_level``."""
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for holding in self.holdings:
            if holding.figures.value_end:
                totals[str(getattr(holding.product, by) or holding.product.kind)] += (
                    holding.figures.value_end
                )
        whole = sum(totals.values(), ZERO)
        labels = _LABELS[by]
        return [
            Slice(key, str(labels.get(key, key)), value, (value / whole).quantize(RATE_PLACES))
            for key, value in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
            if whole
        ]


_LABELS: dict[str, dict[str, object]] = {
    "kind": dict(ProductKind.choices),
    "fund_type": {**dict(FundType.choices), **dict(ProductKind.choices)},
    "risk_level": {str(value): label for value, label in RiskLevel.choices},
}
ALLOCATIONS = ("kind", "fund_type", "risk_level")


def portfolio_performance(
    *,
    user,
    period: str = DEFAULT_PERIOD,
    today: dt.date | None = None,
    base: dt.date | None = None,
) -> Performance:
    """Per holding and for the whole portfolio, over ``period`` ending ``today`` (or from an
    explicit ``base``): values, flows, gain, day's change, money- and time-weighted returns.
    Four queries (five since the first purchase) and one cache round trip, however many
    holdings and days."""
    today = today or timezone.localdate()
    if base is None:
        # Only "since first purchase" needs the first purchase (one query the others skip).
        first = first_purchase_day(user=user) if period == Period.ALL else None
        base = period_base(period=period, today=today, first_day=first)
    history = history_for(user=user, base=base, end=today)
    holdings = [
        HoldingPerformance(
            product=h.product,
            units=h.units_end,
            price=h.price_end,
            price_date=h.price_end_date,
            figures=figures_of(
                valuations=h.valuations,
                cash_distributions=h.cash_distributions,
                reinvested=h.reinvested,
                income=h.income,
                day_change=h.day_change,
            ),
        )
        for h in history.holdings
    ]
    total = history.total
    return Performance(
        period=str(period),
        base=base,
        end=today,
        holdings=holdings,
        total=figures_of(
            valuations=total,
            cash_distributions=sum((h.figures.cash_distributions for h in holdings), ZERO),
            reinvested=sum((h.figures.reinvested for h in holdings), ZERO),
            income=sum((h.figures.income for h in holdings), ZERO),
            day_change=sum((h.figures.day_change for h in holdings), ZERO),
        ),
        series=total,
    )
