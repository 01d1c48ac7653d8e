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
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import DateField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from marketplace.bulk import bulk_insert, bulk_update, lock_by_keys, next_ids
from marketplace.tasks import enqueue
from products.fees import Tier
from products.models import DailyYield, FeeSchedule, FundType, NavPrice, Product, ProductKind

from .. import pricing
from ..calendar import confirmation_date
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
from ..rows import (
    HoldingFiguresRow,
    HoldingIncomeRow,
    HoldingKey,
    IncomeLotRow,
    LockedHoldingRow,
    LotMovementRow,
    LotRemainingRow,
    LotRow,
    NewHoldingRow,
    OrderEventRow,
)
from .cash import Credit, post_credits
from .commission import trail_accrue

BATCH_SIZE = 10_000
_LOCK_KEY = 0x0E0D  # the advisory lock every end-of-day batch takes

NO_UNITS = "The amount buys no units after fees at this NAV; the money is refunded."
HOLDING_SHORT = "The holding no longer has these units; nothing was sold."
PAID_AT_MATURITY = (
    "The deposit matured on {matures_on} and was paid in full with its term interest before "
    "this withdrawal was priced; nothing was left for it to withdraw."
)
PARTLY_PAID_AT_MATURITY = (
    "{matured:,.2f} of this withdrawal matured on {matures_on} and was paid in full with its "
    "term interest; the withdrawal now takes the remaining {left:,.2f}."
)
FUTURE_DATE = "End of day cannot run for {date}: it is in the future (today is {today})."


def _exclusive() -> None:
    """Let one end-of-day batch run at a time (SQLite serialises writers by itself)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def end_of_day(*, run_date: dt.date, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Everything that happens after trading day ``run_date``: confirmation of pending orders
    with trade date ≤ ``run_date`` (funds once NAV(T) exists), money-market income for every day
    through it, then savings maturing on or before it. Returns what it did. A date in the future
    is refused (it would pay deposits early and mark days credited that have not happened)."""
    today = timezone.localdate()
    if run_date > today:
        raise ValidationError(
            FUTURE_DATE.format(date=run_date, today=today), code="end_of_day_future_date"
        )
    started = timezone.now()
    EndOfDayRun.objects.get_or_create(date=run_date)
    stats: Counter = Counter()
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
    # After confirming: the day's sells have left the holdings and a lot confirmed late (a
    # missed run) is already there for the days it earns.
    money_market_income(run_date=run_date, batch_size=batch_size, stats=stats)
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
    "subscription_rate",
    "subscription_fixed_fee",
    "redemption_tiers",
    "annual_rate",
    "term_months",
    "early_withdrawal_rate",
    "cancellation_fee",
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
    events: list[OrderEventRow] = field(default_factory=list)
    new_lots: list[LotRow] = field(default_factory=list)
    lots: dict[int, LotRemainingRow] = field(default_factory=dict)
    movements: list[LotMovementRow] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    holdings: dict[tuple[int, int], _Holding] = field(default_factory=dict)
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


