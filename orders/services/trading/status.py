"""An order's status moves, and cancelling: by the investor before the cut-off, by staff
whatever the time."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from ...coupons import services as coupons
from ...models import ORDER_TRANSITIONS, EntryKind, Holding, Order, OrderEvent, OrderStatus, Side
from ...schedule import NOT_CANCELLABLE, cancel_refusal
from ..cash.ledger import post_entry
from ..notices import order_events_notice_enqueue

STAFF_ONLY = _("Only platform staff can do this.")
STAFF_REASON_REQUIRED = _("Give a reason; the investor will read it.")
STAFF_CANCELLED = _("Cancelled by platform staff, money or units returned: {reason}")
ILLEGAL_ORDER_MOVE = _("An order that is {from_status} cannot become {to_status}.")


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
