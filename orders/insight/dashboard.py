"""The business at a glance: an institution's dashboard (/portal/) and the platform's overview
(/staff/), computed by aggregate queries whose number does not grow with the products (issue 15).

What counts, everywhere on both pages:

* a **subscription** is a buy placed and not cancelled or rejected (pending, confirmed or
  settled), counted on the day it was placed (Asia/Shanghai) at the amount paid;
* a **redemption** is a sell placed and not cancelled or rejected; its amount is the proceeds,
  known once it is priced, so a pending sell counts in the number but not yet in the amount;
* **assets held** are the holdings' units at the latest NAV (a money-market fund at 1.0000), a
  deposit at its principal, a policy (or a fund with no NAV yet) at its cost;
* a **holder** is an investor with units in a product; a **new customer** is one whose first
  counted order with the institution (with the platform, on the staff page) was placed this month;
* **conversion** is the buys placed in the last 30 days per 100 product page views in those days
  (``products.ProductPageViewDay``: a bare daily counter, nobody tracked).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from institutions.models import Institution, InstitutionStatus
from marketplace.dates import add_months, month_start
from marketplace.money import round_amount
from products.models import FundType, Product, ProductKind, ProductPageViewDay
from products.report_selectors import reports_waiting_review
from products.selectors import review_queue as product_review_queue
from profiles.identity.selectors import identities_in_review

from ..aftersales.selectors import requests_for_staff
from ..campaigns.models import Campaign, InboxMessage
from ..models import CouponRedemption, Holding, Order, OrderStatus, RedemptionStatus, Side
from ..plans.distributions.selectors import review_queue as distribution_review_queue
from ..selectors import nav_corrections_pending, payouts_stuck

SHANGHAI = ZoneInfo("Asia/Shanghai")
COUNTED = (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SETTLED)
MONTHS = 12
CONVERSION_DAYS = 30
TOP = 5
ZERO = Decimal("0.00")
AMOUNT = DecimalField(max_digits=24, decimal_places=6)

# A holding's value at the latest NAV, computed in the database (see the module's docstring).
HOLDING_VALUE = Case(
    When(product__kind=ProductKind.FUND, product__fund_type=FundType.MONEY_MARKET, then=F("units")),
    When(
        product__kind=ProductKind.FUND,
        product__latest_nav__isnull=False,
        then=F("units") * F("product__latest_nav"),
    ),
    When(product__kind=ProductKind.SAVINGS, then=F("units")),
    default=F("cost"),
    output_field=AMOUNT,
)


@dataclass(frozen=True)
class Flow:
    """A number of orders and their amount."""

    count: int = 0
    amount: Decimal = ZERO


@dataclass(frozen=True)
class Month:
    month: dt.date
    subscriptions: Flow
    redemptions: Flow

    @property
    def net(self) -> Decimal:
        return self.subscriptions.amount - self.redemptions.amount


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    css: str
    label: str  # what a screen reader and a hover say: "2026-11: 12,000.00"


@dataclass(frozen=True)
class BarChart:
    """Subscriptions and redemptions side by side per month, as SVG rectangles (attributes, no
    inline style: the CSP forbids it)."""

    width: int
    height: int
    bars: list[Bar]
    high: Decimal
    baseline: int


@dataclass(frozen=True)
class ProductLine:
    id: int
    name: str
    slug: str
    kind: str
    views: int  # last 30 days
    orders: int  # buys placed in the last 30 days
    month: Flow  # subscriptions this month
    assets: Decimal
    holders: int

    @property
    def conversion(self) -> Decimal | None:
        """Orders per 100 views, one decimal; None without views."""
        if not self.views:
            return None
        return (Decimal(self.orders) * 100 / self.views).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class CampaignLine:
    id: int
    title: str
    status: str
    status_label: str
    launched_at: dt.datetime
    sent: int
    opened: int
    coupon_redeemed: int | None  # None: no coupon

    @property
    def open_rate(self) -> Decimal | None:
        if not self.sent:
            return None
        return (Decimal(self.opened) * 100 / self.sent).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class InstitutionLine:
    name: str
    slug: str
    month: Flow
    assets: Decimal


@dataclass(frozen=True)
class Figures:
    """What both pages show; the institution's page adds products and campaigns, the staff page
    the top institutions."""

    today: dt.date
    month_start: dt.date
    subscriptions_today: Flow
    redemptions_today: Flow
    subscriptions_month: Flow
    redemptions_month: Flow
    months: list[Month]
    chart: BarChart | None
    assets: Decimal
    holders: int
    new_customers: int
    products: list[ProductLine] = field(default_factory=list)
    campaigns: list[CampaignLine] = field(default_factory=list)
    institutions: list[InstitutionLine] = field(default_factory=list)

    @property
    def top_products(self) -> list[ProductLine]:
        """By subscriptions this month (amount, then number), only those that sold."""
        sold = [p for p in self.products if p.month.count]
        return sorted(sold, key=lambda p: (-p.month.amount, -p.month.count, p.name))[:TOP]

    @property
    def views(self) -> int:
        return sum(p.views for p in self.products)

    @property
    def orders(self) -> int:
        return sum(p.orders for p in self.products)

    @property
    def conversion(self) -> Decimal | None:
        if not self.views:
            return None
        return (Decimal(self.orders) * 100 / self.views).quantize(Decimal("0.1"))

    @property
    def conversion_rows(self) -> list[tuple[ProductLine, int]]:
        """Each product with its conversion as a bar of 0–100, the best product's full (rates
        of a few percent stay comparable at a glance), best first, then the most viewed."""
        best = max((p.conversion or 0 for p in self.products), default=0)
        ranked = sorted(self.products, key=lambda p: (-(p.conversion or -1), -p.views, p.name))
        return [(p, int(100 * (p.conversion or 0) / best) if best else 0) for p in ranked]


# --- building blocks ---------------------------------------------------------------------------


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


def _orders(institution: Institution | None) -> QuerySet[Order]:
    orders = Order.objects.filter(status__in=COUNTED)
    return orders if institution is None else orders.filter(institution=institution)


def _holdings(institution: Institution | None) -> QuerySet[Holding]:
    holdings = Holding.objects.filter(units__gt=0)
    return holdings if institution is None else holdings.filter(institution=institution)


def _flows(orders: QuerySet[Order], *, today: dt.date, first: dt.date) -> dict[str, Flow]:
    """Today's and this month's subscriptions and redemptions, in one query."""
    day = Q(placed_at__gte=_start_of(today), placed_at__lt=_start_of(today + dt.timedelta(days=1)))
    month = Q(placed_at__gte=_start_of(first))
    parts = {
        "subscriptions_today": Q(side=Side.BUY) & day,
        "redemptions_today": Q(side=Side.SELL) & day,
        "subscriptions_month": Q(side=Side.BUY) & month,
        "redemptions_month": Q(side=Side.SELL) & month,
    }
    aggregates = {}
    for name, condition in parts.items():
        aggregates[f"{name}_n"] = Count("pk", filter=condition)
        aggregates[f"{name}_amount"] = Sum("amount", filter=condition)
    row = orders.filter(placed_at__gte=_start_of(min(first, today))).aggregate(**aggregates)
    return {
        name: Flow(count=row[f"{name}_n"], amount=row[f"{name}_amount"] or ZERO) for name in parts
    }


def _months(orders: QuerySet[Order], *, first: dt.date, count: int) -> list[Month]:
    """The last ``count`` months (this one last), one grouped query."""
    starts = [add_months(first, -i) for i in range(count - 1, -1, -1)]
    rows = (
        orders.filter(placed_at__gte=_start_of(starts[0]))
        .annotate(month=TruncMonth("placed_at", tzinfo=SHANGHAI))
        .values("month", "side")
        .annotate(n=Count("pk"), amount=Sum("amount"))
        .order_by()
    )
    found: dict[tuple[dt.date, str], Flow] = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = month.astimezone(SHANGHAI).date()
        found[(month, row["side"])] = Flow(count=row["n"], amount=row["amount"] or ZERO)
    return [
        Month(
            month=start,
            subscriptions=found.get((start, Side.BUY), Flow()),
            redemptions=found.get((start, Side.SELL), Flow()),
        )
        for start in starts
    ]


def _new_customers(orders: QuerySet[Order], *, first: dt.date) -> int:
    """Investors whose first counted order (with the institution, or at all) is this month's."""
    return (
        orders.values("user")
        .annotate(first_order=Min("placed_at"))
        .filter(first_order__gte=_start_of(first))
        .count()
    )


