"""Asking for a NAV correction, rejecting it, and approving it: the NAV takes its new value and
every order it priced is re-priced (``repricing``); the steps of later sub-packages follow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import InstitutionStatus, Membership, Role
from marketplace.money import NAV_STEP, decimal_places
from products.models import NavPrice, Product, ProductKind
from products.services import product_stats_refresh

from ...models import (
    CorrectionStatus,
    Holding,
    NavCorrection,
    Order,
    OrderEvent,
    OrderStatus,
    Side,
)
from ..notices import order_events_notice_enqueue
from .repricing import _reprice_buy, _reprice_orderless_lots, _reprice_sell

CORRECTION_NOT_ALLOWED = _(
    "Only platform staff or editors of {institution} can ask for a NAV correction."
)
CORRECTION_STAFF_ONLY = _("Only platform staff approve or reject NAV corrections.")
CORRECTION_OWN_REQUEST = _("Another member of staff must approve a correction you asked for.")
CORRECTION_REASON_REQUIRED = _("Give the reason for the correction; investors will read it.")
CORRECTION_DECISION_REASON = _("Give a reason for rejecting it; the requester will read it.")
CORRECTION_NOT_A_FUND = _("Only a fund's NAV can be corrected (money-market NAV is fixed).")
CORRECTION_NO_NAV = _("There is no NAV of {date} to correct.")
CORRECTION_NOT_PRICED = _(
    "The NAV of {date} has not priced any order yet: upload the right value instead."
)
CORRECTION_SAME_NAV = _("The new NAV is the one already published.")
CORRECTION_BAD_NAV = _("Enter the NAV as a number above zero with at most 4 decimal places.")
CORRECTION_PENDING = _("A correction of this NAV is already waiting for approval.")
CORRECTION_DECIDED = _("This correction was already {status}.")
CORRECTION_STALE = _(
    "The NAV of {date} is {nav} now, not {old} as when the correction was asked for: "
    "reject it and ask again."
)

# Steps of later sub-packages run after a correction re-priced lots bought without an order,
# each called as ``step(correction=…, lines=[NavCorrectionLine with a lot], now=…)``: the
# distributions' payments follow their reinvested lots and the investors are told. They
# register from OrdersConfig.ready (trading never imports what is built on it, DESIGN §2).
AFTER_LOTS_REPRICED: list[Callable[..., None]] = []


def after_lots_repriced(step: Callable[..., None]) -> None:
    if step not in AFTER_LOTS_REPRICED:
        AFTER_LOTS_REPRICED.append(step)


# An internal invariant, not shown to users: a confirmed buy's units live in a holding.
BUY_WITHOUT_HOLDING = "Confirmed buy {order} has no holding to correct."


def _parse_nav(value) -> Decimal:
    try:
        nav = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(
            {"new_nav": ValidationError(CORRECTION_BAD_NAV, code="bad_nav")}
        ) from exc
    if not nav.is_finite() or nav <= 0 or decimal_places(nav) > 4 or nav >= Decimal("1e8"):
        raise ValidationError({"new_nav": ValidationError(CORRECTION_BAD_NAV, code="bad_nav")})
    return nav.quantize(NAV_STEP)


def _may_request(*, actor, product: Product) -> bool:
    if getattr(actor, "is_staff", False):
        return True
    institution = product.institution
    if institution.status != InstitutionStatus.APPROVED:
        return False
    membership = Membership.objects.filter(institution=institution, user=actor).first()
    return membership is not None and membership.has_role(Role.EDITOR)


@transaction.atomic
def nav_correction_request(
    *, product: Product, date: dt.date, new_nav, reason: str, actor
) -> NavCorrection:
    """Ask to correct a NAV that already priced orders (staff, or the institution's editors)."""
    if not _may_request(actor=actor, product=product):
        raise PermissionDenied(CORRECTION_NOT_ALLOWED.format(institution=product.institution.name))
    if product.kind != ProductKind.FUND or product.is_money_market:
        raise ValidationError(
            {"product": ValidationError(CORRECTION_NOT_A_FUND, code="not_a_fund")}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(CORRECTION_REASON_REQUIRED, code="reason_required")}
        )
    nav = _parse_nav(new_nav)
    price = NavPrice.objects.filter(product=product, date=date).first()
    if price is None:
        raise ValidationError(
            {"date": ValidationError(CORRECTION_NO_NAV.format(date=date), code="no_nav")}
        )
    if price.priced_at is None:
        raise ValidationError(
            {"date": ValidationError(CORRECTION_NOT_PRICED.format(date=date), code="not_priced")}
        )
    if price.nav == nav:
        raise ValidationError({"new_nav": ValidationError(CORRECTION_SAME_NAV, code="same_nav")})
    correction = NavCorrection(
        product=product,
        date=date,
        old_nav=price.nav,
        new_nav=nav,
        reason=reason,
        requested_by=actor,
    )
    correction.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            correction.save()
    except IntegrityError as exc:
        raise ValidationError(CORRECTION_PENDING, code="correction_pending") from exc
    return correction


