"""Reads that need orders together with profiles, products and institutions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from institutions.models import Institution
from marketplace.money import round_amount, round_nav
from products.fees import Tier, redemption_rate
from products.models import FeeSchedule, FeeTier, ProductKind
from profiles.models import AgeCohort, City, IncomeBand, InvestorProfile, RiskCategory

from . import pricing
from .audience import Table, suppress
from .models import (
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
from .payments import PAYOUT_MAX_ATTEMPTS

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


def order_list_for_institution(*, institution: Institution, params=None) -> QuerySet[Order]:
    """The institution's own orders, newest first, filtered by ``status``, ``product`` (slug),
    ``from`` and ``to`` (trade dates, YYYY-MM-DD); unknown filter values are ignored."""
    params = params or {}
    qs = Order.objects.filter(institution=institution).select_related("product", "user")
    if params.get("status") in OrderStatus.values:
        qs = qs.filter(status=params["status"])
    if params.get("product"):
        qs = qs.filter(product__slug=params["product"])
    for key, lookup in (("from", "trade_date__gte"), ("to", "trade_date__lte")):
        try:
            qs = qs.filter(**{lookup: dt.date.fromisoformat(params.get(key) or "")})
        except ValueError:
            continue
    return qs.order_by("-placed_at", "-id")


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
    counts = {}
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


def refusals_for_institution(*, institution: Institution):
    """Investors who could not buy the institution's products and why; the investor is named
    only when they are a customer who consented to share their profile."""
    refusals = list(
        PurchaseRefusal.objects.filter(institution=institution).select_related("product")[:200]
    )
    shared = dict(
        consenting_profiles()
        .filter(user__in=customer_ids_for(institution=institution))
        .filter(user__in=[r.user_id for r in refusals])
        .values_list("user_id", "full_name")
    )
    for refusal in refusals:
        refusal.customer_name = shared.get(refusal.user_id)
    return refusals


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
    def average_cost(self) -> Decimal | None:
        """Cost per unit (funds), 4 dp like a NAV."""
        return round_nav(self.holding.cost / self.holding.units) if self.holding.units else None


@dataclass
class Portfolio:
    positions: list[Position]
    cash: Decimal

    @property
    def market_value(self) -> Decimal:
        return sum((p.market_value for p in self.positions), Decimal(0))

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
        return self.market_value + self.cash


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
    tiers = [Tier.of(t) for t in product.redemption_tiers]
    lots = [
        LotView(
            lot=lot,
            days_held=max((today - lot.acquired_on).days, 0),
            fee_rate_today=(
                redemption_rate(tiers=tiers, days_held=max((today - lot.acquired_on).days, 0))
                if tiers
                else None
            ),
        )
        for lot in sorted(holding.lots.all(), key=lambda lot: (lot.acquired_on, lot.pk))
    ]
    price = price_date = income = None
    if product.kind == "fund":
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
    elif product.kind == "savings":
        rate = product.savings_terms.annual_rate
        value = holding.units + sum(
            (
                pricing.savings_interest(
                    principal=v.lot.units_remaining,
                    annual_rate=rate,
                    days=min(v.days_held, ((v.lot.matures_on or today) - v.lot.acquired_on).days),
                )
                for v in lots
            ),
            Decimal(0),
        )
    else:
        value = holding.cost
    return Position(holding, price, price_date, value, lots, income)


def portfolio_for(*, user, today: dt.date | None = None) -> Portfolio:
    today = today or timezone.localdate()
    account = CashAccount.objects.filter(user=user).first()
    return Portfolio(
        positions=[_position(h, today) for h in holdings_of(user=user)],
        cash=account.balance if account else Decimal(0),
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


def order_history(*, user, params=None) -> QuerySet[Order]:
    """The investor's orders, newest first, filtered by ``status``, ``side`` and ``kind``."""
    params = params or {}
    qs = Order.objects.filter(user=user).select_related("product", "product__institution")
    if params.get("status") in OrderStatus.values:
        qs = qs.filter(status=params["status"])
    if params.get("side") in Side.values:
        qs = qs.filter(side=params["side"])
    if params.get("kind") in ("fund", "insurance", "savings"):
        qs = qs.filter(kind=params["kind"])
    return qs.order_by("-placed_at", "-id")


# --- statements and revenue ----------------------------------------------------------------------

STATEMENT_COLUMNS = [
    ("subscriptions", "Subscriptions"),
    ("redemptions", "Redemptions paid"),
    ("fees", "Fees collected"),
    ("upfront", "Upfront commission"),
    ("trail", "Trail commission"),
    ("corrections", "Corrections"),
    ("commission", "Commission"),
]


def statements_for_institution(*, institution: Institution) -> QuerySet[Statement]:
    return Statement.objects.filter(institution=institution).order_by("-month")


def statement_rows(*, statement: Statement) -> list[dict]:
    """The statement as rows (one per product, then ``Total``): what the page, the printable
    page and the CSV all show, so they cannot disagree."""
    rows = []
    for line in statement.lines.select_related("product"):
        rows.append(
            {
                "product": line.product.name,
                "code": line.product.code,
                "kind": line.product.get_kind_display(),
                **{key: getattr(line, key) for key, _ in STATEMENT_COLUMNS},
            }
        )
    rows.append(
        {
            "product": "Total",
            "code": "",
            "kind": "",
            "subscriptions": statement.gross_subscriptions,
            "redemptions": statement.gross_redemptions,
            "fees": statement.fees_collected,
            "upfront": statement.upfront_commission,
            "trail": statement.trail_commission,
            "corrections": statement.corrections,
            "commission": statement.commission,
        }
    )
    return rows


def statements_for_staff(*, month: dt.date | None = None) -> QuerySet[Statement]:
    qs = Statement.objects.select_related("institution", "paid_by")
    if month is not None:
        qs = qs.filter(month=month.replace(day=1))
    return qs.order_by("-month", "institution__name")


def statement_totals(statements: QuerySet[Statement]) -> dict:
    fields = [
        "gross_subscriptions",
        "gross_redemptions",
        "fees_collected",
        "upfront_commission",
        "trail_commission",
        "corrections",
        "payable_to_institution",
        "payable_to_platform",
    ]
    totals = statements.aggregate(**{f: Sum(f) for f in fields})
    totals = {f: totals[f] or Decimal(0) for f in fields}
    totals["commission"] = (
        totals["upfront_commission"] + totals["trail_commission"] + totals["corrections"]
    )
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
