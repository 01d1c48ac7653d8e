"""Reads for switching: the funds a holding may switch into, the review's estimate, the
investor's switches with both orders, and a switch's status (its orders')."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from products.models import NavPrice, Product, ProductKind
from products.selectors import catalogue_queryset, subscription_band_for

from ... import pricing
from ...models import Order, OrderStatus, Side
from ...schedule import can_cancel, order_schedule
from ...selectors.portfolio import Position, sale_estimate
from .models import Switch, SwitchStatus


def switch_targets(*, from_product: Product) -> QuerySet[Product]:
    """The funds ``from_product`` may be switched into: the same institution's funds on sale,
    itself excepted."""
    return (
        catalogue_queryset()
        .filter(institution_id=from_product.institution_id, kind=ProductKind.FUND)
        .exclude(pk=from_product.pk)
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class SwitchEstimate:
    """What a switch would do at the latest NAVs (the orders price at NAV(T) at end of day)."""

    sale: pricing.Sale  # A's sale, lot by lot, at A's latest NAV
    from_nav: Decimal
    from_rate: Decimal  # A's subscription fee rate for the amount
    to_rate: Decimal  # B's
    fee: pricing.SwitchFee
    to_nav: Decimal | None  # B's latest NAV (None: none published yet)
    to_units: Decimal | None  # B's units at it
    trade_date: dt.date
    expected_confirm_date: dt.date
    cancel_by: dt.datetime | None


def switch_estimate(
    *, position: Position, to_product: Product, units: Decimal, now: dt.datetime | None = None
) -> SwitchEstimate | None:
    """The review's figures for switching ``units`` of ``position`` into ``to_product``; None
    when the holding cannot cover them or has no price."""
    now = now or timezone.now()
    from_nav = _latest_nav(position.product)
    if from_nav is None:
        return None
    position = replace(position, price=from_nav)
    schedule = order_schedule(side=Side.SELL, now=now)
    sale = sale_estimate(position=position, units=units, trade_date=schedule.trade_date)
    if sale is None:
        return None
    amount = sale.paid
    from_rate = pricing.subscription_rate_for(
        band=subscription_band_for(product=position.product, amount=amount), amount=amount
    )
    to_rate = pricing.subscription_rate_for(
        band=subscription_band_for(product=to_product, amount=amount), amount=amount
    )
    fee = pricing.switch_fee(
        redemption_fee=sale.fee, proceeds=amount, from_rate=from_rate, to_rate=to_rate
    )
    to_nav = _latest_nav(to_product)
    to_units = pricing.switch_units(fee=fee, nav=to_nav).units if to_nav else None
    return SwitchEstimate(
        sale=sale,
        from_nav=from_nav,
        from_rate=from_rate,
        to_rate=to_rate,
        fee=fee,
        to_nav=to_nav,
        to_units=to_units,
        trade_date=schedule.trade_date,
        expected_confirm_date=schedule.expected_confirm_date,
        cancel_by=schedule.cancel_by,
    )


def _latest_nav(product: Product) -> Decimal | None:
    """The fund's latest published NAV (a money-market fund's is fixed at 1.0000)."""
    if product.is_money_market:
        return pricing.MONEY_MARKET_NAV
    return (
        NavPrice.objects.filter(product=product).order_by("-date").values_list("nav", flat=True)
    ).first()


def _with_orders(qs: QuerySet[Switch]) -> QuerySet[Switch]:
    return qs.select_related("from_product", "to_product", "institution").prefetch_related(
        Prefetch(
            "orders",
            queryset=Order.objects.select_related("product").prefetch_related("lot_movements__lot"),
        )
    )


def switches_of(*, user) -> QuerySet[Switch]:
    """The investor's switches, newest first, each with both orders."""
    return _with_orders(Switch.objects.filter(user=user)).order_by("-created_at", "-id")


def switch_of(*, user, pk: int) -> Switch:
    """One of the investor's switches (another investor's raises ``Switch.DoesNotExist``)."""
    return _with_orders(Switch.objects.filter(user=user)).get(pk=pk)


def switch_legs(switch: Switch) -> tuple[Order | None, Order | None]:
    """The switch's sell and buy (from the prefetched orders)."""
    legs = {order.side: order for order in switch.orders.all()}
    return legs.get(Side.SELL), legs.get(Side.BUY)


def switch_status(switch: Switch) -> str:
    """The status its orders say: both move together (pending → confirmed, cancelled or
    rejected)."""
    sell, buy = switch_legs(switch)
    statuses = {sell.status if sell else None, buy.status if buy else None}
    if statuses == {OrderStatus.CANCELLED}:
        return SwitchStatus.CANCELLED
    if statuses == {OrderStatus.REJECTED}:
        return SwitchStatus.REJECTED
    if sell and buy and sell.status == OrderStatus.SETTLED and buy.status != OrderStatus.PENDING:
        return SwitchStatus.CONFIRMED
    return SwitchStatus.PENDING


def switch_cancellable(switch: Switch, *, now: dt.datetime | None = None) -> bool:
    """Whether the investor can still cancel it (both orders pending, before the cut-off)."""
    now = now or timezone.now()
    legs = [leg for leg in switch_legs(switch) if leg is not None]
    return len(legs) == 2 and all(can_cancel(order=leg, now=now, with_switch=True) for leg in legs)
