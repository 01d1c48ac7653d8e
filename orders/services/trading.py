"""Orders and the trading calendar: placing, cancelling, status moves, holidays."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from institutions.models import InstitutionStatus
from institutions.selectors import commission_contract_in_force
from marketplace.accounts import EMAIL_NOT_VERIFIED, email_verified
from marketplace.db_router import primary_reads
from marketplace.money import UNITS_MESSAGES, format_amount, parse_amount
from marketplace.tasks import enqueue
from products.models import FeeSchedule, Product, ProductKind
from products.selectors import catalogue_queryset, fee_tiers_of, subscription_band_for
from profiles.identity.selectors import identity_required
from profiles.selectors import profile_of, suitability_for
from profiles.suitability import Suitability

from .. import pricing
from ..calendar import confirmation_date, next_trading_day
from ..coupons import services as coupons
from ..models import (
    ORDER_TRANSITIONS,
    EntryKind,
    Holding,
    Holiday,
    Lot,
    Order,
    OrderEvent,
    OrderStatus,
    PurchaseRefusal,
    Side,
)
from ..schedule import NOT_CANCELLABLE, cancel_refusal, order_schedule
from .cash import InsufficientCashError, post_entry
from .end_of_day import confirm_orders
from .notices import order_events_notice_enqueue

# --- trading calendar --------------------------------------------------------------------------

HOLIDAY_TAKEN = _("{date} is already a holiday.")
HOLIDAY_WEEKEND = _("{date} is a weekend day: markets are closed anyway.")
HOLIDAY_MOVED_TRADE = _(
    "{date} is now a holiday ({name}): the order trades on {trade_date} instead, can be "
    "cancelled until 15:00 that day and is expected to be confirmed on {confirm_date}."
)
HOLIDAY_MOVED_CONFIRMATION = _(
    "{date} is now a holiday ({name}): the order is expected to be confirmed on "
    "{confirm_date} instead."
)


@transaction.atomic
def holiday_add(*, actor, date, name: str) -> Holiday:
    if not actor.is_staff:
        raise PermissionDenied(_("Only platform staff edit the trading calendar."))
    if date.weekday() >= 5:
        raise ValidationError({"date": HOLIDAY_WEEKEND.format(date=date)})
    holiday = Holiday(date=date, name=(name or "").strip())
    holiday.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            holiday.save()
    except IntegrityError as exc:
        raise ValidationError({"date": HOLIDAY_TAKEN.format(date=date)}) from exc
    orders_move_for_holiday(holiday=holiday, actor=actor)
    return holiday


def _pending_event(order_id: int, actor, reason) -> OrderEvent:
    return OrderEvent(
        order_id=order_id,
        actor=actor,
        from_status=OrderStatus.PENDING,
        to_status=OrderStatus.PENDING,
        reason=str(reason)[:300],
    )


def orders_move_for_holiday(*, holiday: Holiday, actor) -> int:
    """Pending orders that would trade (or be confirmed) on a day that just became a holiday
    move to the next trading day: trade date, expected confirmation and cancel-by time (15:00
    of the trade date) together; each gets an event with the reason and the investor an
    e-mail. Returns how many moved. Call inside the transaction that added the holiday."""
    day = holiday.date
    new_trade = next_trading_day(day)
    new_confirm = confirmation_date(new_trade)
    affected = (
        Order.objects.select_for_update()
        .filter(status=OrderStatus.PENDING)
        .filter(Q(trade_date=day) | Q(expected_confirm_date=day))
        .order_by("pk")
    )
    rows = list(affected.values_list("pk", "trade_date", "expected_confirm_date"))
    if not rows:
        return 0
    trading = [pk for pk, trade, _confirm in rows if trade == day]
    Order.objects.filter(pk__in=trading).update(
        trade_date=new_trade, expected_confirm_date=new_confirm
    )
    reason = HOLIDAY_MOVED_TRADE.format(
        date=day, name=holiday.name, trade_date=new_trade, confirm_date=new_confirm
    )
    events = [_pending_event(pk, actor, reason) for pk in trading]
    # Orders of an earlier trade date that were to be confirmed on the new holiday.
    confirming: dict[dt.date, list[int]] = {}
    for pk, trade, _confirm in rows:
        if trade != day:
            confirming.setdefault(trade, []).append(pk)
    for trade, pks in confirming.items():
        confirm = confirmation_date(trade)
        Order.objects.filter(pk__in=pks).update(expected_confirm_date=confirm)
        reason = HOLIDAY_MOVED_CONFIRMATION.format(
            date=day, name=holiday.name, confirm_date=confirm
        )
        events += [_pending_event(pk, actor, reason) for pk in pks]
    created = OrderEvent.objects.bulk_create(events)
    order_events_notice_enqueue(event_ids=[e.pk for e in created])
    return len(rows)


@transaction.atomic
def holiday_remove(*, actor, holiday: Holiday) -> None:
    if not actor.is_staff:
        raise PermissionDenied(_("Only platform staff edit the trading calendar."))
    holiday.delete()


# --- orders ----------------------------------------------------------------------------------

INSTANT_NOTICE_TASK = "orders.campaigns.tasks.order_notices"
NOT_ON_SALE = _("This product is not on sale.")
INSTITUTION_SUSPENDED = _(
    "{institution} is suspended: its products take no new purchases for now. You can still "
    "sell or withdraw what you hold."
)
STAFF_ONLY = _("Only platform staff can do this.")
STAFF_REASON_REQUIRED = _("Give a reason; the investor will read it.")
STAFF_CANCELLED = _("Cancelled by platform staff, money or units returned: {reason}")
BELOW_MINIMUM = _("The minimum purchase is {minimum}.")
PREMIUM_ONLY = _("This policy costs {premium}: the amount must be exactly the premium.")
ACK_REQUIRED = _("Confirm that you have read this warning and accept the risk. {warning}")
IDEMPOTENCY_CONFLICT = _("This Idempotency-Key was already used for a different order.")
ILLEGAL_ORDER_MOVE = _("An order that is {from_status} cannot become {to_status}.")
AMOUNT_REQUIRED = _("Enter the amount to buy.")
UNITS_REQUIRED = _("Enter the number of units to sell.")
NOT_HELD = _("You do not hold this product.")
SELL_TOO_MANY = _("You can sell at most {available}: that is what you hold.")
SELL_TOO_MANY_RESERVED = _(
    "You can sell at most {available}: you hold {units}, "
    "of which {reserved} are already in pending sell orders."
)
WHOLE_POLICIES = _("Policies are cancelled whole: enter a whole number (1 per policy).")
COOLING_OFF_OVER = _(
    "A policy can be cancelled for a refund only within its cooling-off period; "
    "{count} of yours still can be."
)


class IdempotencyConflictError(ValidationError):
    """The same key was sent with a different request (HTTP 422)."""


def order_transition(*, order: Order, to_status: str, actor=None, reason: str = "") -> Order:
    """The one way an order changes status: legal moves only, with an event row. Call inside a
    transaction holding the order's row lock."""
    if to_status not in ORDER_TRANSITIONS[order.status]:
        raise ValidationError(
            ILLEGAL_ORDER_MOVE.format(from_status=order.status, to_status=to_status)
        )
    OrderEvent.objects.create(
        order=order, actor=actor, from_status=order.status, to_status=to_status, reason=reason
    )
    order.status = to_status
    return order


