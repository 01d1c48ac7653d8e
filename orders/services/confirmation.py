"""Confirming pending orders at end of day: a fund order at NAV of its own trade date (never
another day's), savings and insurance as they are; buys become lots, sells take lots oldest
first and pay their proceeds. Orders are read in keyset batches, priced in memory by
``orders.pricing`` and written back with a handful of bulk statements per batch."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import cast

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from marketplace.bulk import bulk_insert, bulk_update, lock_by_keys, next_ids
from marketplace.tasks import enqueue
from products.fees import Tier
from products.models import FeeSchedule, FundType, NavPrice, Product, ProductKind

from .. import pricing
from ..coupons import services as coupons
from ..models import (
    EntryKind,
    Holding,
    Lot,
    LotMovement,
    LotSource,
    MovementKind,
    Order,
    OrderEvent,
    OrderStatus,
    Side,
)
from ..rows import (
    HoldingFiguresRow,
    HoldingKey,
    LockedHoldingRow,
    LotMovementRow,
    LotRemainingRow,
    LotRow,
    NewHoldingRow,
    OrderEventRow,
)
from .cash.ledger import Credit, post_credits

NO_UNITS = gettext_noop("The amount buys no units after fees at this NAV; the money is refunded.")
HOLDING_SHORT = gettext_noop("The holding no longer has these units; nothing was sold.")
SWITCH_NO_UNITS = gettext_noop(
    "The switch's proceeds buy no units of the fund switched to at this NAV: both orders are "
    "rejected and the units are available again."
)
SWITCH_SHORT = gettext_noop(
    "The holding no longer has these units: both orders of the switch are rejected."
)


_ORDER_FIELDS = (
    "pk",
    "user_id",
    "product_id",
    "institution_id",
    "kind",
    "side",
    "amount",
    "units",
    "trade_date",
    "placed_at",
    "subscription_rate",
    "subscription_fixed_fee",
    "redemption_tiers",
    "annual_rate",
    "term_months",
    "early_withdrawal_rate",
    "cancellation_fee",
    "fee",
    "fee_rate",
    "discount",
    "switch_id",
)


@dataclass(frozen=True)
class _Order:
    id: int
    user_id: int
    product_id: int
    institution_id: int
    kind: str
    side: str
    amount: Decimal | None
    units: Decimal | None
    trade_date: dt.date
    placed_at: dt.datetime
    # what the buy agreed to at placement (see Order)
    subscription_rate: Decimal | None = None
    subscription_fixed_fee: Decimal | None = None
    redemption_tiers: list | None = None
    annual_rate: Decimal | None = None
    term_months: int | None = None
    early_withdrawal_rate: Decimal | None = None
    cancellation_fee: Decimal | None = None
    # a coupon's discounted fee, fixed at placement (``discount`` None: no coupon)
    fee: Decimal | None = None
    fee_rate: Decimal | None = None
    discount: Decimal | None = None
    switch_id: int | None = None  # one leg of a switch: confirmed with the other, or not at all


@dataclass
class _Terms:
    """What pricing needs of one product."""

    kind: str
    money_market: bool
    subscription: list[Tier]
    redemption: list[Tier]
    product: Product


@dataclass
class BatchWrites:
    """Everything one batch changes, written in bulk at the end."""

    now: dt.datetime
    day: dt.date | None = None  # the business day confirming (None: not confirming orders)
    orders: dict[tuple, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    events: list[OrderEventRow] = field(default_factory=list)
    new_lots: list[LotRow] = field(default_factory=list)
    lots: dict[int, LotRemainingRow] = field(default_factory=dict)
    movements: list[LotMovementRow] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    # orders whose coupon redemption is now used (confirmed) or released (rejected)
    coupons_used: list[int] = field(default_factory=list)
    coupons_released: list[int] = field(default_factory=list)
    holdings: dict[tuple[int, int], HoldingState] = field(default_factory=dict)
    new_holdings: dict[int, tuple[int, str]] = field(
        default_factory=dict
    )  # id → (institution, kind)

    def order(self, order_id: int, status: str, **values) -> None:
        """Set ``status`` and ``values`` on the order; orders changed alike are written together."""
        self.orders["id", "status", *values].append((order_id, status, *values.values()))

    def event(self, order_id: int, from_status: str, to_status: str, reason: str) -> None:
        self.events.append(OrderEventRow(order_id, from_status, to_status, reason, self.now))

    def flush(self) -> None:
        holdings = self.holdings.values()
        bulk_insert(
            Holding,
            [
                NewHoldingRow(
                    id=h.pk,
                    user_id=h.user_id,
                    product_id=h.product_id,
                    institution_id=self.new_holdings[h.pk][0],
                    kind=self.new_holdings[h.pk][1],
                    units=h.units,
                    reserved=h.reserved,
                    cost=h.cost,
                    opened_at=self.now,
                    updated_at=self.now,
                )
                for h in holdings
                if h.pk in self.new_holdings
            ],
        )
        bulk_update(
            Holding,
            [
                HoldingFiguresRow(h.pk, h.units, h.reserved, h.cost, self.now)
                for h in holdings
                if h.pk not in self.new_holdings
            ],
        )
        # Orders changed alike share the keyword names their values were given under.
        for fields, rows in self.orders.items():
            bulk_update(Order, rows, fields=fields)
        bulk_insert(OrderEvent, self.events)
        bulk_insert(Lot, self.new_lots)
        bulk_update(Lot, list(self.lots.values()))
        bulk_insert(LotMovement, self.movements)
        # Coupons before cash: the order every placing and cancelling transaction locks in.
        coupons.coupon_redemptions_use(order_ids=self.coupons_used, now=self.now)
        coupons.coupon_redemptions_release(order_ids=self.coupons_released, now=self.now)
        post_credits(self.credits)


def _terms_for(product_ids: Iterable[int]) -> dict[int, _Terms]:
    products = (
        Product.objects.filter(pk__in=set(product_ids))
        .select_related("fund_terms", "savings_terms", "insurance_terms")
        .prefetch_related("fee_tiers")
    )
    terms = {}
    for product in products:
        tiers: dict[str, list[Tier]] = {FeeSchedule.SUBSCRIPTION: [], FeeSchedule.REDEMPTION: []}
        for t in product.fee_tiers.all():
            tiers[t.schedule].append(Tier.of(t))
        money_market = product.fund_type == FundType.MONEY_MARKET
        terms[product.pk] = _Terms(
            kind=product.kind,
            money_market=money_market,
            subscription=[] if money_market else tiers[FeeSchedule.SUBSCRIPTION],
            redemption=[] if money_market else tiers[FeeSchedule.REDEMPTION],
            product=product,
        )
    return terms


@dataclass
class HoldingState:
    """The part of a locked holding a batch changes."""

    pk: int
    user_id: int
    product_id: int
    units: Decimal
    reserved: Decimal
    cost: Decimal


def _lock_holdings(orders: list[_Order], writes: BatchWrites) -> None:
    """Lock the holdings of these orders' (user, product) pairs in id order (one SELECT … FOR
    UPDATE); pairs without one get a new holding, with an id reserved now and inserted with its
    final figures when the batch is written."""
    pairs = {HoldingKey(o.user_id, o.product_id): o for o in orders}
    rows = lock_by_keys(Holding, pairs, row_type=LockedHoldingRow)
    writes.holdings = {
        (row.user_id, row.product_id): HoldingState(
            row.id, row.user_id, row.product_id, row.units, row.reserved, row.cost
        )
        for row in rows
    }
    missing = [pair for pair in pairs if pair not in writes.holdings]
    for pair, pk in zip(missing, next_ids(Holding, len(missing)), strict=True):
        order = pairs[pair]
        writes.holdings[pair] = HoldingState(
            pk, pair.user_id, pair.product_id, Decimal(0), Decimal(0), Decimal(0)
        )
        writes.new_holdings[pk] = (order.institution_id, order.kind)


# The terms a lot keeps from its order, read in this order (``open_lot``'s last arguments).
_LOT_TERMS = (
    "redemption_tiers",
    "annual_rate",
    "term_months",
    "early_withdrawal_rate",
    "cancellation_fee",
)


def open_lot(
    pk,
    acquired_on,
    units,
    cost,
    cooling_off_until,
    matures_on,
    tiers,
    annual_rate,
    term_months,
    early_withdrawal_rate,
    cancellation_fee,
) -> pricing.OpenLot:
    """A lot as pricing sees it, from its columns (``OPEN_LOT_FIELDS`` order)."""
    return pricing.OpenLot(
        pk,
        acquired_on,
        units,
        cost,
        cooling_off_until,
        matures_on,
        annual_rate,
        term_months,
        early_withdrawal_rate,
        cancellation_fee,
        redemption_tiers=pricing.kept_tiers(tiers),
    )


OPEN_LOT_FIELDS = (
    "acquired_on",
    "units_remaining",
    "cost_remaining",
    "cooling_off_until",
    "matures_on",
    *_LOT_TERMS,
)


def open_lots_of(holding_ids: Iterable[int]) -> dict[int, list[pricing.OpenLot]]:
    lots = defaultdict(list)
    rows = Lot.objects.filter(holding_id__in=set(holding_ids), units_remaining__gt=0).values_list(
        "pk", "holding_id", *OPEN_LOT_FIELDS
    )
    for pk, holding_id, *columns in rows:
        lots[holding_id].append(open_lot(pk, *columns))
    return lots


def _navs_locked(
    product_ids: set[int], days: set[dt.date], *, shared: bool
) -> dict[tuple[int, dt.date], Decimal]:
    """NAV(T) of these funds and days, locked against corrections until the batch commits.

    ``shared``: an end-of-day part, beside others that price with the same NAVs. It locks them
    ``FOR SHARE`` (parts never wait for each other; a correction waits for all of them) and
    uses only the NAVs the run stamped when it opened (``end_of_day_parts.run_open``): a NAV
    uploaded after that waits for the next run, so no part ever has to write a NAV row."""
    if not product_ids or not days:
        return {}
    which = NavPrice.objects.filter(product_id__in=product_ids, date__in=days)
    if not shared:
        rows = which.select_for_update().values_list("product_id", "date", "nav")
        return {(product_id, day): nav for product_id, day, nav in rows}
    which = which.filter(priced_at__isnull=False)
    if connection.vendor != "postgresql":
        return {(p, d): nav for p, d, nav in which.values_list("product_id", "date", "nav")}
    sql, params = which.values_list("product_id", "date", "nav").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} FOR SHARE", params)
        return {(product_id, day): nav for product_id, day, nav in cursor.fetchall()}


def confirm_orders(
    *,
    orders: QuerySet,
    business_date: dt.date,
    stats: Counter,
    limit: int | None = None,
    part_users: tuple[int, int] | None = None,
) -> int | None:
    """Confirm the pending ones among ``orders`` (the first ``limit`` by id) that can be priced,
    as of ``business_date``; leave the rest. Returns the last id looked at (None: there was
    nothing pending).

    Fund orders price at NAV(T) of their own trade date (money-market funds at 1.0000) and stay
    pending while it is missing; savings and insurance orders confirm as they are. Buys become
    lots in the investor's holding; sells take units out of lots (FIFO for funds and savings,
    newest policy first for insurance), are paid into cash and settle. Call inside a transaction.

    ``part_users``: called by an end-of-day part for the investors of that user-id range (the
    range's orders, and their holdings and cash, are no other part's): NAVs are read shared,
    and the upfront commission handed over is that range's.
    """
    now = timezone.now()
    pending = (
        orders.select_for_update()
        .filter(status=OrderStatus.PENDING)
        .order_by("pk")
        .values_list(*_ORDER_FIELDS)
    )
    orders = [_Order(*row) for row in (pending[:limit] if limit else pending)]
    if not orders:
        return None
    last_id = orders[-1].id
    orders += _switch_partners(orders)
    terms = _terms_for(o.product_id for o in orders)
    navs = _navs_locked(
        {o.product_id for o in orders if o.kind == ProductKind.FUND},
        {o.trade_date for o in orders if o.kind == ProductKind.FUND},
        shared=part_users is not None,
    )

    def nav_of(order: _Order) -> Decimal | None:
        if terms[order.product_id].money_market:
            return pricing.MONEY_MARKET_NAV
        return navs.get((order.product_id, order.trade_date))

    legs: dict[int, dict[str, _Order]] = defaultdict(dict)
    for o in orders:
        if o.switch_id is not None:
            legs[o.switch_id][o.side] = o

    def priceable(order: _Order) -> bool:
        if order.switch_id is None:
            return order.kind != ProductKind.FUND or nav_of(order) is not None
        # A switch waits until both funds have NAV(T): its legs confirm together or not at all.
        pair = legs[order.switch_id]
        return len(pair) == 2 and all(nav_of(leg) is not None for leg in pair.values())

    ready = sorted((o for o in orders if priceable(o)), key=lambda o: o.id)
    stats["waiting_for_nav"] += len(orders) - len(ready)
    if not ready:
        return last_id
    writes = BatchWrites(now=now, day=business_date)
    _lock_holdings(ready, writes)
    lots = open_lots_of(
        writes.holdings[o.user_id, o.product_id].pk for o in ready if o.side == Side.SELL
    )
    rates = _switch_rates({o.switch_id for o in ready if o.switch_id is not None})
    for order in ready:
        holding = writes.holdings[order.user_id, order.product_id]
        if order.switch_id is not None:
            if order.side == Side.SELL:  # the pair, once (its buy is skipped below)
                buy = legs[order.switch_id][Side.BUY]
                # A ready pair has both NAVs of its trade date.
                nav_a, nav_b = cast(Decimal, nav_of(order)), cast(Decimal, nav_of(buy))
                _confirm_switch(
                    order,
                    buy,
                    terms,
                    (nav_a, nav_b),
                    writes,
                    lots[holding.pk],
                    rates[order.switch_id],
                    stats,
                )
            continue
        if order.side == Side.BUY:
            _confirm_buy(order, terms[order.product_id], nav_of(order), holding, writes, stats)
        else:
            _confirm_sell(
                order,
                terms[order.product_id],
                nav_of(order),
                holding,
                lots[holding.pk],
                writes,
                stats,
            )
    writes.flush()
    if part_users is None:  # a part's NAVs were stamped when its run opened
        _mark_navs_priced(
            {
                (o.product_id, o.trade_date)
                for o in ready
                if o.kind == ProductKind.FUND and not terms[o.product_id].money_market
            },
            now,
        )
    if any(o.side == Side.BUY or o.kind == ProductKind.INSURANCE for o in ready):
        # Upfront commission (and corrections) for what this batch confirmed; the outbox row
        # commits with the batch, so the work cannot be lost. A part's covers its investors
        # only: the id range alone would take in other parts' orders between its ids.
        if part_users is None:
            enqueue("orders.tasks.commission_entries_write", ready[0].id, ready[-1].id)
        else:
            first_user, last_user = part_users
            enqueue(
                "orders.tasks.commission_entries_write",
                ready[0].id,
                ready[-1].id,
                first_user=first_user,
                last_user=last_user,
            )
    return last_id


def _switch_partners(orders: list[_Order]) -> list[_Order]:
    """The pending other legs of the switches among ``orders`` that are not in them (a batch
    boundary, or a caller's filter, may fall between a switch's sell and its buy)."""
    switch_ids = {o.switch_id for o in orders if o.switch_id is not None}
    if not switch_ids:
        return []
    rows = (
        Order.objects.select_for_update()
        .filter(switch_id__in=switch_ids, status=OrderStatus.PENDING)
        .exclude(pk__in=[o.id for o in orders])
        .order_by("pk")
        .values_list(*_ORDER_FIELDS)
    )
    return [_Order(*row) for row in rows]


def _switch_rates(switch_ids: set[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """Each switch's subscription rates of its two funds, as kept when it was placed."""
    if not switch_ids:
        return {}
    rows = Order.objects.filter(switch_id__in=switch_ids, side=Side.BUY).values_list(
        "switch_id", "switch__from_subscription_rate", "switch__to_subscription_rate"
    )
    return {switch_id: (from_rate, to_rate) for switch_id, from_rate, to_rate in rows}


