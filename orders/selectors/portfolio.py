"""Reads that need orders together with profiles, products and institutions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from institutions.models import Institution
from marketplace.dates import month_start
from marketplace.money import round_amount, round_nav
from products.fees import Tier, redemption_rate
from products.models import FeeSchedule, FeeTier, ProductKind
from profiles.models import AgeCohort, City, IncomeBand, InvestorProfile, RiskCategory

from .. import pricing
from ..audience import Table, suppress
from ..filters import InstitutionOrderFilter, InvestorOrderFilter
from ..models import (
    CashAccount,
    CommissionEntry,
    Holding,
    Lot,
    Order,
    OrderStatus,
    Payment,
    PaymentDirection,
    PaymentStatus,
    PurchaseRefusal,
    Side,
    Statement,
)
from ..payments import PAYOUT_MAX_ATTEMPTS
from ..statement_figures import COLUMNS, PAYABLE_FIELDS, STATEMENT_FIELDS, StatementFigures

# The dimensions an institution may cross, two at a time.
DIMENSIONS: dict[str, tuple[str, list[tuple]]] = {
    "risk_level": ("Risk level", [(v, f"C{v}") for v in RiskCategory.values]),
    "age_cohort": ("Age cohort", AgeCohort.choices),
    "city": ("City", City.choices),
    "income_band": ("Income", IncomeBand.choices),
}
NOT_GIVEN = "__none__"
DIMENSION_UNKNOWN = "Choose two different dimensions among: {names}."


def customer_ids_for(*, institution: Institution) -> QuerySet:
    """Investors who ordered (and so may hold) the institution's products."""
    return Order.objects.filter(institution=institution).values("user").distinct()


def _filtered(filterset: django_filters.FilterSet) -> QuerySet[Order]:
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def order_list_for_institution(
    *, institution: Institution, params: Mapping[str, Any] | None = None
) -> QuerySet[Order]:
    """The institution's own orders, newest first; with ``params``, filtered by
    :class:`~orders.filters.InstitutionOrderFilter` (``status``, ``product`` slug, ``from``,
    ``to``). A bad filter value raises ``ValidationError`` (field → messages)."""
    qs = (
        Order.objects.filter(institution=institution)
        .select_related("product", "user")
        .order_by("-placed_at", "-id")
    )
    if params is None:
        return qs
    return _filtered(InstitutionOrderFilter(params, queryset=qs, institution=institution))


def customer_list_for_institution(*, institution: Institution) -> QuerySet[InvestorProfile]:
    """The institution's own customers who consented to share their profile (never their
    questionnaire answers), with how many orders and how much they placed with it."""
    return (
        consenting_profiles()
        .filter(user__in=customer_ids_for(institution=institution))
        .select_related("user")
        .annotate(
            orders_count=Count("user__orders", filter=Q(user__orders__institution=institution)),
            orders_amount=Sum(
                "user__orders__amount",
                filter=Q(user__orders__institution=institution, user__orders__side="buy"),
            ),
        )
        .order_by("-orders_amount", "user_id")
    )


def consenting_profiles() -> QuerySet[InvestorProfile]:
    """Investors who agreed to share their profile with institutions (and still exist)."""
    return InvestorProfile.objects.filter(
        share_profile_with_institutions=True,
        user__is_active=True,
        anonymised_at__isnull=True,
    )


@dataclass(frozen=True)
class AudienceReport:
    rows_dimension: str
    cols_dimension: str
    rows: list[tuple[str, str]]  # (value, label)
    cols: list[tuple[str, str]]
    customers: Table
    others: Table


def _table(queryset, rows_dim: str, cols_dim: str, rows, cols) -> Table:
    counts: dict[tuple[str, str], int] = {}
    for row in queryset.values(rows_dim, cols_dim).annotate(n=Count("pk")).order_by():
        key = (str(row[rows_dim] or NOT_GIVEN), str(row[cols_dim] or NOT_GIVEN))
        counts[key] = counts.get(key, 0) + row["n"]
    return suppress(counts, [str(v) for v, _ in rows], [str(v) for v, _ in cols])


