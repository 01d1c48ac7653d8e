"""Re-pricing at a corrected NAV with new rows only: a buy's lot (units added or taken back, what
was already sold settled in cash), a reinvested lot, and a sell's proceeds (see the package's
docstring for the rules)."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.money import round_amount, round_units

from ...models import (
    CashAccount,
    EntryKind,
    Holding,
    Lot,
    LotMovement,
    LotSource,
    MovementKind,
    NavCorrection,
    NavCorrectionLine,
    Order,
)
from ..cash.ledger import cash_account_for, post_entry

CORRECTION_NO_UNITS = _("At {nav} order {order} would buy no units; check the NAV.")

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