def _existing_for_key(*, user, key: str, request_hash: str) -> Order | None:
    existing = Order.objects.filter(user=user, idempotency_key=key).first()
    if existing is not None and existing.request_hash != request_hash:
        raise IdempotencyConflictError(IDEMPOTENCY_CONFLICT)
    return existing


def purchase_refusal_record(*, user, product: Product, reason: str) -> PurchaseRefusal:
    """Remember (once a day) that this investor could not buy this product, and why."""
    refusal, _ = PurchaseRefusal.objects.get_or_create(
        user=user,
        product=product,
        day=timezone.localdate(),
        defaults={"institution_id": product.institution_id, "reason": reason[:300]},
    )
    return refusal


def sellable_units(*, holding: Holding | None, on_date) -> Decimal:
    """What the investor may still sell of a holding: units not already in pending sell orders;
    for insurance, only policies still within their cooling-off period."""
    if holding is None:
        return Decimal(0)
    lots = Lot.objects.filter(holding=holding, units_remaining__gt=0)
    return pricing.sellable(
        kind=holding.kind,
        units=holding.units,
        reserved=holding.reserved,
        lots=lots.values_list("units_remaining", "cooling_off_until")
        if holding.kind == ProductKind.INSURANCE
        else (),
        day=on_date,
    )