def _lock_pending(*, correction: NavCorrection, actor) -> NavCorrection:
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied(CORRECTION_STAFF_ONLY)
    locked = NavCorrection.objects.select_for_update().get(pk=correction.pk)
    if locked.status != CorrectionStatus.PENDING:
        raise ValidationError(
            CORRECTION_DECIDED.format(status=locked.get_status_display().lower()),
            code="correction_decided",
        )
    return locked


@transaction.atomic
def nav_correction_reject(*, correction: NavCorrection, actor, reason: str) -> NavCorrection:
    correction = _lock_pending(correction=correction, actor=actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(CORRECTION_DECISION_REASON, code="reason_required")}
        )
    correction.status = CorrectionStatus.REJECTED
    correction.decided_by, correction.decided_at = actor, timezone.now()
    correction.decision_reason = reason
    correction.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    return correction


@transaction.atomic
def nav_correction_approve(*, correction: NavCorrection, actor, reason: str = "") -> NavCorrection:
    """Apply a correction: the NAV takes its new value and every order it priced is re-priced
    with correction rows (see the module's docstring); the investors are e-mailed."""
    correction = _lock_pending(correction=correction, actor=actor)
    if correction.requested_by_id == actor.pk:
        raise PermissionDenied(CORRECTION_OWN_REQUEST)
    price = NavPrice.objects.select_for_update().get(
        product_id=correction.product_id, date=correction.date
    )
    if price.nav != correction.old_nav:
        raise ValidationError(
            CORRECTION_STALE.format(date=price.date, nav=price.nav, old=correction.old_nav),
            code="correction_stale",
        )
    now = timezone.now()
    price.nav = correction.new_nav
    price.save(update_fields=["nav"])
    orders = list(
        Order.objects.select_for_update()
        .filter(
            product_id=correction.product_id,
            trade_date=correction.date,
            nav=correction.old_nav,
            status__in=[OrderStatus.CONFIRMED, OrderStatus.SETTLED],
        )
        .order_by("pk")
    )
    holdings = {
        h.user_id: h
        for h in Holding.objects.select_for_update()
        .filter(product_id=correction.product_id, user_id__in={o.user_id for o in orders})
        .order_by("pk")
    }
    events = []
    lines = []
    for order in orders:
        if order.side == Side.BUY:
            holding = holdings.get(order.user_id)
            if holding is None:  # a confirmed buy's units went into its investor's holding
                raise Holding.DoesNotExist(BUY_WITHOUT_HOLDING.format(order=order.pk))
            line, event_reason = _reprice_buy(correction, order, holding, now)
        else:
            line, event_reason = _reprice_sell(correction, order, now)
        line.event = OrderEvent.objects.create(
            order=order,
            actor=actor,
            from_status=order.status,
            to_status=order.status,
            reason=event_reason[:300],
            created_at=now,
        )
        line.save()
        events.append(line.event.pk)
    lines += _reprice_orderless_lots(correction, now)
    correction.status = CorrectionStatus.APPROVED
    correction.decided_by, correction.decided_at = actor, now
    correction.decision_reason = (reason or "").strip()
    correction.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    product_stats_refresh(product=Product.objects.get(pk=correction.product_id))
    order_events_notice_enqueue(event_ids=events)
    for step in AFTER_LOTS_REPRICED:
        step(correction=correction, lines=lines, now=now)
    return correction
