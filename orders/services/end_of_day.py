"""End of day (DESIGN §4): confirm orders at NAV(T), money-market income, savings maturity.

Everything here is set-based: orders are read in keyset batches, priced in memory with the
pure functions of ``orders.pricing``, and written back with a handful of bulk statements per
batch (``marketplace.bulk``), never one query per order. Every batch is one transaction that
first takes an advisory lock, so two runs (two workers, or beat and a manual run) take turns,
and what a batch selects is only what is still to do: running a date twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from marketplace.bulk import bulk_insert, bulk_update, lock_by_keys, next_ids
from marketplace.tasks import enqueue
from products.fees import Tier
from products.models import FeeSchedule, FundType, NavPrice, Product, ProductKind

from .. import pricing
from ..models import (
    EndOfDayRun,
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
from .cash import Credit, post_credits
from .commission import trail_accrue

BATCH_SIZE = 10_000
_LOCK_KEY = 0x0E0D  # the advisory lock every end-of-day batch takes

NO_UNITS = "The amount buys no units after fees at this NAV; the money is refunded."
HOLDING_SHORT = "The holding no longer has these units; nothing was sold."


def _exclusive() -> None:
    """Let one end-of-day batch run at a time (SQLite serialises writers by itself)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def end_of_day(*, run_date: dt.date, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Everything that happens after trading day ``run_date``: money-market income on holdings,
    confirmation of pending orders with trade date ≤ ``run_date`` (funds once NAV(T) exists),
    then savings maturing on or before it. Returns what it did."""
    started = timezone.now()
    EndOfDayRun.objects.get_or_create(date=run_date)
    stats: Counter = Counter()
    money_market_income(run_date=run_date, batch_size=batch_size, stats=stats)
    last_id: int | None = 0
    while last_id is not None:
        with transaction.atomic():
            _exclusive()
            last_id = confirm_orders(
                orders=Order.objects.filter(trade_date__lte=run_date, pk__gt=last_id),
                business_date=run_date,
                limit=batch_size,
                stats=stats,
            )
    savings_maturity(run_date=run_date, batch_size=batch_size, stats=stats)
    stats["trail_entries"] = trail_accrue(on_date=run_date)
    result = {
        key: str(value) if isinstance(value, Decimal) else value for key, value in stats.items()
    }
    EndOfDayRun.objects.filter(date=run_date).update(
        started_at=started, finished_at=timezone.now(), stats=result
    )
    return result


# --- confirming orders ---------------------------------------------------------------------------

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


@dataclass
class _Terms:
    """What pricing needs of one product."""

    kind: str
    money_market: bool
    subscription: list[Tier]
    redemption: list[Tier]
    product: Product


@dataclass
class _Writes:
    """Everything one batch changes, written in bulk at the end."""

    now: dt.datetime
    day: dt.date | None = None  # the business day confirming (None: not confirming orders)
    orders: dict[tuple, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    events: list[tuple] = field(default_factory=list)
    new_lots: list[tuple] = field(default_factory=list)
    lots: dict[int, list] = field(default_factory=dict)  # id → [units, cost, closed_on]
    movements: list[tuple] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    holdings: dict[tuple[int, int], _Holding] = field(default_factory=dict)
    new_holdings: dict[int, tuple[int, str]] = field(
        default_factory=dict
    )  # id → (institution, kind)

    def order(self, order_id: int, status: str, **values) -> None:
        """Set ``status`` and ``values`` on the order; orders changed alike are written together."""
        self.orders["id", "status", *values].append((order_id, status, *values.values()))

    def event(self, order_id: int, from_status: str, to_status: str, reason: str) -> None:
        self.events.append((order_id, from_status, to_status, reason, self.now))

    def flush(self) -> None:
        holdings = self.holdings.values()
        bulk_insert(
            Holding,
            [
                (
                    h.pk,
                    h.user_id,
                    h.product_id,
                    *self.new_holdings[h.pk],
                    h.units,
                    h.reserved,
                    h.cost,
                    self.now,
                    self.now,
                )
                for h in holdings
                if h.pk in self.new_holdings
            ],
            fields=[
                "id",
                "user_id",
                "product_id",
                "institution_id",
                "kind",
                "units",
                "reserved",
                "cost",
                "opened_at",
                "updated_at",
            ],
        )
        bulk_update(
            Holding,
            [
                (h.pk, h.units, h.reserved, h.cost, self.now)
                for h in holdings
                if h.pk not in self.new_holdings
            ],
            fields=["id", "units", "reserved", "cost", "updated_at"],
        )
        for fields, rows in self.orders.items():
            bulk_update(Order, rows, fields=fields)
        bulk_insert(
            OrderEvent,
            self.events,
            fields=["order_id", "from_status", "to_status", "reason", "created_at"],
        )
        bulk_insert(
            Lot,
            self.new_lots,
            fields=[
                "holding_id",
                "order_id",
                "source",
                "acquired_on",
                "units",
                "units_remaining",
                "cost_remaining",
                "matures_on",
                "cooling_off_until",
            ],
        )
        bulk_update(
            Lot,
            [(pk, *values) for pk, values in self.lots.items()],
            fields=["id", "units_remaining", "cost_remaining", "closed_on"],
        )
        bulk_insert(
            LotMovement,
            self.movements,
            fields=[
                "lot_id",
                "order_id",
                "kind",
                "units",
                "days_held",
                "gross",
                "fee_rate",
                "fee",
                "interest",
                "cost",
                "created_at",
            ],
        )
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
class _Holding:
    """The part of a locked holding a batch changes."""

    pk: int
    user_id: int
    product_id: int
    units: Decimal
    reserved: Decimal
    cost: Decimal


_HOLDING_FIELDS = ["id", "user_id", "product_id", "units", "reserved", "cost"]


def _lock_holdings(orders: list[_Order], writes: _Writes) -> None:
    """Lock the holdings of these orders' (user, product) pairs in id order (one SELECT … FOR
    UPDATE); pairs without one get a new holding, with an id reserved now and inserted with its
    final figures when the batch is written."""
    pairs = {(o.user_id, o.product_id): o for o in orders}
    rows = lock_by_keys(
        Holding, pairs, key_fields=["user_id", "product_id"], fields=_HOLDING_FIELDS
    )
    writes.holdings = {(row[1], row[2]): _Holding(*row) for row in rows}
    missing = [pair for pair in pairs if pair not in writes.holdings]
    for (user_id, product_id), pk in zip(missing, next_ids(Holding, len(missing)), strict=True):
        order = pairs[user_id, product_id]
        writes.holdings[user_id, product_id] = _Holding(
            pk, user_id, product_id, Decimal(0), Decimal(0), Decimal(0)
        )
        writes.new_holdings[pk] = (order.institution_id, order.kind)


def _open_lots(holding_ids: Iterable[int]) -> dict[int, list[pricing.OpenLot]]:
    lots = defaultdict(list)
    rows = Lot.objects.filter(holding_id__in=set(holding_ids), units_remaining__gt=0).values_list(
        "pk", "holding_id", "acquired_on", "units_remaining", "cost_remaining", "cooling_off_until"
    )
    for pk, holding_id, acquired_on, units, cost, cooling_off_until in rows:
        lots[holding_id].append(pricing.OpenLot(pk, acquired_on, units, cost, cooling_off_until))
    return lots


def confirm_orders(
    *, orders: QuerySet, business_date: dt.date, stats: Counter, limit: int | None = None
) -> int | None:
    """Confirm the pending ones among ``orders`` (the first ``limit`` by id) that can be priced,
    as of ``business_date``; leave the rest. Returns the last id looked at (None: there was
    nothing pending).

    Fund orders price at NAV(T) of their own trade date (money-market funds at 1.0000) and stay
    pending while it is missing; savings and insurance orders confirm as they are. Buys become
    lots in the investor's holding; sells take units out of lots (FIFO for funds and savings,
    newest policy first for insurance), are paid into cash and settle. Call inside a transaction.
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
    terms = _terms_for(o.product_id for o in orders)
    navs = {
        (product_id, day): nav
        for product_id, day, nav in NavPrice.objects.filter(
            product_id__in={o.product_id for o in orders if o.kind == ProductKind.FUND},
            date__in={o.trade_date for o in orders if o.kind == ProductKind.FUND},
        ).values_list("product_id", "date", "nav")
    }

    def nav_of(order: _Order) -> Decimal | None:
        if terms[order.product_id].money_market:
            return pricing.MONEY_MARKET_NAV
        return navs.get((order.product_id, order.trade_date))

    ready = [o for o in orders if o.kind != ProductKind.FUND or nav_of(o) is not None]
    stats["waiting_for_nav"] += len(orders) - len(ready)
    if not ready:
        return orders[-1].id
    writes = _Writes(now=now, day=business_date)
    _lock_holdings(ready, writes)
    lots = _open_lots(
        writes.holdings[o.user_id, o.product_id].pk for o in ready if o.side == Side.SELL
    )
    for order in ready:
        holding = writes.holdings[order.user_id, order.product_id]
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
    if any(o.side == Side.BUY or o.kind == ProductKind.INSURANCE for o in ready):
        # Upfront commission (and corrections) for what this batch confirmed; the outbox row
        # commits with the batch, so the work cannot be lost.
        enqueue("orders.tasks.commission_entries_write", orders[0].id, orders[-1].id)
    return orders[-1].id


