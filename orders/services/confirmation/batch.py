"""Confirming a batch of pending orders (``confirm_orders``): read and lock them, price each
at NAV of its trade date (``legs``), write the batch in bulk (``writes``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from typing import cast

from django.db.models import QuerySet
from django.utils import timezone

from marketplace.tasks import enqueue
from products.models import ProductKind

from ... import pricing
from ...models import Order, OrderStatus, Side
from .legs import confirm_buy, confirm_sell, confirm_switch
from .terms import (
    ORDER_FIELDS,
    PendingOrder,
    mark_navs_priced,
    navs_locked,
    pending_orders_of,
    terms_for,
)
from .writes import BatchWrites, lock_holdings, open_lots_of


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
        .values_list(*ORDER_FIELDS)
    )
    orders = pending_orders_of(pending[:limit] if limit else pending)
    if not orders:
        return None
    last_id = orders[-1].id
    orders += _switch_partners(orders)
    terms = terms_for(o.product_id for o in orders)
    navs = navs_locked(
        {o.product_id for o in orders if o.kind == ProductKind.FUND},
        {o.trade_date for o in orders if o.kind == ProductKind.FUND},
        shared=part_users is not None,
    )

    def nav_of(order: PendingOrder) -> Decimal | None:
        if terms[order.product_id].money_market:
            return pricing.MONEY_MARKET_NAV
        return navs.get((order.product_id, order.trade_date))

    legs: dict[int, dict[str, PendingOrder]] = defaultdict(dict)
    for o in orders:
        if o.switch_id is not None:
            legs[o.switch_id][o.side] = o

    def priceable(order: PendingOrder) -> bool:
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
    lock_holdings(ready, writes)
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
                confirm_switch(
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
            confirm_buy(order, terms[order.product_id], nav_of(order), holding, writes, stats)
        else:
            confirm_sell(
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
        mark_navs_priced(
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


def _switch_partners(orders: list[PendingOrder]) -> list[PendingOrder]:
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
        .values_list(*ORDER_FIELDS)
    )
    return pending_orders_of(rows)


def _switch_rates(switch_ids: set[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """Each switch's subscription rates of its two funds, as kept when it was placed."""
    if not switch_ids:
        return {}
    rows = Order.objects.filter(switch_id__in=switch_ids, side=Side.BUY).values_list(
        "switch_id", "switch__from_subscription_rate", "switch__to_subscription_rate"
    )
    return {switch_id: (from_rate, to_rate) for switch_id, from_rate, to_rate in rows}