def _assets(holdings: QuerySet[Holding]) -> tuple[Decimal, int]:
    row = holdings.aggregate(value=Sum(HOLDING_VALUE), holders=Count("user", distinct=True))
    return round_amount(row["value"] or ZERO), row["holders"]


def month_chart(months: list[Month], *, width: int = 720, height: int = 220) -> BarChart | None:
    """Two bars a month (subscriptions, redemptions) on one scale; None when nothing moved."""
    high = max((max(m.subscriptions.amount, m.redemptions.amount) for m in months), default=ZERO)
    if not high:
        return None
    pad = 4
    baseline = height - 1
    slot = Decimal(width - 2 * pad) / len(months)
    bar_width = int(slot * Decimal("0.36"))
    usable = Decimal(baseline - pad)
    bars = []
    for i, month in enumerate(months):
        left = Decimal(pad) + slot * i
        for j, (flow, css) in enumerate(
            ((month.subscriptions, "bars__in"), (month.redemptions, "bars__out"))
        ):
            tall = int(usable * flow.amount / high)
            if flow.amount and tall < 1:
                tall = 1  # a small month stays visible
            x = int(left + slot * Decimal("0.12")) + j * (bar_width + 2)
            bars.append(
                Bar(
                    x=x,
                    y=baseline - tall,
                    width=bar_width,
                    height=tall,
                    css=css,
                    label=f"{month.month:%Y-%m}: {flow.amount:,.2f}",
                )
            )
    return BarChart(width=width, height=height, bars=bars, high=high, baseline=baseline)


