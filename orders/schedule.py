"""An order's schedule (DESIGN §4): the day it trades, the day it is expected to be confirmed,
the moment it stops being cancellable, and whether it can be cancelled now.

One set of functions for the checkout and sell pages, the order page, the API's serializer and
the order service, so what the investor is shown is what the service enforces. They read only
the trading calendar (``orders.calendar``) and change nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .calendar import (
    CUTOFF,
    LOOKAHEAD,
    confirmation_date,
    cutoff_of,
    holidays_between,
    trade_date_for,
)
from .models import OrderStatus, Side

if TYPE_CHECKING:
    from .models import Order

CANCEL_TOO_LATE = _(
    "Orders for {date} could be cancelled until {cutoff} that day; it is too late now."
)
NOT_CANCELLABLE = _("A {status} order cannot be cancelled.")
INSTANT_NOT_CANCELLABLE = _("An instant redemption is paid at once and cannot be cancelled.")
SWITCH_LEG_ALONE = _(
    "This order is one half of a switch: cancel the switch, and both of its orders are "
    "cancelled together."
)


@dataclass(frozen=True)
class Schedule:
    trade_date: dt.date
    expected_confirm_date: dt.date
    cancel_by: dt.datetime | None  # None: never cancellable (an instant redemption)


@dataclass(frozen=True)
class CancelRefusal:
    message: str
    code: str


def order_schedule(*, side: str, now: dt.datetime, instant: bool = False) -> Schedule:
    """The schedule of an order placed at ``now``.

    Before the cut-off on a trading day it trades that day (T), otherwise on the next trading
    day; it is confirmed on the next trading day after T (a fund with NAV(T), savings and
    insurance by that night's run) and can be cancelled until T's cut-off. An instant
    money-market redemption trades and settles on the day it is placed, and cannot be
    cancelled.
    """
    if instant and side == Side.SELL:
        today = timezone.localdate(now)
        return Schedule(trade_date=today, expected_confirm_date=today, cancel_by=None)
    # One read of the holidays for both dates: T is at most LOOKAHEAD past today, and its
    # next trading day at most LOOKAHEAD past T.
    today = timezone.localdate(now)
    holidays = holidays_between(today, today + 2 * LOOKAHEAD)
    trade_date = trade_date_for(now, holidays=holidays)
    return Schedule(
        trade_date=trade_date,
        expected_confirm_date=confirmation_date(trade_date, holidays=holidays),
        cancel_by=cutoff_of(trade_date),
    )


def cancel_by(order: Order) -> dt.datetime | None:
    """The moment ``order`` stops being cancellable (``None``: it never was)."""
    return None if order.instant else cutoff_of(order.trade_date)


def cancel_refusal(
    *, order: Order, now: dt.datetime, with_switch: bool = False
) -> CancelRefusal | None:
    """Why ``order`` cannot be cancelled at ``now``, or ``None`` when it can. A leg of a
    switch is cancelled only with the switch (``with_switch``: ``orders.plans.switching`` does)."""
    if order.status != OrderStatus.PENDING:
        status = order.get_status_display().lower()
        return CancelRefusal(str(NOT_CANCELLABLE).format(status=status), "order_not_cancellable")
    if order.switch_id and not with_switch:
        return CancelRefusal(str(SWITCH_LEG_ALONE), "switch_leg_alone")
    deadline = cancel_by(order)
    if deadline is None:
        return CancelRefusal(str(INSTANT_NOT_CANCELLABLE), "order_not_cancellable")
    if now >= deadline:
        message = str(CANCEL_TOO_LATE).format(date=order.trade_date, cutoff=f"{CUTOFF:%H:%M}")
        return CancelRefusal(message, "cancel_too_late")
    return None


def can_cancel(*, order: Order, now: dt.datetime, with_switch: bool = False) -> bool:
    return cancel_refusal(order=order, now=now, with_switch=with_switch) is None