def _current_lots(open_lots, writes: BatchWrites) -> list[pricing.OpenLot]:
    return [
        replace(lot, units=units, cost=cost)
        for lot in open_lots
        for units, cost in [_remaining(writes.lots.get(lot.id), lot)]
    ]


def _confirm_switch(
    sell: _Order,
    buy: _Order,
    terms: dict[int, _Terms],
    navs: tuple[Decimal, Decimal],
    writes: BatchWrites,
    open_lots,
    rates: tuple[Decimal, Decimal],
    stats,
) -> None:
    """Confirm a switch's two legs together: A's sale at NAV_A(T) as any sell, its proceeds
    then buy B at NAV_B(T) less the switch's difference fee (``pricing.switch_fee``). Priced
    first, written only when both can be: otherwise both are rejected and the units released."""
    nav_a, nav_b = navs
    sell_terms, buy_terms = terms[sell.product_id], terms[buy.product_id]
    holding_a = writes.holdings[sell.user_id, sell.product_id]
    holding_b = writes.holdings[buy.user_id, buy.product_id]
    try:
        sale = pricing.sale(
            product=sell_terms.product,
            lots=_current_lots(open_lots, writes),
            units=cast(Decimal, sell.units),  # a sell always names its units
            nav=nav_a,
            tiers=sell_terms.redemption,
            trade_date=sell.trade_date,
            asked_on=timezone.localdate(sell.placed_at),
        )
    except pricing.NotEnoughUnitsError:
        _reject_switch(sell, buy, holding_a, writes, stats, SWITCH_SHORT)
        return
    from_rate, to_rate = rates
    fee = pricing.switch_fee(
        redemption_fee=sale.fee, proceeds=sale.paid, from_rate=from_rate, to_rate=to_rate
    )
    bought = pricing.switch_units(fee=fee, nav=nav_b)
    if bought.units <= 0:
        _reject_switch(sell, buy, holding_a, writes, stats, SWITCH_NO_UNITS)
        return
    _confirm_sell(sell, sell_terms, nav_a, holding_a, open_lots, writes, stats)
    writes.order(
        buy.id,
        OrderStatus.CONFIRMED,
        amount=fee.amount,
        units=bought.units,
        fee=fee.difference_fee,
        fee_rate=fee.difference_rate,
        net_amount=bought.net,
        nav=nav_b,
        confirmed_at=writes.now,
        confirmed_on=writes.day,
    )
    writes.event(
        buy.id,
        OrderStatus.PENDING,
        OrderStatus.CONFIRMED,
        f"Switch confirmed at NAV {nav_b} of {buy.trade_date}: {bought.units} units for "
        f"{fee.amount} from the sale of {sell_terms.product.name}.",
    )
    agreed = _agreed_lot_terms(buy, buy_terms)
    writes.new_lots.append(
        LotRow(
            holding_id=holding_b.pk,
            order_id=buy.id,
            source=LotSource.PURCHASE,
            acquired_on=buy.trade_date,
            units=bought.units,
            units_remaining=bought.units,
            cost_remaining=fee.amount,
            matures_on=None,
            cooling_off_until=None,
            redemption_tiers=agreed.get("redemption_tiers"),
            annual_rate=None,
            term_months=None,
            early_withdrawal_rate=None,
            cancellation_fee=None,
        )
    )
    holding_b.units += bought.units
    holding_b.cost += fee.amount
    # The sale's proceeds (credited by _confirm_sell, just before) pay for the buy.
    writes.credits.append(
        Credit(
            buy.user_id,
            EntryKind.PURCHASE,
            -fee.amount,
            f"order:{buy.id}",
            f"Switch into {buy_terms.product.name}",
        )
    )
    stats["confirmed"] += 1
    stats["switches_confirmed"] += 1


