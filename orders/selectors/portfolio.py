"""The investor's portfolio: positions valued, cash, money in transit, and what a sale would pay."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from marketplace.db_router import read_alias
from marketplace.money import round_amount, round_nav
from products.fees import Tier, redemption_rate
from products.models import FeeSchedule, FeeTier, ProductKind

from .. import pricing
from ..models import (
    CashAccount,
    DistributionPayment,
    Holding,
    Lot,
    LotSource,
    Order,
    OrderStatus,
    Side,
)


@dataclass
class LotView:
    lot: Lot
    days_held: int
    fee_rate_today: Decimal | None  # funds: the redemption rate if sold today


@dataclass
class Position:
    """One holding, valued: market value at the latest NAV (funds), principal plus interest
    accrued so far (savings) or the premium paid (insurance)."""

    holding: Holding
    price: Decimal | None
    price_date: dt.date | None
    market_value: Decimal
    lots: list[LotView]
    latest_income: Lot | None = None  # money-market funds: the newest day's income lot
    # Distributions received on the holding, in cash and reinvested: part of its return.
    distributions: Decimal = Decimal(0)

    @property
    def product(self):
        return self.holding.product

    @property
    def cost(self) -> Decimal:
        return self.holding.cost

    @property
    def pnl(self) -> Decimal:
        """Market value less cost, plus the distributions received: a cash distribution is
        return received, and a reinvested one's units carry their cost, so neither ever shows
        as a loss (the NAV falls by the distribution on the ex-date)."""
        return self.market_value - self.holding.cost + self.distributions

    @property
    def invested(self) -> Decimal:
        """The cost of what is held less the part reinvested distributions paid for (no money
        the investor put in): the base of the return, so that reinvesting a distribution and
        taking it in cash show the same return."""
        reinvested = sum(
            (v.lot.cost_remaining for v in self.lots if v.lot.source == LotSource.REINVEST),
            Decimal(0),
        )
        return self.holding.cost - reinvested

    @property
    def return_rate(self) -> Decimal | None:
        return self.pnl / self.invested if self.invested > 0 else None

    @property
    def sellable(self) -> Decimal:
        """What can be sold now (the order service's rule, on the lots already loaded)."""
        return pricing.sellable(
            kind=self.holding.kind,
            units=self.holding.units,
            reserved=self.holding.reserved,
            lots=[(v.lot.units_remaining, v.lot.cooling_off_until) for v in self.lots],
            day=timezone.localdate(),
        )

    @property
    def agreed_savings_rates(self) -> tuple[Decimal, Decimal] | None:
        """Savings: the (annual, early-withdrawal) rates when every deposit has the same ones."""
        rates = {(v.lot.annual_rate, v.lot.early_withdrawal_rate) for v in self.lots}
        return rates.pop() if len(rates) == 1 else None

    @property
    def reserved_value(self) -> Decimal:
        """The share of the market value in units that pending sells have reserved."""
        units, reserved = self.holding.units, self.holding.reserved
        if not units or not reserved:
            return Decimal(0)
        return round_amount(self.market_value * reserved / units)

    @property
    def average_cost(self) -> Decimal | None:
        """Cost per unit (funds), 4 dp like a NAV."""
        return round_nav(self.holding.cost / self.holding.units) if self.holding.units else None


@dataclass(frozen=True)
class InTransit:
    """Money on its way between cash and holdings: buys paid for but not yet confirmed (the
    amount left the cash balance when they were placed), units reserved by sells not yet
    settled (valued as the holding is), and sells confirmed but not yet paid out."""

    buying: Decimal = Decimal(0)
    selling: Decimal = Decimal(0)
    orders: int = 0

    @property
    def total(self) -> Decimal:
        return self.buying + self.selling


@dataclass
class Portfolio:
    """What the investor owns: ``cash + holdings_value + in_transit.total == total_assets``.

    ``market_value`` values every unit held (P&L counts them all); ``holdings_value`` leaves out
    the units being sold, which show under ``in_transit`` instead, so nothing counts twice."""

    positions: list[Position]
    cash: Decimal
    transit: InTransit = InTransit()
    first_trade_date: dt.date | None = None  # of the investor's first order (statements)

    @property
    def market_value(self) -> Decimal:
        return sum((p.market_value for p in self.positions), Decimal(0))

    @property
    def selling_value(self) -> Decimal:
        return sum((p.reserved_value for p in self.positions), Decimal(0))

    @property
    def holdings_value(self) -> Decimal:
        return self.market_value - self.selling_value

    @property
    def in_transit(self) -> Decimal:
        return self.transit.buying + self.transit.selling + self.selling_value

    @property
    def in_transit_selling(self) -> Decimal:
        return self.transit.selling + self.selling_value

    @property
    def cost(self) -> Decimal:
        return sum((p.cost for p in self.positions), Decimal(0))

    @property
    def distributions(self) -> Decimal:
        return sum((p.distributions for p in self.positions), Decimal(0))

    @property
    def pnl(self) -> Decimal:
        return self.market_value - self.cost + self.distributions

    @property
    def invested(self) -> Decimal:
        return sum((p.invested for p in self.positions), Decimal(0))

    @property
    def return_rate(self) -> Decimal | None:
        return self.pnl / self.invested if self.invested > 0 else None

    @property
    def total_assets(self) -> Decimal:
        return self.cash + self.holdings_value + self.in_transit


def holdings_of(*, user) -> QuerySet[Holding]:
    """The investor's open holdings with everything valuation needs, in three queries (from the
    read replica when the request may use it: ``marketplace.db_router``)."""
    received = (
        DistributionPayment.objects.filter(holding=OuterRef("pk"))
        .values("holding")
        .annotate(total=Sum("gross"))
        .values("total")
    )
    return (
        Holding.objects.using(read_alias())
        .filter(user=user, units__gt=0)
        .annotate(
            distributions_received=Coalesce(
                Subquery(received, output_field=DecimalField(max_digits=18, decimal_places=2)),
                Decimal(0),
                output_field=DecimalField(max_digits=18, decimal_places=2),
            )
        )
        .select_related(
            "product__institution",
            "product__fund_terms",
            "product__savings_terms",
            "product__insurance_terms",
        )
        .prefetch_related(
            Prefetch("lots", queryset=Lot.objects.filter(units_remaining__gt=0)),
            Prefetch(
                "product__fee_tiers",
                queryset=FeeTier.objects.filter(schedule=FeeSchedule.REDEMPTION),
                to_attr="redemption_tiers",
            ),
        )
        .order_by("product__kind", "product__name", "pk")
    )


def _position(holding: Holding, today: dt.date) -> Position:
    product = holding.product
    # Set by holdings_of's Prefetch(to_attr=...), which the stubs cannot see.
    tiers = [Tier.of(t) for t in product.redemption_tiers]  # type: ignore[attr-defined]

    def rate_today(lot: Lot) -> Decimal | None:
        kept = pricing.kept_tiers(lot.redemption_tiers)  # the schedule it was bought under
        schedule = list(tiers if kept is None else kept)
        days = max((today - lot.acquired_on).days, 0)
        return redemption_rate(tiers=schedule, days_held=days) if schedule else None

    lots = [
        LotView(
            lot=lot,
            days_held=max((today - lot.acquired_on).days, 0),
            fee_rate_today=rate_today(lot) if product.kind == ProductKind.FUND else None,
        )
        for lot in sorted(holding.lots.all(), key=lambda lot: (lot.acquired_on, lot.pk))
    ]
    price = price_date = income = None
    if product.kind == ProductKind.FUND:
        if product.is_money_market:
            price, price_date = pricing.MONEY_MARKET_NAV, today
            income = max(
                (v.lot for v in lots if v.lot.source == "income"),
                key=lambda lot: lot.acquired_on,
                default=None,
            )
        else:
            price, price_date = product.latest_nav, product.latest_nav_date
        value = round_amount(holding.units * price) if price else holding.cost
    elif product.kind == ProductKind.SAVINGS:
        value = holding.units + sum(
            (
                pricing.savings_interest(
                    principal=v.lot.units_remaining,
                    annual_rate=v.lot.annual_rate,
                    days=min(v.days_held, ((v.lot.matures_on or today) - v.lot.acquired_on).days),
                )
                for v in lots
            ),
            Decimal(0),
        )
    else:
        value = holding.cost
    received = getattr(holding, "distributions_received", None) or Decimal(0)
    return Position(holding, price, price_date, value, lots, income, received)


def _order_total(**conditions) -> Subquery:
    """The sum of the amounts of the outer user's orders matching ``conditions``."""
    return Subquery(
        Order.objects.filter(Q(**conditions), user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=DecimalField(max_digits=18, decimal_places=2),
    )


def _account_figures(*, user, cash: bool = True) -> dict:
    """The money in transit, the first order's trade date and (``cash``) the cash balance of
    ``user``, in one query. Transit is read from the alias the holdings come from, so the two
    agree; the balance always from the primary (``marketplace.db_router``), in the same query
    when that is where the rest is read, else in a second one."""
    waiting = (
        Order.objects.filter(
            Q(status=OrderStatus.PENDING) | Q(side=Side.SELL, status=OrderStatus.CONFIRMED),
            user=OuterRef("pk"),
        )
        .order_by()
        .values("user")
        .annotate(n=Count("pk"))
        .values("n")
    )
    db = read_alias()
    balance = CashAccount.objects.filter(user=OuterRef("pk")).order_by("pk").values("balance")[:1]
    together = cash and db == DEFAULT_DB_ALIAS
    found = (
        get_user_model()
        .objects.using(db)
        .filter(pk=user.pk)
        .values(
            buying=_order_total(side=Side.BUY, status=OrderStatus.PENDING),
            selling=_order_total(side=Side.SELL, status=OrderStatus.CONFIRMED),
            waiting_orders=Subquery(waiting),
            first_trade_date=Subquery(
                Order.objects.filter(user=OuterRef("pk"))
                .order_by("trade_date")
                .values("trade_date")[:1]
            ),
            **({"cash": Subquery(balance)} if together else {}),
        )
        .first()
    )
    row: dict = dict(found or {})
    if cash and not together:
        account = CashAccount.objects.filter(user=user).first()
        row["cash"] = account.balance if account else None
    return row


def _in_transit(figures: dict) -> InTransit:
    return InTransit(
        buying=figures.get("buying") or Decimal(0),
        selling=figures.get("selling") or Decimal(0),
        orders=figures.get("waiting_orders") or 0,
    )


def in_transit_for(*, user) -> InTransit:
    """Buys placed and paid but not confirmed, and sells confirmed but not yet paid, in one
    query (units reserved by pending sells are valued with the holdings), from the alias the
    holdings come from."""
    return _in_transit(_account_figures(user=user, cash=False))


def cash_shortfall(*, user, amount: Decimal | None) -> Decimal | None:
    """How much more cash ``amount`` needs than the investor has (None: enough, or no amount):
    the checkout says so before the investor confirms."""
    if amount is None:
        return None
    account = CashAccount.objects.filter(user=user).first()
    short = amount - (account.balance if account else Decimal(0))
    return short if short > 0 else None


def portfolio_for(*, user, today: dt.date | None = None) -> Portfolio:
    """The investor's positions, cash and money in transit, valued on ``today``."""
    today = today or timezone.localdate()
    figures = _account_figures(user=user)
    return Portfolio(
        positions=[_position(h, today) for h in holdings_of(user=user)],
        cash=figures.get("cash") or Decimal(0),
        transit=_in_transit(figures),
        first_trade_date=figures.get("first_trade_date"),
    )


def position_of(*, user, product_slug: str, today: dt.date | None = None) -> Position | None:
    holding = holdings_of(user=user).filter(product__slug=product_slug).first()
    return _position(holding, today or timezone.localdate()) if holding else None


def held_product_ids(*, user) -> QuerySet:
    return Holding.objects.filter(user=user, units__gt=0).values("product_id")


def sale_estimate(*, position: Position, units: Decimal, trade_date: dt.date):
    """What selling ``units`` would pay at the latest known price, lot by lot (the order itself
    prices at NAV of its trade date at end of day)."""
    product = position.product
    lots = [
        pricing.OpenLot(
            v.lot.pk,
            v.lot.acquired_on,
            v.lot.units_remaining,
            v.lot.cost_remaining,
            v.lot.cooling_off_until,
            v.lot.matures_on,
            v.lot.annual_rate,
            v.lot.term_months,
            v.lot.early_withdrawal_rate,
            v.lot.cancellation_fee,
            redemption_tiers=pricing.kept_tiers(v.lot.redemption_tiers),
        )
        for v in position.lots
    ]
    try:
        return pricing.sale(
            product=product,
            lots=lots,
            units=units,
            nav=position.price or Decimal(1),
            tiers=[Tier.of(t) for t in product.redemption_tiers],
            trade_date=trade_date,
            asked_on=timezone.localdate(),
        )
    except pricing.NotEnoughUnitsError:
        return None