def _check_sell(*, product: Product, units, holding: Holding | None, on_date) -> Decimal:
    if units in (None, ""):
        raise ValidationError({"units": UNITS_REQUIRED})
    try:
        units = parse_amount(units, maximum=settings.MAX_ORDER_AMOUNT, messages=UNITS_MESSAGES)
    except ValueError as exc:
        raise ValidationError({"units": str(exc)}) from exc
    if holding is None or holding.units <= 0:
        raise ValidationError({"product": NOT_HELD})
    if product.kind == ProductKind.INSURANCE and units != units.to_integral_value():
        raise ValidationError({"units": WHOLE_POLICIES})
    available = sellable_units(holding=holding, on_date=on_date)
    if units > available:
        if product.kind == ProductKind.INSURANCE:
            raise ValidationError({"units": COOLING_OFF_OVER.format(count=int(available))})
        message = SELL_TOO_MANY_RESERVED if holding.reserved else SELL_TOO_MANY
        raise ValidationError(
            {
                "units": message.format(
                    available=format_amount(available),
                    units=format_amount(holding.units),
                    reserved=format_amount(holding.reserved),
                )
            }
        )
    return units


def order_check(
    *,
    user,
    product: Product,
    side: str,
    amount=None,
    units=None,
    acknowledge_risk: bool | None,
) -> tuple[Decimal, Suitability | None]:
    """Everything an order must pass before money or units move. Returns the amount (buy) or
    the units (sell) and, for a buy, the suitability outcome.

    ``acknowledge_risk=None`` skips the acknowledgement (the checkout's review step, which shows
    the warning and asks for it). Selling needs no suitability check: it only lowers risk.
    """
    if not email_verified(user):
        raise PermissionDenied(EMAIL_NOT_VERIFIED)
    if side == Side.SELL:
        holding = Holding.objects.filter(user=user, product=product).first()
        units = _check_sell(
            product=product, units=units, holding=holding, on_date=timezone.localdate()
        )
        return units, None
    identity_required(user=user)  # buying needs a verified identity; selling never does
    if product.institution.status == InstitutionStatus.SUSPENDED:
        raise ValidationError(
            {
                "product": ValidationError(
                    INSTITUTION_SUSPENDED.format(institution=product.institution.name),
                    code="institution_suspended",
                )
            }
        )
    if not catalogue_queryset().filter(pk=product.pk).exists():
        raise ValidationError({"product": NOT_ON_SALE})
    if amount in (None, ""):
        raise ValidationError({"amount": AMOUNT_REQUIRED})
    try:
        amount = parse_amount(amount, maximum=settings.MAX_ORDER_AMOUNT)
    except ValueError as exc:
        raise ValidationError({"amount": str(exc)}) from exc
    if product.kind == ProductKind.INSURANCE:
        premium = product.insurance_terms.premium
        if amount != premium:
            raise ValidationError({"amount": PREMIUM_ONLY.format(premium=format_amount(premium))})
    elif amount < product.min_purchase:
        raise ValidationError(
            {"amount": BELOW_MINIMUM.format(minimum=format_amount(product.min_purchase))}
        )
    suitability = suitability_for(profile=profile_of(user=user), product_risk=product.risk_level)
    if suitability.refused:
        purchase_refusal_record(user=user, product=product, reason=suitability.reason)
        raise ValidationError({"product": suitability.reason})
    if suitability.needs_acknowledgement and acknowledge_risk is False:
        raise ValidationError(
            {"acknowledge_risk": ACK_REQUIRED.format(warning=suitability.warning_text)}
        )
    return amount, suitability