def _lock_holdings(orders: list[_Order], writes: _Writes) -> None:
    """Lock the holdings of these orders' (user, product) pairs in id order (one SELECT … FOR
    UPDATE); pairs without one get a new holding, with an id reserved now and inserted with its
    final figures when the batch is written."""
    pairs = {HoldingKey(o.user_id, o.product_id): o for o in orders}
    rows = lock_by_keys(Holding, pairs, row_type=LockedHoldingRow)
    writes.holdings = {
        (row.user_id, row.product_id): _Holding(
            row.id, row.user_id, row.product_id, row.units, row.reserved, row.cost
        )
        for row in rows
    }
    missing = [pair for pair in pairs if pair not in writes.holdings]
    for pair, pk in zip(missing, next_ids(Holding, len(missing)), strict=True):
        order = pairs[pair]
        writes.holdings[pair] = _Holding(
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
    """A lot as pricing sees it, from its columns (``_OPEN_LOT_FIELDS`` order)."""
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


_OPEN_LOT_FIELDS = (
    "acquired_on",
    "units_remaining",
    "cost_remaining",
    "cooling_off_until",
    "matures_on",
    *_LOT_TERMS,
)


def _open_lots(holding_ids: Iterable[int]) -> dict[int, list[pricing.OpenLot]]:
    lots = defaultdict(list)
    rows = Lot.objects.filter(holding_id__in=set(holding_ids), units_remaining__gt=0).values_list(
        "pk", "holding_id", *_OPEN_LOT_FIELDS
    )
    for pk, holding_id, *columns in rows:
        lots[holding_id].append(open_lot(pk, *columns))
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
        for product_id, day, nav in NavPrice.objects.select_for_update()
        .filter(
            product_id__in={o.product_id for o in orders if o.kind == ProductKind.FUND},
            date__in={o.trade_date for o in orders if o.kind == ProductKind.FUND},
        )
        .values_list("product_id", "date", "nav")
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
        # commits with the batch, so the work cannot be lost.
        enqueue("orders.tasks.commission_entries_write", orders[0].id, orders[-1].id)
    return orders[-1].id


def _mark_navs_priced(pairs: set[tuple[int, dt.date]], now: dt.datetime) -> None:
    """Stamp the NAVs that just priced orders: uploads may no longer change them (only a
    staff-approved correction can)."""
    if not pairs:
        return
    which = Q()
    for product_id, day in pairs:
        which |= Q(product_id=product_id, date=day)
    NavPrice.objects.filter(which, priced_at__isnull=True).update(priced_at=now)


def _confirm_buy(order, terms: _Terms, nav, holding: _Holding, writes: _Writes, stats) -> None:
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
        priced = pricing.fund_subscription(
            amount=order.amount, nav=nav, tiers=terms.subscription, band=band
        )
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


def _confirm_sell(order, terms: _Terms, nav, holding: _Holding, open_lots, writes: _Writes, stats):
    current = [
        replace(lot, units=units, cost=cost)
        for lot in open_lots
        for units, cost in [_remaining(writes.lots.get(lot.id), lot)]
    ]
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


# --- money-market income and savings maturity -----------------------------------------------------


ONE_DAY = dt.timedelta(days=1)
# Longer than any gap between a trade date and its confirmation day (holidays included): a
# purchase lot acquired longer than this before a holding's last credited day earns already.
CONFIRMATION_WINDOW = dt.timedelta(days=40)


def _earns_from(source: str, acquired_on: dt.date, cache: dict[dt.date, dt.date]) -> dt.date:
    """The first calendar day a lot earns money-market income: a purchase from its confirmation
    day (T+1, the next trading day after its trade date), a day's income from the day after."""
    if source != LotSource.PURCHASE:
        return acquired_on + ONE_DAY
    if acquired_on not in cache:
        cache[acquired_on] = confirmation_date(acquired_on)
    return cache[acquired_on]


def _after(field: str, delta: dt.timedelta) -> ExpressionWrapper:
    return ExpressionWrapper(F(field) + delta, output_field=DateField())


def money_market_income(*, run_date: dt.date, batch_size: int, stats: Counter) -> None:
    """Credit every money-market holding the income of each calendar day since its last
    credited day (``Holding.income_through``) through ``run_date``, each day at that day's own
    published income per 10,000 units (``DailyYield``), as units (NAV 1.0000, rounded down) in
    a lot of their own dated that day. A day without a published yield waits, and so do the
    days after it, until it arrives: a missed or late run catches up exactly.

    Which days a unit earns for: day D pays on the units held after D's end-of-day run, that is
    every lot from its confirmation day (a purchase with trade date T: the next trading day
    after T, so a Friday purchase earns from Monday, not for the weekend; a day's income lot
    from the next day) until the trade date of the sale that takes it out (sold units earn up
    to the day before). Catching up, units sold since the last credited day are counted back
    for the days before their sale. Set-based: holdings in keyset batches, their recent lots and
    sales in two queries, lots and holdings written in bulk. Running a date twice (or an
    earlier date later) adds nothing; the income lot's unique constraint backs it up."""
    funds = (
        DailyYield.objects.filter(product__fund_type=FundType.MONEY_MARKET, date__lte=run_date)
        .values_list("product_id", flat=True)
        .distinct()
    )
    # A holding sold out since its last credited day is still owed the days before the sale.
    due = Q(income_through__isnull=True) | Q(income_through__lt=run_date) & (
        Q(units__gt=0) | Q(updated_at__date__gt=F("income_through"))
    )
    confirmations: dict[dt.date, dt.date] = {}
    for product_id in sorted(set(funds)):
        last_id = 0
        while True:
            with transaction.atomic():
                _exclusive()
                holdings = list(
                    Holding.objects.select_for_update()
                    .filter(due, product_id=product_id, pk__gt=last_id)
                    .order_by("pk")
                    .values_list("pk", "units", "income_through")[:batch_size]
                )
                if not holdings:
                    break
                last_id = holdings[-1][0]
                _credit_income(product_id, holdings, run_date, confirmations, stats)


def _credit_income(product_id, holdings, run_date, confirmations, stats) -> None:
    ids = [pk for pk, _, _ in holdings]
    # Lots that may not have earned on every day since the holding's last credit: purchases
    # recent enough to be confirmed since (older income lots earn from the day after theirs).
    young = defaultdict(list)  # holding → [(earns from, units)]
    for holding_id, source, acquired_on, units in Lot.objects.filter(
        Q(holding__income_through__isnull=True)
        | Q(
            source=LotSource.PURCHASE,
            acquired_on__gt=_after("holding__income_through", -CONFIRMATION_WINDOW),
        )
        | Q(source=LotSource.INCOME, acquired_on__gte=F("holding__income_through")),
        holding_id__in=ids,
        units_remaining__gt=0,
    ).values_list("holding_id", "source", "acquired_on", "units_remaining"):
        young[holding_id].append((_earns_from(source, acquired_on, confirmations), units))
    # Units sold since then, owed the days before their sale's trade date.
    sold = defaultdict(list)  # holding → [(earns from, units, sale's trade date)]
    for holding_id, source, acquired_on, units, trade_date in LotMovement.objects.filter(
        Q(lot__holding__income_through__isnull=True)
        | Q(order__trade_date__gt=_after("lot__holding__income_through", ONE_DAY)),
        lot__holding_id__in=ids,
        kind=MovementKind.SALE,
    ).values_list(
        "lot__holding_id", "lot__source", "lot__acquired_on", "units", "order__trade_date"
    ):
        earns_from = _earns_from(source, acquired_on, confirmations)
        sold[holding_id].append((earns_from, units, trade_date))

    plans = []  # (holding, units, units earning on every day since, first day owed)
    for holding_id, units, through in holdings:
        settled = units - sum(u for _, u in young[holding_id])
        starts = [e for e, _ in young[holding_id]] + [e for e, _, _ in sold[holding_id]]
        if settled > 0 and through:
            starts.append(through + ONE_DAY)
        first = None
        if starts:  # no earlier than the day after the last credited one
            first = max(min(starts), through + ONE_DAY) if through else min(starts)
        plans.append((holding_id, units, settled, first))
    firsts = [plan[3] for plan in plans if plan[3]]
    yields = (
        dict(
            DailyYield.objects.filter(
                product_id=product_id, date__gte=min(firsts), date__lte=run_date
            ).values_list("date", "income_per_10k")
        )
        if firsts
        else {}
    )

    now = timezone.now()
    lots: list[IncomeLotRow] = []
    rows: list[HoldingIncomeRow] = []
    for holding_id, units, settled, first in plans:
        if first is None:  # nothing held, nothing sold since: no day owes anything
            rows.append(HoldingIncomeRow(holding_id, units, run_date, now))
            continue
        day, added, last = first, Decimal(0), None
        while day <= run_date and day in yields:
            earning = (
                settled
                + added  # the income of earlier days of this catch-up
                + sum(u for e, u in young[holding_id] if e <= day)
                + sum(u for e, u, sold_on in sold[holding_id] if e <= day < sold_on)
            )
            income = pricing.money_market_income(units=earning, yield_per_10k=yields[day])
            if income > 0:
                lots.append(
                    IncomeLotRow(
                        holding_id=holding_id,
                        source=LotSource.INCOME,
                        acquired_on=day,
                        units=income,
                        units_remaining=income,
                        cost_remaining=Decimal(0),
                    )
                )
                added += income
            last, day = day, day + ONE_DAY
        if last is None:  # not earning yet, or the first day's yield is not published yet
            continue
        rows.append(HoldingIncomeRow(holding_id, units + added, last, now))
        stats["income_units"] += added
        stats["income_days"] += (last - first).days + 1
        if added:
            stats["income_holdings"] += 1
    bulk_insert(Lot, lots)
    bulk_update(Holding, rows)


def savings_maturity(*, run_date: dt.date, batch_size: int, stats: Counter) -> None:
    """Pay every savings deposit that matured on or before ``run_date``: principal plus simple
    interest for the whole term at the terms it was made with, into cash, whatever else is
    pending on the holding. A pending withdrawal that would have taken matured money (oldest
    deposit first, as it would be priced) gives that part up to the payout: it keeps only the
    rest, or is cancelled when nothing is left, with the reason in an order event."""
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
                .values_list("pk", "holding_id", *_OPEN_LOT_FIELDS)[:batch_size]
            )
            if not due:
                break
            last_id = due[-1][0]
            matured: defaultdict[int, list[pricing.OpenLot]] = defaultdict(list)
            for pk, holding_id, *columns in due:
                matured[holding_id].append(open_lot(pk, *columns))
            pairs = set(Holding.objects.filter(pk__in=matured).values_list("user_id", "product_id"))
            # Lock pending withdrawals before holdings (the order confirmation and cancellation
            # take locks in that order), then read them again under the holdings' locks: a
            # withdrawal placed meanwhile (it locks the holding first) is among them then.
            _pending_withdrawals(pairs)
            holdings = {
                h.pk: h
                for h in Holding.objects.select_for_update(of=("self",))
                .filter(pk__in=matured)
                .select_related("product")
                .order_by("pk")
            }
            sells = _pending_withdrawals(pairs)
            writes = _Writes(now=timezone.now())
            _matured_parts_of_withdrawals(holdings, matured, sells, writes, stats)
            for holding_id, lots in matured.items():
                holding = holdings[holding_id]
                for lot in lots:
                    agreed = lot.savings_terms()
                    interest = pricing.savings_maturity_interest(
                        principal=lot.units,
                        annual_rate=agreed.annual_rate,
                        term_months=agreed.term_months,
                    )
                    writes.lots[lot.id] = LotRemainingRow(
                        id=lot.id,
                        units_remaining=Decimal(0),
                        cost_remaining=Decimal(0),
                        closed_on=agreed.matures_on,
                    )
                    writes.movements.append(
                        LotMovementRow(
                            lot_id=lot.id,
                            order_id=None,
                            kind=MovementKind.MATURITY,
                            units=lot.units,
                            days_held=(agreed.matures_on - lot.acquired_on).days,
                            gross=lot.units,
                            fee_rate=Decimal(0),
                            fee=Decimal(0),
                            interest=interest,
                            cost=lot.cost,
                            created_at=writes.now,
                        )
                    )
                    writes.credits.append(
                        Credit(
                            holding.user_id,
                            EntryKind.MATURITY,
                            lot.units + interest,
                            f"lot:{lot.id}",
                            f"{holding.product.name} matured",
                        )
                    )
                    holding.units -= lot.units
                    holding.cost -= lot.cost
                    stats["matured"] += 1
                writes.holdings[holding.user_id, holding.product_id] = _Holding(
                    holding.pk,
                    holding.user_id,
                    holding.product_id,
                    holding.units,
                    holding.reserved,
                    holding.cost,
                )
            writes.flush()