def _count(queryset: QuerySet, column: str = "pk", *, total: str | None = None) -> Coalesce:
    """A correlated subquery: ``Count(column)`` (or ``Sum(total)``) of ``queryset``'s rows."""
    aggregate = Sum(total) if total else Count(column)
    output = AMOUNT if total else IntegerField()
    return Coalesce(
        Subquery(
            queryset.order_by().values("product").annotate(v=aggregate).values("v"),
            output_field=output,
        ),
        Value(0),
        output_field=output,
    )


def _products(institution: Institution, *, today: dt.date, first: dt.date) -> list[ProductLine]:
    """Every product the institution has published, with its figures: two queries."""
    since = today - dt.timedelta(days=CONVERSION_DAYS - 1)
    buys = Order.objects.filter(product=OuterRef("pk"), side=Side.BUY, status__in=COUNTED)
    recent_buys = buys.filter(placed_at__gte=_start_of(since))
    month_buys = buys.filter(placed_at__gte=_start_of(first))
    views = ProductPageViewDay.objects.filter(product=OuterRef("pk"), day__gte=since)
    rows = (
        Product.objects.filter(institution=institution, published_at__isnull=False)
        .annotate(
            views_30=_count(views, total="views"),
            orders_30=_count(recent_buys),
            month_n=_count(month_buys),
            month_amount=_count(month_buys, total="amount"),
        )
        .values("pk", "name", "slug", "kind", "views_30", "orders_30", "month_n", "month_amount")
        .order_by("name", "pk")
    )
    held = {
        row["product"]: row
        for row in _holdings(institution)
        .values("product")
        .annotate(value=Sum(HOLDING_VALUE), holders=Count("user"))
        .order_by()
    }
    lines = []
    for row in rows:
        holding = held.get(row["pk"], {})
        lines.append(
            ProductLine(
                id=row["pk"],
                name=row["name"],
                slug=row["slug"],
                kind=ProductKind(row["kind"]).label,
                views=int(row["views_30"]),
                orders=row["orders_30"],
                month=Flow(count=row["month_n"], amount=round_amount(row["month_amount"])),
                assets=round_amount(holding.get("value") or ZERO),
                holders=holding.get("holders", 0),
            )
        )
    return lines