def instant_allowance(*, user, product: Product, on_date) -> Decimal:
    """How many money-market units the investor may still redeem instantly (T+0) today."""
    if not product.is_money_market:
        return Decimal(0)
    used = Order.objects.filter(
        user=user,
        product=product,
        instant=True,
        trade_date=on_date,
        status__in=[OrderStatus.CONFIRMED, OrderStatus.SETTLED],
    ).aggregate(total=Sum("units"))["total"] or Decimal(0)
    return max(settings.MONEY_MARKET_INSTANT_LIMIT - used, Decimal(0))


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
    quantity, suitability = order_check(
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
    units = _check_sell(product=product, units=units, holding=holding, on_date=today)
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


@transaction.atomic
def order_cancel(*, order: Order, actor, now=None, with_switch: bool = False) -> Order:
    """The investor cancels a pending order before its cut-off; the money comes back. One leg
    of a switch is refused alone: ``orders.plans.switching`` cancels both (``with_switch``)."""
    now = now or timezone.now()
    order = Order.objects.select_for_update().get(pk=order.pk)
    if refusal := cancel_refusal(order=order, now=now, with_switch=with_switch):
        raise ValidationError(refusal.message, code=refusal.code)
    return _cancelled(
        order=order, actor=actor, reason=gettext_noop("Cancelled by the investor."), now=now
    )


def _cancelled(
    *, order: Order, actor, reason: str, now, refund: str = gettext_noop("Order cancelled")
) -> Order:
    """Cancel a pending ``order`` (its row locked): the units back, the money refunded."""
    order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=actor, reason=reason)
    order.cancelled_at = now
    order.save(update_fields=["status", "cancelled_at"])
    coupons.coupon_redemptions_release(order_ids=[order.pk], now=now)
    if order.side == Side.SELL:
        Holding.objects.filter(user=order.user, product=order.product).update(
            reserved=F("reserved") - order.units, updated_at=now
        )
    elif order.amount:
        post_entry(
            user=order.user,
            kind=EntryKind.REFUND,
            amount=order.amount,
            reference=f"order:{order.pk}",
            description=refund,
        )
    return order


@transaction.atomic
def order_cancel_by_staff(*, order: Order, actor, reason: str, now=None) -> Order:
    """Staff cancel a pending order that cannot settle (its institution suspended, its NAV
    never coming), whatever the time: a buy's money is refunded, a sell's units are released.
    The reason goes on the order's event and the investor is e-mailed."""
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied(STAFF_ONLY)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(STAFF_REASON_REQUIRED, code="reason_required")}
        )
    now = now or timezone.now()
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != OrderStatus.PENDING:
        raise ValidationError(
            NOT_CANCELLABLE.format(status=order.get_status_display().lower()),
            code="not_cancellable",
        )
    # A switch is cancelled whole: both legs, locked in id order.
    legs = (
        list(
            Order.objects.select_for_update()
            .filter(switch_id=order.switch_id, status=OrderStatus.PENDING)
            .order_by("pk")
        )
        if order.switch_id
        else [order]
    )
    text = str(STAFF_CANCELLED.format(reason=reason))[:300]
    event_ids = []
    for leg in legs:
        _cancelled(
            order=leg,
            actor=actor,
            reason=text,
            now=now,
            refund=gettext_noop("Order cancelled by staff"),
        )
        event_ids.append(leg.events.latest("pk").pk)  # the cancellation's (order_transition)
    order_events_notice_enqueue(event_ids=event_ids)
    return next(leg for leg in legs if leg.pk == order.pk)
