"""Savings maturity at end of day: every deposit that reached its maturity date is paid its
full-term interest at the terms it was made with, whatever else is pending on the holding."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from products.models import ProductKind

from .. import pricing
from ..models import (
    EntryKind,
    Holding,
    Lot,
    LotSource,
    MovementKind,
    Order,
    OrderStatus,
    Side,
)
from ..rows import (
    LotMovementRow,
    LotRemainingRow,
)
from .batches import shared
from .cash.ledger import Credit
from .confirmation.writes import (
    OPEN_LOT_FIELDS,
    BatchWrites,
    HoldingState,
    open_lot,
    open_lots_of,
)

PAID_AT_MATURITY = (
    "The deposit matured on {matures_on} and was paid in full with its term interest before "
    "this withdrawal was priced; nothing was left for it to withdraw."
)
PARTLY_PAID_AT_MATURITY = (
    "{matured:,.2f} of this withdrawal matured on {matures_on} and was paid in full with its "
    "term interest; the withdrawal now takes the remaining {left:,.2f}."
)


def savings_maturity(
    *,
    run_date: dt.date,
    batch_size: int,
    stats: Counter,
    users: tuple[int, int] | None = None,
) -> None:
    """Pay every savings deposit that matured on or before ``run_date``: principal plus simple
    interest for the whole term at the terms it was made with, into cash, whatever else is
    pending on the holding. A pending withdrawal that would have taken matured money (oldest
    deposit first, as it would be priced) gives that part up to the payout: it keeps only the
    rest, or is cancelled when nothing is left, with the reason in an order event. An
    end-of-day part pays its investors' deposits only (``users``: first and last user id)."""
    mine = {}
    if users is not None:
        mine = {"holding__user_id__gte": users[0], "holding__user_id__lte": users[1]}
    last_id = 0
    while True:
        with transaction.atomic():
            shared()
            due = list(
                Lot.objects.filter(
                    source=LotSource.PURCHASE,
                    matures_on__lte=run_date,
                    units_remaining__gt=0,
                    pk__gt=last_id,
                    **mine,
                )
                .order_by("pk")
                .values_list("pk", "holding_id", *OPEN_LOT_FIELDS)[:batch_size]
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
            writes = BatchWrites(now=timezone.now())
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
                writes.holdings[holding.user_id, holding.product_id] = HoldingState(
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


def _matured_parts_of_withdrawals(holdings, matured, sells, writes: BatchWrites, stats) -> None:
    """Pending withdrawals give up what they would have taken of the lots maturing now (paid in
    full at maturity instead): their units and the holding's reservation shrink by it."""
    pending = {h.pk: sells[h.user_id, h.product_id] for h in holdings.values()}
    lots = open_lots_of(pk for pk, orders in pending.items() if orders)
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
