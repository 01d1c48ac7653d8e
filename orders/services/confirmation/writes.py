"""What one batch of confirmations changes, gathered in memory and written in bulk at the end
(``BatchWrites.flush``), and the holdings and lots it changes, locked or read first."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from marketplace.bulk import bulk_insert, bulk_update, lock_by_keys, next_ids

from ... import pricing
from ...coupons import services as coupons
from ...models import Holding, Lot, LotMovement, Order, OrderEvent
from ...rows import (
    ConfirmedBuyRow,
    FundLotRow,
    HoldingFiguresRow,
    HoldingKey,
    LockedHoldingRow,
    LotMovementRow,
    LotRemainingRow,
    LotRow,
    NewHoldingRow,
    OrderEventRow,
)
from ..cash.ledger import Credit, post_credits
from .terms import PendingOrder


@dataclass
class BatchWrites:
    """Everything one batch changes, written in bulk at the end."""

    now: dt.datetime
    day: dt.date | None = None  # the business day confirming (None: not confirming orders)
    orders: dict[tuple, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    events: list[OrderEventRow] = field(default_factory=list)
    new_lots: list[LotRow] = field(default_factory=list)
    fund_lots: list[FundLotRow] = field(default_factory=list)  # the usual buy's, narrower
    confirmed_buys: list[ConfirmedBuyRow] = field(default_factory=list)
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
        bulk_update(Order, self.confirmed_buys)
        bulk_insert(OrderEvent, self.events)
        bulk_insert(Lot, self.fund_lots)
        bulk_insert(Lot, self.new_lots)
        bulk_update(Lot, list(self.lots.values()))
        bulk_insert(LotMovement, self.movements)
        # Coupons before cash: the order every placing and cancelling transaction locks in.
        coupons.coupon_redemptions_use(order_ids=self.coupons_used, now=self.now)
        coupons.coupon_redemptions_release(order_ids=self.coupons_released, now=self.now)
        post_credits(self.credits)


@dataclass(slots=True)
class HoldingState:
    """The part of a locked holding a batch changes."""

    pk: int
    user_id: int
    product_id: int
    units: Decimal
    reserved: Decimal
    cost: Decimal


def lock_holdings(orders: list[PendingOrder], writes: BatchWrites) -> None:
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
    zero = Decimal(0)  # immutable: one object for every new holding's figures
    for pair, pk in zip(missing, next_ids(Holding, len(missing)), strict=True):
        order = pairs[pair]
        writes.holdings[pair] = HoldingState(pk, pair.user_id, pair.product_id, zero, zero, zero)
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