def _reject_switch(sell: _Order, buy: _Order, holding_a, writes: BatchWrites, stats, reason):
    """Neither leg confirms: both rejected, the sale's units available again (no cash moved)."""
    for leg in (sell, buy):
        writes.order(leg.id, OrderStatus.REJECTED)
        writes.event(leg.id, OrderStatus.PENDING, OrderStatus.REJECTED, reason)
    holding_a.reserved = max(holding_a.reserved - sell.units, Decimal(0))
    stats["rejected"] += 2
    stats["switches_rejected"] += 1


def _mark_navs_priced(pairs: set[tuple[int, dt.date]], now: dt.datetime) -> None:
    """Stamp the NAVs that just priced orders: uploads may no longer change them (only a
    staff-approved correction can)."""
    if not pairs:
        return
    which = Q()
    for product_id, day in pairs:
        which |= Q(product_id=product_id, date=day)
    NavPrice.objects.filter(which, priced_at__isnull=True).update(priced_at=now)


def _confirm_buy(
    order, terms: _Terms, nav, holding: HoldingState, writes: BatchWrites, stats
) -> None:
    product = terms.product
    matures_on = cooling_off_until = None
    agreed = _agreed_lot_terms(order, terms)
    if terms.kind == ProductKind.FUND:
        kept_band = order.subscription_rate is not None or order.subscription_fixed_fee is not None
        band = (
            pricing.agreed_band(
                rate=order.subscription_rate, fixed_fee=order.subscription_fixed_fee
            )
            if kept_band and not terms.money_market
            else None
        )
        if order.discount is not None:  # a coupon's fee, fixed at placement, is the fee charged
            band = pricing.agreed_band(rate=None, fixed_fee=order.fee)
        priced = pricing.fund_subscription(
            amount=order.amount, nav=nav, tiers=terms.subscription, band=band
        )
        fee, fee_rate, net, units = priced.fee, priced.fee_rate, priced.net, priced.units
        if order.discount is not None:
            fee_rate = order.fee_rate
            writes.coupons_used.append(order.id)
        if units <= 0:
            if order.discount is not None:
                writes.coupons_used.remove(order.id)
                writes.coupons_released.append(order.id)
            writes.order(order.id, OrderStatus.REJECTED)
            writes.event(order.id, OrderStatus.PENDING, OrderStatus.REJECTED, NO_UNITS)
            writes.credits.append(
                Credit(
                    order.user_id,
                    EntryKind.REFUND,
                    order.amount,
                    f"order:{order.id}",
                    "Order rejected",
                )
            )
            stats["rejected"] += 1
            return
        reason = f"Confirmed at NAV {nav} of {order.trade_date}: {units} units."
    elif terms.kind == ProductKind.SAVINGS:
        fee, fee_rate, net, units, nav = Decimal(0), Decimal(0), order.amount, order.amount, None
        matures_on = pricing.add_months(order.trade_date, agreed["term_months"])
        reason = f"Deposit confirmed; it matures on {matures_on}."
    else:
        fee, fee_rate, net, units, nav = Decimal(0), Decimal(0), order.amount, Decimal(1), None
        cooling_off_until = order.trade_date + dt.timedelta(
            days=product.insurance_terms.cooling_off_days
        )
        reason = f"Policy in force; it can be cancelled for a refund until {cooling_off_until}."
    writes.order(
        order.id,
        OrderStatus.CONFIRMED,
        units=units,
        fee=fee,
        fee_rate=fee_rate,
        net_amount=net,
        nav=nav,
        confirmed_at=writes.now,
        confirmed_on=writes.day,
    )
    writes.event(order.id, OrderStatus.PENDING, OrderStatus.CONFIRMED, reason)
    writes.new_lots.append(
        LotRow(
            holding_id=holding.pk,
            order_id=order.id,
            source=LotSource.PURCHASE,
            acquired_on=order.trade_date,
            units=units,
            units_remaining=units,
            cost_remaining=order.amount,
            matures_on=matures_on,
            cooling_off_until=cooling_off_until,
            redemption_tiers=agreed.get("redemption_tiers"),
            annual_rate=agreed.get("annual_rate"),
            term_months=agreed.get("term_months"),
            early_withdrawal_rate=agreed.get("early_withdrawal_rate"),
            cancellation_fee=agreed.get("cancellation_fee"),
        )
    )
    holding.units += units
    holding.cost += order.amount
    stats["confirmed"] += 1


