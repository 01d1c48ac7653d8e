"""Reads of investment plans: the investor's own only (another's plan does not exist for
them), the next purchase date, what the plan has put in and what its units are worth."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from marketplace.money import round_amount
from products.charts import LineChart, line_chart
from products.models import NavPrice

from ..calendar import holidays_between, is_trading_day
from ..models import OrderStatus
from . import schedule
from .models import InvestmentPlan, PlanPurchase, PlanStatus, PurchaseStatus

CHART_DAYS_BEFORE = 30  # the NAV chart starts this long before the first purchase
IN_MONEY = (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SETTLED)
HOLDING = (OrderStatus.CONFIRMED, OrderStatus.SETTLED)


def plans_of(*, user) -> QuerySet[InvestmentPlan]:
    return InvestmentPlan.objects.filter(user=user).select_related(
        "product", "product__institution"
    )


def plan_of(*, user, pk: int) -> InvestmentPlan:
    """One of ``user``'s plans (``InvestmentPlan.DoesNotExist`` for anyone else's)."""
    return plans_of(user=user).get(pk=pk)


def purchases_of(*, plan: InvestmentPlan) -> QuerySet[PlanPurchase]:
    return plan.purchases.select_related("order").order_by("-due_date", "-id")


def trading_checker(start: dt.date, days: int = 500) -> Callable[[dt.date], bool]:
    """``is_trading(date)`` over the staff-edited holiday table, read once for ``days``."""
    holidays = holidays_between(start - dt.timedelta(days=40), start + dt.timedelta(days=days))
    return lambda date: is_trading_day(date, holidays=holidays)


def rule_of(plan: InvestmentPlan) -> schedule.Rule:
    return schedule.Rule(
        frequency=plan.frequency,
        day=plan.day,
        anchor_date=plan.anchor_date,
        schedule_from=plan.schedule_from,
        end_date=plan.end_date,
    )


def next_purchase_date(
    *, plan: InvestmentPlan, today: dt.date | None = None, is_trading=None
) -> dt.date | None:
    """The next day the plan buys (``None`` when it is not active or has ended). A due day
    the run already handled today is behind it."""
    if plan.status != PlanStatus.ACTIVE:
        return None
    if plan.max_purchases is not None and plan.purchases_made >= plan.max_purchases:
        return None
    today = today or timezone.localdate()
    is_trading = is_trading or trading_checker(today)
    after = today
    if plan.purchases.filter(due_date=today).exists():
        after = today + dt.timedelta(days=1)
    return schedule.next_due(rule_of(plan), after=after, is_trading=is_trading)


def next_purchase_dates(*, plans: list[InvestmentPlan]) -> dict[int, dt.date | None]:
    """:func:`next_purchase_date` of each plan, in two queries whatever their number."""
    today = timezone.localdate()
    is_trading = trading_checker(today)
    done_today = set(
        PlanPurchase.objects.filter(plan__in=plans, due_date=today).values_list(
            "plan_id", flat=True
        )
    )
    dates = {}
    for plan in plans:
        if plan.status != PlanStatus.ACTIVE or (
            plan.max_purchases is not None and plan.purchases_made >= plan.max_purchases
        ):
            dates[plan.pk] = None
            continue
        after = today + dt.timedelta(days=1) if plan.pk in done_today else today
        dates[plan.pk] = schedule.next_due(rule_of(plan), after=after, is_trading=is_trading)
    return dates


@dataclass(frozen=True)
class PlanFigures:
    invested: Decimal  # placed and not cancelled or rejected (pending ones included)
    pending: Decimal  # of which waiting for confirmation (no units yet)
    cost: Decimal  # of the confirmed ones: what the units cost, fees included
    units: Decimal
    nav: Decimal | None
    nav_date: dt.date | None
    value: Decimal | None  # the plan's units at the latest NAV
    gain: Decimal | None
    gain_rate: Decimal | None
    placed: int
    skipped: int


def plan_figures(*, plan: InvestmentPlan) -> PlanFigures:
    """What the plan has put in and what its own units (those its orders bought; a money-market
    fund's daily income is on the holding, not here) are worth at the latest NAV."""
    invested = pending = cost = units = Decimal(0)
    placed = skipped = 0
    for purchase in plan.purchases.select_related("order"):
        if purchase.status == PurchaseStatus.SKIPPED:
            skipped += 1
            continue
        order = purchase.order
        if order is None or order.status not in IN_MONEY:
            continue
        placed += 1
        invested += order.amount
        if order.status in HOLDING and order.units:
            cost += order.amount
            units += order.units
        else:
            pending += order.amount
    latest = (
        NavPrice.objects.filter(product=plan.product)
        .order_by("-date")
        .values("date", "nav")
        .first()
    )
    nav = latest["nav"] if latest else None
    value = gain = rate = None
    if nav is not None and units:
        value = round_amount(units * nav)
        gain = value - cost
        rate = (gain / cost) if cost else None
    return PlanFigures(
        invested=invested,
        pending=pending,
        cost=cost,
        units=units,
        nav=nav,
        nav_date=latest["date"] if latest else None,
        value=value,
        gain=gain,
        gain_rate=rate,
        placed=placed,
        skipped=skipped,
    )


@dataclass(frozen=True)
class PurchaseMark:
    x: str
    y: str
    date: dt.date
    nav: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PlanChart:
    chart: LineChart
    marks: list[PurchaseMark]


def plan_chart(*, plan: InvestmentPlan, width: int = 720, height: int = 240) -> PlanChart | None:
    """The fund's NAV from a month before the first purchase, with a mark at each purchase's
    trade date and NAV (``products.charts``: server-side SVG, no script)."""
    orders = [
        p.order
        for p in plan.purchases.select_related("order").filter(status=PurchaseStatus.PLACED)
        if p.order is not None and p.order.status in IN_MONEY
    ]
    first = min((o.trade_date for o in orders), default=plan.start_date)
    series = list(
        NavPrice.objects.filter(
            product=plan.product, date__gte=first - dt.timedelta(days=CHART_DAYS_BEFORE)
        )
        .order_by("date")
        .values_list("date", "nav")
    )
    chart = line_chart(series, width=width, height=height)
    if chart is None:
        return None
    index = {date: i for i, (date, _nav) in enumerate(series)}
    pad, n = 8, len(series) - 1
    spread = (chart.high - chart.low) or Decimal(1)
    marks = []
    for order in sorted(orders, key=lambda o: o.trade_date):
        if order.trade_date not in index:
            continue  # its NAV is not published yet
        nav = series[index[order.trade_date]][1]
        x = pad + (width - 2 * pad) * index[order.trade_date] / n
        y = pad + (height - 2 * pad) * (1 - (nav - chart.low) / spread)
        marks.append(
            PurchaseMark(
                x=f"{x:.1f}", y=f"{y:.1f}", date=order.trade_date, nav=nav, amount=order.amount
            )
        )
    return PlanChart(chart=chart, marks=marks)