def audience_report(*, institution: Institution, rows_dim: str, cols_dim: str) -> AudienceReport:
    """Consenting investors crossed by two dimensions, split into the institution's own
    customers and everyone else; every cell under 20 people is suppressed."""
    if rows_dim not in DIMENSIONS or cols_dim not in DIMENSIONS or rows_dim == cols_dim:
        names = ", ".join(label.lower() for label, _ in DIMENSIONS.values())
        raise ValueError(DIMENSION_UNKNOWN.format(names=names))
    rows = [*DIMENSIONS[rows_dim][1], (NOT_GIVEN, "Not given")]
    cols = [*DIMENSIONS[cols_dim][1], (NOT_GIVEN, "Not given")]
    customers = customer_ids_for(institution=institution)
    population = consenting_profiles()
    return AudienceReport(
        rows_dimension=rows_dim,
        cols_dimension=cols_dim,
        rows=[(str(v), str(label)) for v, label in rows],
        cols=[(str(v), str(label)) for v, label in cols],
        customers=_table(population.filter(user__in=customers), rows_dim, cols_dim, rows, cols),
        others=_table(population.exclude(user__in=customers), rows_dim, cols_dim, rows, cols),
    )


def refusals_for_institution(*, institution: Institution) -> list[PurchaseRefusal]:
    """Investors who could not buy the institution's products and why; the investor is named
    only when they are a customer who consented to share their profile."""
    shared_name = (
        consenting_profiles()
        .filter(user=OuterRef("user"), user__in=customer_ids_for(institution=institution))
        .values("full_name")[:1]
    )
    return list(
        PurchaseRefusal.objects.filter(institution=institution)
        .select_related("product")
        .annotate(customer_name=Subquery(shared_name))[:200]
    )


# --- the investor's portfolio ------------------------------------------------------------------


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

    @property
    def product(self):
        return self.holding.product

    @property
    def cost(self) -> Decimal:
        return self.holding.cost

    @property
    def pnl(self) -> Decimal:
        return self.market_value - self.holding.cost

    @property
    def return_rate(self) -> Decimal | None:
        return self.pnl / self.holding.cost if self.holding.cost else None

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
    def pnl(self) -> Decimal:
        return self.market_value - self.cost

    @property
    def return_rate(self) -> Decimal | None:
        return self.pnl / self.cost if self.cost else None

    @property
    def total_assets(self) -> Decimal:
        return self.cash + self.holdings_value + self.in_transit


