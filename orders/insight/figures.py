"""What the dashboards count, and the aggregate queries that count it (``dashboard`` puts them on
the pages). Everywhere on both pages:

* a **subscription** is a buy placed and not cancelled or rejected (pending, confirmed or
  settled), counted on the day it was placed (Asia/Shanghai) at the amount paid;
* a **redemption** is a sell placed and not cancelled or rejected; its amount is the proceeds,
  known once it is priced, so a pending sell counts in the number but not yet in the amount;
* **assets held** are the holdings' units at the latest NAV (a money-market fund at 1.0000), a
  deposit at its principal, a policy (or a fund with no NAV yet) at its cost;
* a **holder** is an investor with units in a product; a **new customer** is one whose first
  counted order with the institution (with the platform, on the staff page) was placed this month;
* **conversion** is the buys placed in the last 30 days per 100 product page views in those days
  (``products.ProductPageViewDay``: a bare daily counter, nobody tracked)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Min,
    Q,
    QuerySet,
    Sum,
    When,
)
from django.db.models.functions import TruncMonth

from institutions.models import Institution
from marketplace.dates import add_months
from marketplace.money import round_amount
from products.models import FundType, ProductKind

from ..models import Holding, Order, OrderStatus, Side

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


def start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)


def counted_orders(institution: Institution | None) -> QuerySet[Order]:
    orders = Order.objects.filter(status__in=COUNTED)
    return orders if institution is None else orders.filter(institution=institution)


def open_holdings(institution: Institution | None) -> QuerySet[Holding]:
    holdings = Holding.objects.filter(units__gt=0)
    return holdings if institution is None else holdings.filter(institution=institution)


def flows_of(orders: QuerySet[Order], *, today: dt.date, first: dt.date) -> dict[str, Flow]:
    """Today's and this month's subscriptions and redemptions, in one query."""
    day = Q(placed_at__gte=start_of(today), placed_at__lt=start_of(today + dt.timedelta(days=1)))
    month = Q(placed_at__gte=start_of(first))
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
    row = orders.filter(placed_at__gte=start_of(min(first, today))).aggregate(**aggregates)
    return {
        name: Flow(count=row[f"{name}_n"], amount=row[f"{name}_amount"] or ZERO) for name in parts
    }


def months_of(orders: QuerySet[Order], *, first: dt.date, count: int) -> list[Month]:
    """The last ``count`` months (this one last), one grouped query."""
    starts = [add_months(first, -i) for i in range(count - 1, -1, -1)]
    rows = (
        orders.filter(placed_at__gte=start_of(starts[0]))
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


def new_customers_of(orders: QuerySet[Order], *, first: dt.date) -> int:
    """Investors whose first counted order (with the institution, or at all) is this month's."""
    return (
        orders.values("user")
        .annotate(first_order=Min("placed_at"))
        .filter(first_order__gte=start_of(first))
        .count()
    )


def assets_of(holdings: QuerySet[Holding]) -> tuple[Decimal, int]:
    row = holdings.aggregate(value=Sum(HOLDING_VALUE), holders=Count("user", distinct=True))
    return round_amount(row["value"] or ZERO), row["holders"]
