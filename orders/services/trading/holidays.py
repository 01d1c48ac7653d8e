"""The trading calendar's holidays, edited by staff; pending orders move off a new one."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ...calendar import confirmation_date, next_trading_day
from ...models import Holiday, Order, OrderEvent, OrderStatus
from ..notices import order_events_notice_enqueue

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