def holdings_of(*, user) -> QuerySet[Holding]:
    """The investor's open holdings with everything valuation needs, in three queries."""
    return (
        Holding.objects.filter(user=user, units__gt=0)
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
    return Position(holding, price, price_date, value, lots, income)


def in_transit_for(*, user) -> InTransit:
    """Buys placed and paid but not confirmed, and sells confirmed but not yet paid, in one
    query (units reserved by pending sells are valued with the holdings)."""
    figures = Order.objects.filter(user=user).aggregate(
        buying=Sum("amount", filter=Q(side=Side.BUY, status=OrderStatus.PENDING)),
        selling=Sum("amount", filter=Q(side=Side.SELL, status=OrderStatus.CONFIRMED)),
        orders=Count(
            "pk",
            filter=Q(status=OrderStatus.PENDING) | Q(side=Side.SELL, status=OrderStatus.CONFIRMED),
        ),
    )
    return InTransit(
        buying=figures["buying"] or Decimal(0),
        selling=figures["selling"] or Decimal(0),
        orders=figures["orders"] or 0,
    )


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
    account = CashAccount.objects.filter(user=user).first()
    return Portfolio(
        positions=[_position(h, today) for h in holdings_of(user=user)],
        cash=account.balance if account else Decimal(0),
        transit=in_transit_for(user=user),
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


def order_history(*, user, params: Mapping[str, Any] | None = None) -> QuerySet[Order]:
    """The investor's orders, newest first, for the orders page and the API alike; with
    ``params``, filtered by :class:`~orders.filters.InvestorOrderFilter` (``status``, ``side``,
    ``kind``). A bad filter value raises ``ValidationError`` (field → messages)."""
    qs = (
        Order.objects.filter(user=user)
        .select_related("product", "product__institution")
        .prefetch_related("lot_movements__lot")
        .order_by("-placed_at", "-id")
    )
    if params is None:
        return qs
    return _filtered(InvestorOrderFilter(params, queryset=qs))


# --- statements and revenue ----------------------------------------------------------------------

STATEMENT_COLUMNS = COLUMNS


def statements_for_institution(*, institution: Institution) -> QuerySet[Statement]:
    return Statement.objects.filter(institution=institution).order_by("-month")


def _statement_row(product: str, code: str, kind: str, figures: StatementFigures) -> dict:
    return {
        "product": product,
        "code": code,
        "kind": kind,
        **figures._asdict(),
        "commission": figures.commission,
    }


def statement_rows(*, statement: Statement) -> list[dict]:
    """The statement as rows (one per product, with its name, code and kind as they were at
    closing, then ``Total``): what the page, the printable page and the CSV all show, so they
    cannot disagree."""
    rows = [
        _statement_row(
            line.product_name, line.product_code, line.get_product_kind_display(), line.figures
        )
        for line in statement.lines.all()
    ]
    rows.append(_statement_row("Total", "", "", statement.figures))
    return rows


def statements_for_staff(*, month: dt.date | None = None) -> QuerySet[Statement]:
    qs = Statement.objects.select_related("institution", "paid_by")
    if month is not None:
        qs = qs.filter(month=month_start(month))
    return qs.order_by("-month", "institution__name")


def statement_totals(statements: QuerySet[Statement]) -> dict:
    """The statements' figures added up, by the statement's field names (and ``commission``)."""
    fields = [*STATEMENT_FIELDS.values(), *PAYABLE_FIELDS]
    sums = statements.aggregate(**{f: Sum(f) for f in fields})
    totals = {f: sums[f] or Decimal(0) for f in fields}
    figures = StatementFigures(*(totals[STATEMENT_FIELDS[n]] for n in StatementFigures._fields))
    totals["commission"] = figures.commission
    return totals


@dataclass
class RevenueReport:
    start: dt.date
    end: dt.date
    by_day: list[tuple[dt.date, Decimal]]
    by_institution: list[tuple[str, Decimal]]
    by_kind: list[tuple[str, Decimal]]
    total: Decimal


def revenue_report(*, days: int = 30, today: dt.date | None = None) -> RevenueReport:
    """Platform revenue (commission entries, corrections included) over the last ``days``: per
    day (every day, zero where nothing was earned), per institution and per product kind."""
    end = today or timezone.localdate()
    start = end - dt.timedelta(days=days - 1)
    entries = CommissionEntry.objects.filter(accrual_date__gte=start, accrual_date__lte=end)
    per_day = dict(
        entries.values("accrual_date").annotate(t=Sum("amount")).values_list("accrual_date", "t")
    )
    by_day = [
        (start + dt.timedelta(days=i), per_day.get(start + dt.timedelta(days=i)) or Decimal(0))
        for i in range(days)
    ]
    by_institution = list(
        entries.values("institution__name")
        .annotate(t=Sum("amount"))
        .order_by("-t")
        .values_list("institution__name", "t")
    )
    kinds = dict(ProductKind.choices)
    by_kind = [
        (kinds.get(kind, kind), total)
        for kind, total in entries.values("product__kind")
        .annotate(t=Sum("amount"))
        .order_by("-t")
        .values_list("product__kind", "t")
    ]
    return RevenueReport(
        start=start,
        end=end,
        by_day=by_day,
        by_institution=by_institution,
        by_kind=by_kind,
        total=sum((t for _, t in by_day), Decimal(0)),
    )


# --- payments -------------------------------------------------------------------------------

PAYOUT_STUCK_AFTER = dt.timedelta(hours=24)


def payouts_stuck(*, now: dt.datetime | None = None) -> QuerySet[Payment]:
    """Payouts still pending that retrying no longer resolves: every attempt used, no attempt
    scheduled (a retry that died mid-call), or pending for over a day. Staff settle them."""
    now = now or timezone.now()
    return (
        Payment.objects.filter(direction=PaymentDirection.WITHDRAWAL, status=PaymentStatus.PENDING)
        .filter(
            Q(attempts__gte=PAYOUT_MAX_ATTEMPTS)
            | Q(next_attempt_at__isnull=True)
            | Q(created_at__lt=now - PAYOUT_STUCK_AFTER)
        )
        .select_related("user")
        .order_by("created_at", "pk")
    )