def _campaigns(institution: Institution, *, limit: int = TOP) -> list[CampaignLine]:
    """The latest launched campaigns with offers sent and opened, and the coupon redemptions
    by their recipients (held or used: what ``campaign_results`` counts), in one query."""
    recipient = InboxMessage.objects.filter(
        campaign_id=OuterRef(OuterRef("pk")), user_id=OuterRef("user_id")
    )
    redeemed = (
        CouponRedemption.objects.filter(
            coupon_id=OuterRef("coupon_id"),
            status__in=[RedemptionStatus.HELD, RedemptionStatus.USED],
        )
        .filter(Exists(recipient))
        .order_by()
        .values("coupon_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    campaigns = (
        Campaign.objects.filter(institution=institution, launched_at__isnull=False)
        .annotate(
            sent=Count("offers"),
            opened=Count("offers", filter=Q(offers__read_at__isnull=False)),
            redeemed=Coalesce(Subquery(redeemed, output_field=IntegerField()), Value(0)),
        )
        .order_by("-launched_at", "-id")[:limit]
    )
    return [
        CampaignLine(
            id=c.pk,
            title=c.title,
            status=c.status,
            status_label=c.get_status_display(),
            launched_at=c.launched_at,
            sent=c.sent,
            opened=c.opened,
            coupon_redeemed=c.redeemed if c.coupon_id else None,
        )
        for c in campaigns
    ]


def _institutions(*, first: dt.date, limit: int = TOP) -> list[InstitutionLine]:
    """The institutions with the most subscriptions this month, with the assets they hold."""
    month_buys = Order.objects.filter(
        institution=OuterRef("pk"),
        side=Side.BUY,
        status__in=COUNTED,
        placed_at__gte=_start_of(first),
    ).order_by()

    def _sum(queryset, expression, output):
        return Coalesce(
            Subquery(
                queryset.values("institution").annotate(v=expression).values("v"),
                output_field=output,
            ),
            Value(0),
            output_field=output,
        )

    held = Holding.objects.filter(institution=OuterRef("pk"), units__gt=0).order_by()
    rows = (
        Institution.objects.exclude(status__in=[InstitutionStatus.APPLIED])
        .annotate(
            month_n=_sum(month_buys, Count("pk"), IntegerField()),
            month_amount=_sum(month_buys, Sum("amount"), AMOUNT),
            assets=_sum(held, Sum(HOLDING_VALUE), AMOUNT),
        )
        .filter(Q(month_n__gt=0) | Q(assets__gt=0))
        .order_by("-month_amount", "-assets", "name")
        .values("name", "slug", "month_n", "month_amount", "assets")[:limit]
    )
    return [
        InstitutionLine(
            name=row["name"],
            slug=row["slug"],
            month=Flow(count=row["month_n"], amount=round_amount(row["month_amount"])),
            assets=round_amount(row["assets"]),
        )
        for row in rows
    ]


def _figures(institution: Institution | None, *, today: dt.date, **extra) -> Figures:
    first = month_start(today)
    orders = _orders(institution)
    flows = _flows(orders, today=today, first=first)
    months = _months(orders, first=first, count=MONTHS)
    assets, holders = _assets(_holdings(institution))
    return Figures(
        today=today,
        month_start=first,
        months=months,
        chart=month_chart(months),
        assets=assets,
        holders=holders,
        new_customers=_new_customers(orders, first=first),
        **flows,
        **extra,
    )


# --- the two pages -----------------------------------------------------------------------------


def institution_dashboard(*, institution: Institution, today: dt.date | None = None) -> Figures:
    """The institution's business, its own orders, holdings and campaigns only (tenant-scoped
    by ``institution``): eight queries, however many products it has."""
    today = today or timezone.localdate()
    return _figures(
        institution,
        today=today,
        products=_products(institution, today=today, first=month_start(today)),
        campaigns=_campaigns(institution),
    )


def platform_overview(*, today: dt.date | None = None) -> Figures:
    """The platform-wide equivalents for staff, with the top institutions this month."""
    today = today or timezone.localdate()
    return _figures(None, today=today, institutions=_institutions(first=month_start(today)))


@dataclass(frozen=True)
class Queues:
    """What waits for a staff decision, one count per queue under /staff/."""

    applications: int
    products: int
    revisions: int
    reports: int  # funds' periodic reports
    identities: int
    nav_corrections: int
    distributions: int
    requests: int  # late or escalated questions and complaints
    payouts: int

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in self.__dataclass_fields__)


def review_queues() -> Queues:
    """One count query per queue: each is the queue page's own selector, so the number on the
    overview is the number of rows its page lists."""
    products = product_review_queue()
    return Queues(
        applications=Institution.objects.filter(status=InstitutionStatus.APPLIED).count(),
        products=products["products"].count(),
        revisions=products["revisions"].count(),
        reports=reports_waiting_review().count(),
        identities=identities_in_review().count(),
        nav_corrections=nav_corrections_pending().count(),
        distributions=distribution_review_queue().count(),
        requests=requests_for_staff().count(),
        payouts=payouts_stuck().count(),
    )