def _agreed_lot_terms(order: _Order, terms: _Terms) -> dict:
    """The terms the new lot keeps: what its order agreed to at placement. (An order that kept
    none, written outside the order service, takes the product's terms of today.)"""
    if terms.kind == ProductKind.SAVINGS:
        current = terms.product.savings_terms
        return {
            name: current_value if kept is None else kept
            for name, kept, current_value in (
                ("annual_rate", order.annual_rate, current.annual_rate),
                ("term_months", order.term_months, current.term_months),
                (
                    "early_withdrawal_rate",
                    order.early_withdrawal_rate,
                    current.early_withdrawal_rate,
                ),
            )
        }
    if terms.kind == ProductKind.INSURANCE:
        kept = order.cancellation_fee
        return {
            "cancellation_fee": terms.product.insurance_terms.cancellation_fee
            if kept is None
            else kept
        }
    kept = order.redemption_tiers
    return {"redemption_tiers": [t.as_dict() for t in terms.redemption] if kept is None else kept}


def _remaining(written: LotRemainingRow | None, lot: pricing.OpenLot) -> tuple[Decimal, Decimal]:
    """A lot's units and cost as this batch has left them so far."""
    if written is None:
        return lot.units, lot.cost
    return written.units_remaining, written.cost_remaining


def _confirm_sell(
    order, terms: _Terms, nav, holding: HoldingState, open_lots, writes: BatchWrites, stats
):
    current = _current_lots(open_lots, writes)
    try:
        sale = pricing.sale(
            product=terms.product,
            lots=current,
            units=order.units,
            nav=nav,
            tiers=terms.redemption,
            trade_date=order.trade_date,
            asked_on=timezone.localdate(order.placed_at),
        )
    except pricing.NotEnoughUnitsError:
        writes.order(order.id, OrderStatus.REJECTED)
        writes.event(order.id, OrderStatus.PENDING, OrderStatus.REJECTED, HOLDING_SHORT)
        holding.reserved = max(holding.reserved - order.units, Decimal(0))
        stats["rejected"] += 1
        return
    by_id = {lot.id: lot for lot in current}
    for piece in sale.slices:
        lot = by_id[piece.lot_id]
        left = lot.units - piece.units
        writes.lots[lot.id] = LotRemainingRow(
            id=lot.id,
            units_remaining=left,
            cost_remaining=lot.cost - piece.cost,
            closed_on=None if left else order.trade_date,
        )
        writes.movements.append(
            LotMovementRow(
                lot_id=lot.id,
                order_id=order.id,
                kind=MovementKind.SALE,
                units=piece.units,
                days_held=piece.days_held,
                gross=piece.gross,
                fee_rate=piece.fee_rate,
                fee=piece.fee,
                interest=piece.interest,
                cost=piece.cost,
                created_at=writes.now,
            )
        )
    paid = sale.paid if sale.paid > 0 else None
    writes.order(
        order.id,
        OrderStatus.SETTLED,
        amount=paid,
        fee=sale.fee,
        fee_rate=sale.fee_rate,
        nav=nav,
        gross_amount=sale.gross,
        cost_basis=sale.cost,
        confirmed_at=writes.now,
        confirmed_on=writes.day,
        settled_at=writes.now,
    )
    priced_at = f"at NAV {nav} of {order.trade_date}" if nav else f"on {order.trade_date}"
    writes.event(order.id, OrderStatus.PENDING, OrderStatus.CONFIRMED, f"Confirmed {priced_at}.")
    writes.event(
        order.id,
        OrderStatus.CONFIRMED,
        OrderStatus.SETTLED,
        f"{sale.paid:,.2f} paid into your cash.",
    )
    if paid:
        description: dict[str, str] = {
            ProductKind.FUND: "Redemption",
            ProductKind.SAVINGS: "Early withdrawal",
            ProductKind.INSURANCE: "Policy cancelled",
        }
        writes.credits.append(
            Credit(
                order.user_id,
                EntryKind.REDEMPTION,
                paid,
                f"order:{order.id}",
                description[terms.kind],
            )
        )
    holding.units -= order.units
    holding.reserved = max(holding.reserved - order.units, Decimal(0))
    holding.cost -= sale.cost
    stats["settled"] += 1
