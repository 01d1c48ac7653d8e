"""Daily valuations of an investor's holdings, rebuilt from the lots, their movements, the
orders and the NAV series in a fixed number of queries (issue 15).

Units held by a product on a day are the units of every lot acquired by then (purchases,
money-market income, reinvested distributions) less the units its sales and maturities took out
by then (a sale on its trade date, a maturity on the day it was paid). A fund is priced at its
latest NAV on or before the day (a money-market fund at 1.0000), a savings deposit at its
principal plus the simple interest accrued at its own rate (up to maturity), a policy at its
premium. A NAV correction rewrites a lot's units in place: the history uses the corrected units.

The flows are the investor's money into each holding on the day it moved the value: a
purchase's amount on its trade date (its fee shows as that day's loss), a sale's proceeds out on
its trade date, a maturity's payout out on its day, a cash distribution out on its ex-date (the
day the NAV fell by it); money-market income and reinvested distributions add units, not flows.
Those are what ``products.performance.twr`` needs (``Valuation.flow`` is money put in).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.utils import timezone

from marketplace.cache import shared_get_many, shared_key, shared_set_many
from marketplace.db_router import read_alias
from marketplace.money import round_amount
from products.models import FundType, NavPrice, Product, ProductKind
from products.performance import Valuation

from ..models import Lot, LotMovement, LotSource, MovementKind, Order, OrderStatus, Side
from ..plans.distributions.models import DistributionPayment

ZERO = Decimal(0)
ONE = Decimal(1)
DAYS_PER_YEAR = Decimal(365)
# How far before the first day the NAV series is read, so the day before a period has a price.
NAV_LOOKBACK = dt.timedelta(days=31)


class ProductInfo(NamedTuple):
    id: int
    slug: str
    name: str
    code: str
    kind: str
    fund_type: str
    risk_level: int
    institution: str

    @property
    def is_money_market(self) -> bool:
        return self.fund_type == FundType.MONEY_MARKET


@dataclass
class _LotLine:
    product_id: int
    source: str
    acquired_on: dt.date
    units: Decimal
    unit_cost: Decimal  # insurance: the premium of one policy
    annual_rate: Decimal | None
    matures_on: dt.date | None
    taken: list[tuple[dt.date, Decimal]] = field(default_factory=list)  # units out, by day

    def units_on(self, day: dt.date) -> Decimal:
        if day < self.acquired_on:
            return ZERO
        return self.units - sum((u for on, u in self.taken if on <= day), ZERO)


@dataclass
class HoldingHistory:
    """One product's valuations on the series' days, and what the figures need beside them."""

    product: ProductInfo
    valuations: list[Valuation]
    units_end: Decimal = ZERO
    price_end: Decimal | None = None
    price_end_date: dt.date | None = None
    day_change: Decimal = ZERO  # the value change of the latest NAV (or day's income)
    income: Decimal = ZERO  # money-market income inside the days (after the first)
    reinvested: Decimal = ZERO  # distributions reinvested inside the days
    cash_distributions: Decimal = ZERO  # distributions paid in cash inside the days

    @property
    def value_start(self) -> Decimal:
        return self.valuations[0].value if self.valuations else ZERO

    @property
    def value_end(self) -> Decimal:
        return self.valuations[-1].value if self.valuations else ZERO

    @property
    def flows(self) -> list[Valuation]:
        """The days after the first with money in or out."""
        return [v for v in self.valuations[1:] if v.flow]

    @property
    def touched(self) -> bool:
        return bool(self.value_start or self.value_end or self.flows)


@dataclass
class History:
    days: list[dt.date]  # the first is the base (end of the day before the period)
    holdings: list[HoldingHistory]

    @property
    def total(self) -> list[Valuation]:
        values = [ZERO] * len(self.days)
        flows = [ZERO] * len(self.days)
        for holding in self.holdings:
            for i, point in enumerate(holding.valuations):
                values[i] += point.value
                flows[i] += point.flow
        return [Valuation(d, v, f) for d, v, f in zip(self.days, values, flows, strict=True)]


def _movement_day(kind: str, trade_date: dt.date | None, created_at: dt.datetime) -> dt.date:
    if trade_date is not None and kind == MovementKind.SALE:
        return trade_date
    return timezone.localdate(created_at)


def products_and_navs(
    *, db: str, product_ids: set[int]
) -> tuple[dict[int, ProductInfo], dict[int, tuple[tuple[dt.date, ...], tuple[Decimal, ...]]]]:
    """What the valuations need of each product, the same for every investor: its
    ``ProductInfo`` and (funds priced by NAV) its whole NAV series as (dates, navs), oldest
    first. Cached by catalogue version (``marketplace.cache``: every NAV upload, correction and
    product write bumps it), per product and language; only the products missing from the
    cache are read, in two queries."""
    keys = {product_id: shared_key("valuation-product", product_id) for product_id in product_ids}
    version, found = shared_get_many(keys.values())
    cached = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = product_ids - set(cached)
    if missing:
        infos = {
            row[0]: ProductInfo(*row)
            for row in Product.objects.using(db)
            .filter(pk__in=missing)
            .order_by()
            .values_list(
                "pk", "slug", "name", "code", "kind", "fund_type", "risk_level", "institution__name"
            )
        }
        rows: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
        priced = [
            p.id for p in infos.values() if p.kind == ProductKind.FUND and not p.is_money_market
        ]
        for product_id, on, nav in (
            NavPrice.objects.using(db)
            .filter(product_id__in=priced)
            .order_by("product_id", "date")
            .values_list("product_id", "date", "nav")
        ):
            rows[product_id].append((on, nav))
        built = {
            pk: (info, tuple(on for on, _ in rows[pk]), tuple(nav for _, nav in rows[pk]))
            for pk, info in infos.items()
        }
        shared_set_many(version, {keys[pk]: value for pk, value in built.items()})
        cached.update(built)
    products = {pk: value[0] for pk, value in cached.items()}
    series = {pk: (value[1], value[2]) for pk, value in cached.items() if value[1]}
    return products, series


def history_for(*, user, base: dt.date, end: dt.date) -> History:
    """Each product the investor held or moved money in, valued at the end of ``base`` and of
    every day in (base, end] where a price or the holding changed, in four queries (all from
    the read replica when the request may use it: ``marketplace.db_router``) and one cache
    round trip for the products and their NAVs (``products_and_navs``)."""
    db = read_alias()
    lots: dict[int, _LotLine] = {}
    for pk, product_id, source, acquired_on, units, cost_remaining, rate, matures in (
        Lot.objects.using(db)
        .filter(holding__user=user, acquired_on__lte=end)
        .order_by()
        .values_list(
            "pk",
            "holding__product_id",
            "source",
            "acquired_on",
            "units",
            "cost_remaining",
            "annual_rate",
            "matures_on",
        )
    ):
        lots[pk] = _LotLine(product_id, source, acquired_on, units, cost_remaining, rate, matures)
    moved_cost: dict[int, Decimal] = defaultdict(Decimal)
    flows: dict[int, dict[dt.date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for lot_id, kind, units, gross, fee, interest, cost, trade_date, created_at in (
        LotMovement.objects.using(db)
        .filter(lot__holding__user=user, kind__in=[MovementKind.SALE, MovementKind.MATURITY])
        .order_by()
        .values_list(
            "lot_id",
            "kind",
            "units",
            "gross",
            "fee",
            "interest",
            "cost",
            "order__trade_date",
            "created_at",
        )
    ):
        moved_cost[lot_id] += cost
        line = lots.get(lot_id)
        on = _movement_day(kind, trade_date, created_at)
        if line is None or on > end:
            continue
        line.taken.append((on, units))
        if kind == MovementKind.MATURITY:
            flows[line.product_id][on] -= gross - fee + interest
    for line_id, line in lots.items():
        if line.units:
            line.unit_cost = (line.unit_cost + moved_cost[line_id]) / line.units
    for product_id, side, amount, trade_date in (
        Order.objects.using(db)
        .filter(
            user=user,
            status__in=[OrderStatus.CONFIRMED, OrderStatus.SETTLED],
            amount__isnull=False,
            trade_date__lte=end,
        )
        .order_by()
        .values_list("product_id", "side", "amount", "trade_date")
    ):
        flows[product_id][trade_date] += amount if side == Side.BUY else -amount
    cash_paid: dict[int, list[tuple[dt.date, Decimal, Decimal]]] = defaultdict(list)
    for product_id, cash, reinvested, ex_date in (
        DistributionPayment.objects.using(db)
        .filter(holding__user=user, distribution__ex_date__lte=end)
        .order_by()
        .values_list("holding__product_id", "cash", "reinvested", "distribution__ex_date")
    ):
        cash_paid[product_id].append((ex_date, cash, reinvested))
        if cash:
            flows[product_id][ex_date] -= cash
    product_ids = {line.product_id for line in lots.values()} | set(flows)
    products, series = products_and_navs(db=db, product_ids=product_ids)
    since = base - NAV_LOOKBACK
    navs: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for product_id, (dates, prices) in series.items():
        low, high = bisect.bisect_left(dates, since), bisect.bisect_right(dates, end)
        navs[product_id] = list(zip(dates[low:high], prices[low:high], strict=True))

    # The days: the base, the end, and every day in between that changed a value.
    changes = {end}
    for series in navs.values():
        changes.update(on for on, _ in series)
    for line in lots.values():
        changes.add(line.acquired_on)
        changes.update(on for on, _ in line.taken)
    for by_day in flows.values():
        changes.update(by_day)
    days = [base, *sorted(d for d in changes if base < d <= end)]

    by_product: dict[int, list[_LotLine]] = defaultdict(list)
    for line in lots.values():
        by_product[line.product_id].append(line)
    holdings = []
    for product_id in sorted(products, key=lambda pk: (products[pk].kind, products[pk].name, pk)):
        product = products[product_id]
        history = _holding_history(
            product=product,
            lines=by_product[product_id],
            navs=navs[product_id],
            flows=flows[product_id],
            days=days,
        )
        for on, cash, reinvested in cash_paid[product_id]:
            if base < on <= end:
                history.cash_distributions += cash
                history.reinvested += reinvested
        if history.touched:
            holdings.append(history)
    return History(days=days, holdings=holdings)


def _holding_history(
    *,
    product: ProductInfo,
    lines: list[_LotLine],
    navs: list[tuple[dt.date, Decimal]],
    flows: dict[dt.date, Decimal],
    days: list[dt.date],
) -> HoldingHistory:
    nav_days = [on for on, _ in navs]
    # Units held, as a running sum over the days they changed (bisect instead of a scan).
    deltas: dict[dt.date, Decimal] = defaultdict(Decimal)
    for line in lines:
        deltas[line.acquired_on] += line.units
        for on, units in line.taken:
            deltas[on] -= units
    unit_days = sorted(deltas)
    running, unit_totals = ZERO, []
    for on in unit_days:
        running += deltas[on]
        unit_totals.append(running)

    def units_on(day: dt.date) -> Decimal:
        i = bisect.bisect_right(unit_days, day)
        return unit_totals[i - 1] if i else ZERO

    def nav_on(day: dt.date) -> tuple[dt.date, Decimal] | None:
        i = bisect.bisect_right(nav_days, day)
        return navs[i - 1] if i else None

    def value_on(day: dt.date) -> Decimal:
        if product.kind == ProductKind.FUND:
            units = units_on(day)
            if product.is_money_market:
                return round_amount(units)
            price = nav_on(day)
            if price is not None:
                return round_amount(units * price[1])
            return round_amount(sum((line.units_on(day) * line.unit_cost for line in lines), ZERO))
        if product.kind == ProductKind.SAVINGS:
            total = ZERO
            for line in lines:
                principal = line.units_on(day)
                if principal:
                    held = min(day, line.matures_on or day) - line.acquired_on
                    total += principal * (
                        ONE + (line.annual_rate or ZERO) * held.days / DAYS_PER_YEAR
                    )
            return round_amount(total)
        return round_amount(sum((line.units_on(day) * line.unit_cost for line in lines), ZERO))

    def fund_values() -> list[Decimal]:
        """``value_on`` of every day of a fund, in one sweep over the (ascending) days: the
        units and the price of a day are those of the last change on or before it."""
        money_market = product.is_money_market
        values, ui, ni, units, price = [], 0, 0, ZERO, None
        for day in days:
            while ui < len(unit_days) and unit_days[ui] <= day:
                units, ui = unit_totals[ui], ui + 1
            while ni < len(nav_days) and nav_days[ni] <= day:
                price, ni = navs[ni][1], ni + 1
            if money_market:
                values.append(round_amount(units))
            elif price is not None:
                values.append(round_amount(units * price))
            else:
                values.append(value_on(day))
        return values

    end = days[-1]
    values = fund_values() if product.kind == ProductKind.FUND else [value_on(day) for day in days]
    history = HoldingHistory(
        product=product,
        valuations=[
            Valuation(day, value, flows.get(day, ZERO))
            for day, value in zip(days, values, strict=True)
        ],
        units_end=units_on(end),
    )
    history.valuations[0] = Valuation(days[0], history.valuations[0].value)  # the base: no flow
    base = days[0]
    history.income = sum(
        (
            line.units
            for line in lines
            if line.source == LotSource.INCOME and base < line.acquired_on
        ),
        ZERO,
    )
    if product.kind != ProductKind.FUND:
        if product.kind == ProductKind.SAVINGS:
            history.day_change = round_amount(
                sum(
                    (
                        line.units_on(end) * (line.annual_rate or ZERO) / DAYS_PER_YEAR
                        for line in lines
                        if not line.matures_on or line.matures_on > end
                    ),
                    ZERO,
                )
            )
        return history
    if product.is_money_market:
        history.price_end, history.price_end_date = ONE, end
        latest = max(
            (line for line in lines if line.source == LotSource.INCOME),
            key=lambda line: line.acquired_on,
            default=None,
        )
        history.day_change = latest.units if latest else ZERO
        return history
    latest_price = nav_on(end)
    if latest_price is not None:
        history.price_end_date, history.price_end = latest_price
        previous = nav_on(latest_price[0] - dt.timedelta(days=1))
        if previous is not None:
            history.day_change = round_amount(
                units_on(previous[0]) * (latest_price[1] - previous[1])
            )
    return history


def flows_between(*, history: HoldingHistory) -> tuple[Decimal, Decimal]:
    """(money put in, money taken out) over the days after the base."""
    paid_in = sum((v.flow for v in history.valuations[1:] if v.flow > 0), ZERO)
    paid_out = -sum((v.flow for v in history.valuations[1:] if v.flow < 0), ZERO)
    return paid_in, paid_out
