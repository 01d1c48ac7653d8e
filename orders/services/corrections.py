"""NAV corrections (DESIGN §4): a NAV that has priced orders is never overwritten by an upload.
The institution or staff request a correction with a reason; other staff approve it; approval
changes the NAV, keeps the old value on the correction, and re-prices every order it priced
with new rows only: unit movements on the lots (``corr_add`` / ``corr_take``), cash entries of
kind ``correction``, an order event, and an e-mail to each investor.

Decisions where the rules are silent:

* A buy priced too low got too many units. They are taken back from its lot, as far as the lot
  still has units not promised to a pending sell. Units already redeemed (or reserved) are
  settled in cash instead, at the corrected NAV of the trade date; a debit never takes the
  balance below zero, and what it could not recover is kept on the line (``cash_owed`` vs
  ``cash_posted``) for staff.
* Units a distribution reinvested at the corrected NAV (a lot with no order) are re-priced as a
  buy is: the money reinvested stays, the lot's units change (same rules for units already
  sold); the distribution's payment and its investor follow through a registered step.
* A sell is re-priced lot by lot with the fee rates it paid; the difference in proceeds is
  credited or debited in cash (same rule for debits).
* A switch's legs are orders like any other, each re-priced at its own fund's corrected NAV: A's
  NAV corrected, the sale's proceeds change and the difference is settled in cash while B's
  purchase stands as confirmed (re-buying B would move a price the investor already saw
  confirmed, and its commission with it); B's NAV corrected, B's units change for the same money.
* Commission: upfront commission is a rate of the amount paid or of the front-end fee, and
  neither depends on the NAV, so no commission correction is written. Trail already accrued is
  not re-priced; trail from the next day accrues on the corrected units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import InstitutionStatus, Membership, Role
from marketplace.money import NAV_STEP, decimal_places, round_amount, round_units
from products.models import NavPrice, Product, ProductKind
from products.services import product_stats_refresh

from ..models import (
    CashAccount,
    CorrectionStatus,
    EntryKind,
    Holding,
    Lot,
    LotMovement,
    LotSource,
    MovementKind,
    NavCorrection,
    NavCorrectionLine,
    Order,
    OrderEvent,
    OrderStatus,
    Side,
)
from .cash import cash_account_for, post_entry
from .notices import order_events_notice_enqueue

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
CORRECTION_NO_UNITS = _("At {nav} order {order} would buy no units; check the NAV.")

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
REPRICED_BUY = _("The NAV of {date} was corrected from {old} to {new}: you hold {units} units")
REPRICED_BUY_UNITS = _(" from this order instead of {old_units}")
REPRICED_SHORTFALL = _(
    "; {short} units were already sold, so {amount} is taken from your cash instead"
)
REPRICED_SELL = _(
    "The NAV of {date} was corrected from {old} to {new}: this sale pays {paid} instead of "
    "{old_paid}"
)
REPRICED_CASH = _("; the difference, {amount}, is in your cash")
REPRICED_REASON = _(" (reason: {reason}).")


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


def _reprice_orderless_lots(correction: NavCorrection, now) -> list[NavCorrectionLine]:
    """Lots the NAV priced without an order: the units a distribution reinvested at its ex-date
    NAV. Each is re-priced as a buy is: the money that bought it stays, its units change."""
    lots = list(
        Lot.objects.select_for_update()
        .filter(
            holding__product_id=correction.product_id,
            source=LotSource.REINVEST,
            acquired_on=correction.date,
            order__isnull=True,
        )
        .select_related("holding__user", "holding__product")
        .order_by("pk")
    )
    holdings = {
        h.pk: h
        for h in Holding.objects.select_for_update()
        .filter(pk__in={lot.holding_id for lot in lots})
        .order_by("pk")
    }
    # The cost each lot has released so far (sales, earlier corrections): one grouped query.
    released = dict(
        LotMovement.objects.filter(lot_id__in=[lot.pk for lot in lots])
        .values("lot_id")
        .annotate(total=Sum("cost"))
        .values_list("lot_id", "total")
    )
    lines = []
    for lot in lots:
        holding = holdings[lot.holding_id]
        paid_for = lot.cost_remaining + (released.get(lot.pk) or Decimal(0))
        old_units = lot.units
        change = _reprice_lot(
            correction,
            lot=lot,
            holding=holding,
            amount=paid_for,
            posting=_Posting(
                user=holding.user,
                reference=f"navcorrection:{correction.pk}:lot:{lot.pk}",
                description=f"NAV correction {holding.product.name} {correction.date}",
            ),
            now=now,
        )
        line = NavCorrectionLine(
            correction=correction,
            lot=lot,
            old_units=old_units,
            new_units=change.units,
            units_moved=change.moved,
            old_amount=paid_for,
            new_amount=paid_for,
            cash_owed=change.owed,
            cash_posted=change.posted,
        )
        line.save()
        lines.append(line)
    return lines


class _Posting(NamedTuple):
    """Where a correction's cash goes: whose account, and the entry's reference and text."""

    user: object
    reference: str
    description: str


def _order_posting(order: Order, correction: NavCorrection) -> _Posting:
    return _Posting(
        user=order.user,
        reference=f"navcorrection:{correction.pk}:order:{order.pk}",
        description=f"NAV correction {order.product.name} {correction.date}",
    )


def _post_correction(posting: _Posting, owed: Decimal) -> Decimal:
    """Credit ``owed`` (or debit it, as far as the balance allows); returns what was posted."""
    if owed < 0:
        account = CashAccount.objects.select_for_update().get(
            pk=cash_account_for(user=posting.user).pk
        )
        posted = -min(-owed, account.balance)
    else:
        posted = owed
    if posted:
        post_entry(
            user=posting.user,
            kind=EntryKind.CORRECTION,
            amount=posted,
            reference=posting.reference,
            description=posting.description,
        )
    return posted


class _LotChange(NamedTuple):
    units: Decimal  # the lot's units at the corrected NAV
    moved: Decimal  # signed: added to (−: taken from) the lot
    shortfall: Decimal  # units already sold or promised, settled in cash instead
    owed: Decimal
    posted: Decimal


def _reprice_lot(
    correction, *, lot: Lot, holding: Holding, amount: Decimal, posting: _Posting, now
) -> _LotChange:
    """A lot bought with ``amount`` at the old NAV, bought again at the new one: units added
    to it, or taken back from it as far as it still has units not promised to a pending sell;
    units already gone are settled in cash at the corrected NAV (see the module's docstring)."""
    new_units = round_units(amount / correction.new_nav)
    if new_units <= 0:
        raise ValidationError(
            CORRECTION_NO_UNITS.format(nav=correction.new_nav, order=lot.order_id or lot.pk),
            code="no_units",
        )
    delta = new_units - lot.units
    moved, shortfall, released = Decimal(0), Decimal(0), Decimal(0)
    if delta > 0:
        moved = delta
        lot.units += delta
        lot.units_remaining += delta
        lot.closed_on = None
        _movement(lot, MovementKind.CORRECTION_ADD, delta, Decimal(0), correction, now)
    elif delta < 0:
        want = -delta
        take = max(min(want, lot.units_remaining, holding.units - holding.reserved), Decimal(0))
        shortfall = want - take
        if take:
            moved = -take
            lot.units -= take
            lot.units_remaining -= take
            if lot.units_remaining == 0:
                # Nothing left in the lot: its cost goes with the units, as a sale's would.
                released, lot.cost_remaining = lot.cost_remaining, Decimal(0)
                lot.closed_on = lot.closed_on or timezone.localdate(now)
            _movement(lot, MovementKind.CORRECTION_TAKE, take, released, correction, now)
    lot.save(update_fields=["units", "units_remaining", "cost_remaining", "closed_on"])
    if moved or released:
        holding.units += moved
        holding.cost -= released
        holding.updated_at = now
        holding.save(update_fields=["units", "cost", "updated_at"])
    owed = -round_amount(shortfall * correction.new_nav)
    posted = _post_correction(posting, owed) if owed else Decimal(0)
    return _LotChange(new_units, moved, shortfall, owed, posted)


def _reprice_buy(correction, order: Order, holding: Holding, now) -> tuple[NavCorrectionLine, str]:
    """The buy's line (unsaved) at the new NAV, and the reason its order event gives."""
    old_units = order.units
    lot = Lot.objects.select_for_update().get(order=order)
    change = _reprice_lot(
        correction,
        lot=lot,
        holding=holding,
        amount=order.net_amount,
        posting=_order_posting(order, correction),
        now=now,
    )
    order.units, order.nav = change.units, correction.new_nav
    order.save(update_fields=["units", "nav"])
    text = REPRICED_BUY.format(
        date=correction.date, old=correction.old_nav, new=correction.new_nav, units=change.units
    ) + REPRICED_BUY_UNITS.format(old_units=old_units)
    if change.shortfall:
        text += REPRICED_SHORTFALL.format(short=change.shortfall, amount=f"{-change.owed:,.2f}")
    text += REPRICED_REASON.format(reason=correction.reason)
    line = NavCorrectionLine(
        correction=correction,
        order=order,
        old_units=old_units,
        new_units=change.units,
        units_moved=change.moved,
        old_amount=order.amount,
        new_amount=order.amount,
        cash_owed=change.owed,
        cash_posted=change.posted,
    )
    return line, str(text)


def _movement(lot: Lot, kind: str, units: Decimal, cost: Decimal, correction, now) -> None:
    LotMovement.objects.create(
        lot=lot,
        order=None,
        kind=kind,
        units=units,
        days_held=0,
        gross=round_amount(units * correction.new_nav),
        cost=cost,
        created_at=now,
    )


def _reprice_sell(correction, order: Order, now) -> tuple[NavCorrectionLine, str]:
    """The sell's line (unsaved) at the new NAV, and the reason its order event gives. Each
    lot's slice is priced at the new NAV with the fee rate it paid: ``fee = round(units × NAV ×
    rate)`` per lot, ``gross = units × NAV`` to the cent, as ``pricing.fund_redemption``."""
    slices = list(order.lot_movements.filter(kind=MovementKind.SALE))
    fee = sum((round_amount(s.units * correction.new_nav * s.fee_rate) for s in slices), Decimal(0))
    gross = round_amount(order.units * correction.new_nav)
    paid = gross - fee
    old_paid = order.amount or Decimal(0)
    owed = max(paid, Decimal(0)) - old_paid
    posted = _post_correction(_order_posting(order, correction), owed) if owed else Decimal(0)
    order.amount = paid if paid > 0 else None
    order.gross_amount, order.fee, order.nav = gross, fee, correction.new_nav
    order.save(update_fields=["amount", "gross_amount", "fee", "nav"])
    text = REPRICED_SELL.format(
        date=correction.date,
        old=correction.old_nav,
        new=correction.new_nav,
        paid=f"{max(paid, Decimal(0)):,.2f}",
        old_paid=f"{old_paid:,.2f}",
    )
    if posted:
        text += REPRICED_CASH.format(amount=f"{posted:+,.2f}")
    text += REPRICED_REASON.format(reason=correction.reason)
    line = NavCorrectionLine(
        correction=correction,
        order=order,
        old_units=order.units,
        new_units=order.units,
        old_amount=old_paid or None,
        new_amount=order.amount,
        cash_owed=owed,
        cash_posted=posted,
    )
    return line, str(text)
