"""Placing an order: one service for the checkout, the API, plans and switches."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from institutions.selectors import commission_contract_in_force
from marketplace.db_router import primary_reads
from marketplace.tasks import enqueue
from products.models import FeeSchedule, Product, ProductKind
from products.selectors import fee_tiers_of, subscription_band_for
from profiles.suitability import Suitability

from ... import pricing
from ...coupons import services as coupons
from ...models import EntryKind, Holding, Order, OrderEvent, OrderStatus, Side
from ...schedule import order_schedule
from ..cash.ledger import InsufficientCashError, post_entry
from ..end_of_day import confirm_orders
from .checks import NOT_HELD, check_sell, elderly, instant_allowance, order_checks

INSTANT_NOTICE_TASK = "orders.campaigns.tasks.order_notices"
IDEMPOTENCY_CONFLICT = _("This Idempotency-Key was already used for a different order.")


class IdempotencyConflictError(ValidationError):
    """The same key was sent with a different request (HTTP 422)."""


def _existing_for_key(*, user, key: str, request_hash: str) -> Order | None:
    """The order this key placed before, or None. Almost every key is new: the lookup reads
    two columns (no order to build), and only a replay loads the order it returns."""
    found = (
        Order.objects.filter(user=user, idempotency_key=key)
        .values_list("pk", "request_hash")
        .first()
    )
    if found is None:
        return None
    if found[1] != request_hash:
        raise IdempotencyConflictError(IDEMPOTENCY_CONFLICT)
    return Order.objects.get(pk=found[0])


@primary_reads()  # its checks decide money: never on the read replica (marketplace.db_router)
def order_place(
    *,
    user,
    product: Product,
    side: str,
    amount=None,
    units=None,
    acknowledge_risk: bool = False,
    idempotency_key: str = "",
    request_hash: str = "",
    coupon: str = "",
    now=None,
    switch=None,
) -> tuple[Order, bool]:
    """Place an order; returns it and whether it was created (False: a replay of its key).

    Checks, in one place for the web checkout and the API: verified e-mail; for a buy, product
    on sale, amount (2 dp, ≥ minimum, ≤ the per-order limit), suitability (refused, or an
    explicit acknowledgement recorded with the warning's version) and available cash (debited
    now); for a sell, units held and not already in a pending sell (reserved now, under the
    holding's row lock). A money-market redemption within today's instant allowance is paid at
    once (T+0). ``coupon`` (a code, or the id of one in the investor's wallet) discounts a
    fund buy's fee, fixed now (see ``orders.coupons``); an unusable one refuses the order.

    ``switch`` (only ``orders.plans.switching`` passes it) makes the order one leg of that switch: a
    sell is never instant; a buy is checked for ``amount`` (the switch's estimate) but debits
    no cash and keeps no amount: its sell's proceeds pay for it when the pair is confirmed, at
    the switch's difference rate (``orders.pricing.switch_fee``).
    """
    if idempotency_key:
        existing = _existing_for_key(user=user, key=idempotency_key, request_hash=request_hash)
        if existing is not None:
            return existing, False
    now = now or timezone.now()
    coupon_id = None
    if coupon not in (None, ""):
        coupon_id = coupons.coupon_reference_resolve(user=user, reference=str(coupon), side=side)
    quantity, suitability, birth_date = order_checks(
        user=user,
        product=product,
        side=side,
        amount=amount,
        units=units,
        acknowledge_risk=acknowledge_risk,
    )
    contract = commission_contract_in_force(
        institution=product.institution,
        product_kind=product.kind,
        on_date=timezone.localdate(now),
    )
    fields = {
        "user": user,
        "product": product,
        "institution": product.institution,
        "kind": product.kind,
        "side": side,
        "placed_at": now,
        "contract": contract,
        "contract_upfront_basis": contract.upfront_basis if contract else "",
        "contract_upfront_rate": contract.upfront_rate if contract else None,
        "contract_trail_rate": contract.trail_rate if contract else None,
        "idempotency_key": idempotency_key,
        "request_hash": request_hash,
        "switch": switch,
    }
    try:
        with transaction.atomic():
            if side == Side.SELL:
                order = _place_sell(fields, units=quantity, now=now)
            else:
                # order_check always judges suitability for a buy.
                judged = cast(Suitability, suitability)
                order = _place_buy(
                    fields, amount=quantity, suitability=judged, now=now, coupon_id=coupon_id
                )
    except IntegrityError:
        if not idempotency_key:
            raise
        existing = _existing_for_key(user=user, key=idempotency_key, request_hash=request_hash)
        if existing is None:
            raise
        return existing, False
    # Known now from the identity the checks read: the answer need not read it again.
    order.investor_elderly = side == Side.BUY and elderly(birth_date)  # type: ignore[attr-defined]
    return order, True


def agreed_terms(*, product: Product, amount: Decimal) -> dict:
    """What a buy of ``amount`` agrees to, as the order keeps it (DESIGN §4): a fund's
    subscription band for the amount (the checkout's estimate prices the same band) and its
    redemption schedule; a deposit's rate, term and early rate; a policy's cancellation fee."""
    if product.kind == ProductKind.SAVINGS:
        terms = product.savings_terms
        return {
            "annual_rate": terms.annual_rate,
            "term_months": terms.term_months,
            "early_withdrawal_rate": terms.early_withdrawal_rate,
        }
    if product.kind == ProductKind.INSURANCE:
        return {"cancellation_fee": product.insurance_terms.cancellation_fee}
    if not product.is_money_market:  # both schedules from one read of the product's tiers
        prefetch_related_objects([product], "fee_tiers")
    band = subscription_band_for(product=product, amount=amount)
    fixed = band.fixed_fee if band is not None else None
    return {
        "subscription_rate": None if fixed is not None else (band.rate if band else Decimal(0)),
        "subscription_fixed_fee": fixed,
        "redemption_tiers": [
            t.as_dict() for t in fee_tiers_of(product=product, schedule=FeeSchedule.REDEMPTION)
        ],
    }


def _switch_terms(*, switch, terms: dict) -> dict:
    """A switch's buy keeps the switch's difference rate as its subscription rate (what it
    pays on top of A's redemption fee) and B's redemption schedule for its units."""
    rate = pricing.switch_difference_rate(
        from_rate=switch.from_subscription_rate, to_rate=switch.to_subscription_rate
    )
    return {**terms, "subscription_rate": rate, "subscription_fixed_fee": None}


def _place_buy(
    fields: dict, *, amount: Decimal, suitability: Suitability, now, coupon_id: int | None = None
) -> Order:
    product, user = fields["product"], fields["user"]
    schedule = order_schedule(side=Side.BUY, now=now)
    terms = agreed_terms(product=product, amount=amount)
    switch = fields["switch"]
    if switch is not None:
        terms = _switch_terms(switch=switch, terms=terms)
    order = Order.objects.create(
        **fields,
        **terms,
        amount=None if switch is not None else amount,
        trade_date=schedule.trade_date,
        expected_confirm_date=schedule.expected_confirm_date,
        suitability=suitability.outcome,
        risk_acknowledged_version=(
            suitability.warning_version if suitability.needs_acknowledgement else ""
        ),
        risk_acknowledged_at=now if suitability.needs_acknowledgement else None,
    )
    OrderEvent.objects.create(
        order=order,
        actor=user,
        to_status=OrderStatus.PENDING,
        reason=gettext_noop("Placed: paid for by its switch's sale.")
        if switch is not None
        else gettext_noop("Placed."),
    )
    if switch is not None:  # no cash moves now: the sale's proceeds pay for it
        return order
    if coupon_id is not None:  # locks the coupon before the cash account (one lock order)
        coupons.coupon_redeem(order=order, coupon_id=coupon_id, band=kept_band(terms), now=now)
    try:
        post_entry(
            user=user,
            kind=EntryKind.PURCHASE,
            amount=-amount,
            reference=f"order:{order.pk}",
            description=f"Buy {product.name}",
        )
    except InsufficientCashError as exc:
        raise ValidationError({"amount": exc.messages}) from exc
    return order


def kept_band(terms: dict):
    """The subscription band ``agreed_terms`` kept, as a tier (None: not a fund)."""
    if "redemption_tiers" not in terms:
        return None
    return pricing.agreed_band(
        rate=terms["subscription_rate"], fixed_fee=terms["subscription_fixed_fee"]
    )


def _place_sell(fields: dict, *, units: Decimal, now) -> Order:
    product, user = fields["product"], fields["user"]
    today = timezone.localdate(now)
    holding = Holding.objects.select_for_update().filter(user=user, product=product).first()
    if holding is None:
        raise ValidationError({"product": NOT_HELD})
    units = check_sell(product=product, units=units, holding=holding, on_date=today)
    instant = fields["switch"] is None and units <= instant_allowance(
        user=user, product=product, on_date=today
    )
    schedule = order_schedule(side=Side.SELL, now=now, instant=instant)
    order = Order.objects.create(
        **fields,
        units=units,
        instant=instant,
        trade_date=schedule.trade_date,
        expected_confirm_date=schedule.expected_confirm_date,
        suitability="",
    )
    OrderEvent.objects.create(
        order=order,
        actor=user,
        to_status=OrderStatus.PENDING,
        reason=gettext_noop("Placed: instant redemption (T+0).")
        if instant
        else gettext_noop("Placed."),
    )
    holding.reserved += units
    holding.updated_at = now
    holding.save(update_fields=["reserved", "updated_at"])
    if instant:
        confirm_orders(
            orders=Order.objects.filter(pk=order.pk), business_date=today, stats=Counter()
        )
        order.refresh_from_db()
        # Paid at once: the investor is told now, not after tonight's end of day.
        enqueue(INSTANT_NOTICE_TASK, [order.pk])
    return order
