"""Pricing and recording one order (a buy, a sell, or a switch's two legs together) into a
batch's writes: the order's new status and figures, its events, lots, cash and holding."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import cast

from django.utils import timezone
from django.utils.translation import gettext_noop

from products.models import ProductKind

from ... import pricing
from ...models import EntryKind, LotSource, MovementKind, OrderStatus
from ...rows import ConfirmedBuyRow, FundLotRow, LotMovementRow, LotRemainingRow, LotRow
from ..cash.ledger import Credit
from .terms import PendingOrder, Terms
from .writes import BatchWrites, HoldingState

NO_UNITS = gettext_noop("The amount buys no units after fees at this NAV; the money is refunded.")
HOLDING_SHORT = gettext_noop("The holding no longer has these units; nothing was sold.")
SWITCH_NO_UNITS = gettext_noop(
    "The switch's proceeds buy no units of the fund switched to at this NAV: both orders are "
    "rejected and the units are available again."
)
SWITCH_SHORT = gettext_noop(
    "The holding no longer has these units: both orders of the switch are rejected."
)


def _current_lots(open_lots, writes: BatchWrites) -> list[pricing.OpenLot]:
    return [
        replace(lot, units=units, cost=cost)
        for lot in open_lots
        for units, cost in [_remaining(writes.lots.get(lot.id), lot)]
    ]


def confirm_switch(
    sell: PendingOrder,
    buy: PendingOrder,
    terms: dict[int, Terms],
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
    confirm_sell(sell, sell_terms, nav_a, holding_a, open_lots, writes, stats)
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
    # The sale's proceeds (credited by confirm_sell, just before) pay for the buy.
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


def _reject_switch(
    sell: PendingOrder, buy: PendingOrder, holding_a, writes: BatchWrites, stats, reason
):
    """Neither leg confirms: both rejected, the sale's units available again (no cash moved)."""
    for leg in (sell, buy):
        writes.order(leg.id, OrderStatus.REJECTED)
        writes.event(leg.id, OrderStatus.PENDING, OrderStatus.REJECTED, reason)
    holding_a.reserved = max(holding_a.reserved - sell.units, Decimal(0))
    stats["rejected"] += 2
    stats["switches_rejected"] += 1


def confirm_buy(
    order, terms: Terms, nav, holding: HoldingState, writes: BatchWrites, stats
) -> None:
    if terms.kind == ProductKind.FUND:
        _confirm_fund_buy(order, terms, nav, holding, writes, stats)
        return
    product = terms.product
    matures_on = cooling_off_until = None
    agreed = _agreed_lot_terms(order, terms)
    if terms.kind == ProductKind.SAVINGS:
        fee, fee_rate, net, units, nav = Decimal(0), Decimal(0), order.amount, order.amount, None
        matures_on = pricing.add_months(order.trade_date, agreed["term_months"])
        reason = f"Deposit confirmed; it matures on {matures_on}."
    else:
        fee, fee_rate, net, units, nav = Decimal(0), Decimal(0), order.amount, Decimal(1), None
        cooling_off_until = order.trade_date + dt.timedelta(
            days=product.insurance_terms.cooling_off_days
        )
        reason = f"Policy in force; it can be cancelled for a refund until {cooling_off_until}."
    writes.confirmed_buys.append(
        ConfirmedBuyRow(
            order.id, OrderStatus.CONFIRMED, units, fee, fee_rate, net, nav, writes.now, writes.day
        )
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


def _confirm_fund_buy(
    order, terms: Terms, nav, holding: HoldingState, writes: BatchWrites, stats
) -> None:
    """A fund buy at NAV(T): the band it kept at placement (or its coupon's fee), else the
    product's band for its amount; units rounded down. No units: rejected and refunded."""
    if order.discount is not None:  # a coupon's fee, fixed at placement, is the fee charged
        band = pricing.agreed_band(rate=None, fixed_fee=order.fee)
    elif terms.money_market:
        band = None
    elif order.subscription_rate is not None or order.subscription_fixed_fee is not None:
        band = pricing.agreed_band(
            rate=order.subscription_rate, fixed_fee=order.subscription_fixed_fee
        )
    else:
        band = terms.band_for(order.amount)
    priced = pricing.fund_subscription(amount=order.amount, nav=nav, band=band)
    units = priced.units
    if units <= 0:
        if order.discount is not None:
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
    fee_rate = priced.fee_rate
    if order.discount is not None:
        fee_rate = order.fee_rate
        writes.coupons_used.append(order.id)
    writes.confirmed_buys.append(
        ConfirmedBuyRow(
            order.id,
            OrderStatus.CONFIRMED,
            units,
            priced.fee,
            fee_rate,
            priced.net,
            nav,
            writes.now,
            writes.day,
        )
    )
    writes.event(
        order.id,
        OrderStatus.PENDING,
        OrderStatus.CONFIRMED,
        f"Confirmed at NAV {nav} of {order.trade_date}: {units} units.",
    )
    kept = order.redemption_tiers
    writes.fund_lots.append(
        FundLotRow(
            holding.pk,
            order.id,
            LotSource.PURCHASE,
            order.trade_date,
            units,
            units,
            order.amount,
            terms.redemption_rows if kept is None else kept,
        )
    )
    holding.units += units
    holding.cost += order.amount
    stats["confirmed"] += 1


def _agreed_lot_terms(order: PendingOrder, terms: Terms) -> dict:
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
    return {"redemption_tiers": terms.redemption_rows if kept is None else kept}


def _remaining(written: LotRemainingRow | None, lot: pricing.OpenLot) -> tuple[Decimal, Decimal]:
    """A lot's units and cost as this batch has left them so far."""
    if written is None:
        return lot.units, lot.cost
    return written.units_remaining, written.cost_remaining


def confirm_sell(
    order, terms: Terms, nav, holding: HoldingState, open_lots, writes: BatchWrites, stats
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