def _pending_withdrawals(pairs: set[tuple[int, int]]) -> dict[tuple, list[tuple[int, Decimal]]]:
    """Pending savings withdrawals of these (user, product) pairs, locked, oldest first."""
    sells = defaultdict(list)
    rows = (
        Order.objects.select_for_update()
        .filter(
            status=OrderStatus.PENDING,
            side=Side.SELL,
            kind=ProductKind.SAVINGS,
            user_id__in={user for user, _ in pairs},
            product_id__in={product for _, product in pairs},
        )
        .order_by("pk")
        .values_list("pk", "user_id", "product_id", "units")
    )
    for pk, user_id, product_id, units in rows:
        if (user_id, product_id) in pairs:
            sells[user_id, product_id].append((pk, units))
    return sells


def _matured_parts_of_withdrawals(holdings, matured, sells, writes: _Writes, stats) -> None:
    """Pending withdrawals give up what they would have taken of the lots maturing now (paid in
    full at maturity instead): their units and the holding's reservation shrink by it."""
    pending = {h.pk: sells[h.user_id, h.product_id] for h in holdings.values()}
    lots = _open_lots(pk for pk, orders in pending.items() if orders)
    for holding_id, orders in pending.items():
        if not orders:
            continue
        holding, maturing = holdings[holding_id], matured[holding_id]
        matures_on = max(lot.matures_on for lot in maturing)
        parts = pricing.matured_parts(
            lots=lots[holding_id], sells=orders, matured={lot.id for lot in maturing}
        )
        for order_id, units in orders:
            part = parts[order_id]
            if part <= 0:
                continue
            left = units - part
            if left > 0:
                writes.order(order_id, OrderStatus.PENDING, units=left)
                reason = PARTLY_PAID_AT_MATURITY.format(
                    matured=part, matures_on=matures_on, left=left
                )
                writes.event(order_id, OrderStatus.PENDING, OrderStatus.PENDING, reason)
            else:
                writes.order(order_id, OrderStatus.CANCELLED, cancelled_at=writes.now)
                reason = PAID_AT_MATURITY.format(matures_on=matures_on)
                writes.event(order_id, OrderStatus.PENDING, OrderStatus.CANCELLED, reason)
            holding.reserved -= part
            stats["withdrawals_paid_at_maturity"] += 1