def _confirm_buy(order, terms: _Terms, nav, holding: _Holding, writes: _Writes, stats) -> None:
    product = terms.product
    matures_on = cooling_off_until = None
    if terms.kind == ProductKind.FUND:
        priced = pricing.fund_subscription(amount=order.amount, nav=nav, tiers=terms.subscription)
        fee, fee_rate, net, units = priced.fee, priced.fee_rate, priced.net, priced.units
        if units <= 0:
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
        matures_on = pricing.add_months(order.trade_date, product.savings_terms.term_months)
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
        (
            holding.pk,
            order.id,
            LotSource.PURCHASE,
            order.trade_date,
            units,
            units,
            order.amount,
            matures_on,
            cooling_off_until,
        )
    )
    holding.units += units
    holding.cost += order.amount
    stats["confirmed"] += 1


def _as_left(lot: pricing.OpenLot, writes: _Writes) -> pricing.OpenLot:
    """``lot`` as this batch has left it so far."""
    units, cost = writes.lots.get(lot.id, (lot.units, lot.cost))[:2]
    return pricing.OpenLot(lot.id, lot.acquired_on, units, cost, lot.cooling_off_until)


def _confirm_sell(order, terms: _Terms, nav, holding: _Holding, open_lots, writes: _Writes, stats):
    current = [_as_left(lot, writes) for lot in open_lots]
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
        writes.lots[lot.id] = [left, lot.cost - piece.cost, None if left else order.trade_date]
        writes.movements.append(
            (
                lot.id,
                order.id,
                MovementKind.SALE,
                piece.units,
                piece.days_held,
                piece.gross,
                piece.fee_rate,
                piece.fee,
                piece.interest,
                piece.cost,
                writes.now,
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


# --- money-market income and savings maturity -----------------------------------------------------


def money_market_income(*, run_date: dt.date, batch_size: int, stats: Counter) -> None:
    """Add the day's income (yield per 10,000 units, NAV 1.0000) to every money-market holding
    as units, in a lot of its own dated ``run_date``. ``Holding.income_through`` marks the day
    done, so a second run (or an earlier date run later) adds nothing; the income lot's unique
    constraint backs it up."""
    funds = Product.objects.filter(
        fund_type=FundType.MONEY_MARKET, fund_terms__yield_per_10k__gt=0
    ).values_list("pk", "fund_terms__yield_per_10k")
    not_yet = Q(income_through__isnull=True) | Q(income_through__lt=run_date)
    for product_id, yield_per_10k in funds:
        last_id = 0
        while True:
            with transaction.atomic():
                _exclusive()
                holdings = list(
                    Holding.objects.select_for_update()
                    .filter(not_yet, product_id=product_id, units__gt=0, pk__gt=last_id)
                    .order_by("pk")
                    .values_list("pk", "units")[:batch_size]
                )
                if not holdings:
                    break
                last_id = holdings[-1][0]
                now, lots, rows = timezone.now(), [], []
                for holding_id, units in holdings:
                    income = pricing.money_market_income(
                        units=units,
                        yield_per_10k=cast(Decimal, yield_per_10k),  # filtered > 0
                    )
                    rows.append((holding_id, units + income, run_date, now))
                    if income <= 0:
                        continue
                    lots.append(
                        (holding_id, LotSource.INCOME, run_date, income, income, Decimal(0))
                    )
                    # typeshed types Counter values as int; these counts include units.
                    stats["income_units"] += income  # type: ignore[assignment]
                    stats["income_holdings"] += 1
                bulk_insert(
                    Lot,
                    lots,
                    fields=[
                        "holding_id",
                        "source",
                        "acquired_on",
                        "units",
                        "units_remaining",
                        "cost_remaining",
                    ],
                )
                bulk_update(Holding, rows, fields=["id", "units", "income_through", "updated_at"])


def savings_maturity(*, run_date: dt.date, batch_size: int, stats: Counter) -> None:
    """Pay every savings deposit that matured on or before ``run_date``: principal plus simple
    interest for the whole term, into cash. A holding with a withdrawal still pending waits for
    it to settle (next run)."""
    last_id = 0
    while True:
        with transaction.atomic():
            _exclusive()
            due = list(
                Lot.objects.filter(
                    source=LotSource.PURCHASE,
                    matures_on__lte=run_date,
                    units_remaining__gt=0,
                    pk__gt=last_id,
                )
                .order_by("pk")
                .values_list(
                    "pk",
                    "holding_id",
                    "acquired_on",
                    "matures_on",
                    "units_remaining",
                    "cost_remaining",
                )[:batch_size]
            )
            if not due:
                break
            last_id = due[-1][0]
            holdings = {
                h.pk: h
                for h in Holding.objects.select_for_update(of=("self",))
                .filter(pk__in={row[1] for row in due}, reserved=0)
                .select_related("product__savings_terms")
                .order_by("pk")
            }
            writes = _Writes(now=timezone.now())
            for lot_id, holding_id, acquired_on, matures_on, principal, cost in due:
                holding = holdings.get(holding_id)
                if holding is None:
                    continue
                terms = holding.product.savings_terms
                interest = pricing.savings_maturity_interest(
                    principal=principal,
                    annual_rate=terms.annual_rate,
                    term_months=terms.term_months,
                )
                writes.lots[lot_id] = [Decimal(0), Decimal(0), matures_on]
                writes.movements.append(
                    (
                        lot_id,
                        None,
                        MovementKind.MATURITY,
                        principal,
                        (cast(dt.date, matures_on) - acquired_on).days,
                        principal,
                        Decimal(0),
                        Decimal(0),
                        interest,
                        cost,
                        writes.now,
                    )
                )
                writes.credits.append(
                    Credit(
                        holding.user_id,
                        EntryKind.MATURITY,
                        principal + interest,
                        f"lot:{lot_id}",
                        f"{holding.product.name} matured",
                    )
                )
                holding.units -= principal
                holding.cost -= cost
                writes.holdings[holding.user_id, holding.product_id] = _Holding(
                    holding.pk,
                    holding.user_id,
                    holding.product_id,
                    holding.units,
                    holding.reserved,
                    holding.cost,
                )
                stats["matured"] += 1
            writes.flush()
