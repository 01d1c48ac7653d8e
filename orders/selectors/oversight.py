"""Staff reads that keep money from being forgotten: orders pending past two trading days with
the reason they wait, NAV corrections waiting for approval, and payouts that retrying no longer
resolves."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import InstitutionStatus
from products.models import FundType, NavPrice, ProductKind

from ..calendar import previous_trading_day
from ..cash.gateway import PAYOUT_MAX_ATTEMPTS
from ..models import (
    CorrectionStatus,
    NavCorrection,
    Order,
    OrderStatus,
    Payment,
    PaymentDirection,
    PaymentStatus,
)

STUCK_AFTER_TRADING_DAYS = 2
WAITING_SUSPENDED = _("Institution suspended: staff publish its NAV, or cancel and refund.")
WAITING_NO_NAV = _("No NAV for {date} yet.")
WAITING_END_OF_DAY = _("Not confirmed by end of day (did it run?).")


@dataclass(frozen=True)
class StuckOrder:
    order: Order
    reason: str


def stuck_before(*, today: dt.date, trading_days: int = STUCK_AFTER_TRADING_DAYS) -> dt.date:
    """Orders whose trade date is on or before this day have waited too long."""
    day = today
    for _step in range(trading_days):
        day = previous_trading_day(day)
    return day


def orders_stuck_pending(*, today: dt.date | None = None, limit: int = 200) -> list[StuckOrder]:
    """Pending orders whose trade date is at least two trading days old, oldest first, each
    with why it waits (institution suspended, no NAV for its trade date, end of day not run)."""
    today = today or timezone.localdate()
    orders = (
        Order.objects.filter(status=OrderStatus.PENDING, trade_date__lte=stuck_before(today=today))
        .annotate(
            has_nav=Exists(
                NavPrice.objects.filter(product=OuterRef("product"), date=OuterRef("trade_date"))
            )
        )
        .select_related("product", "institution", "user")
        .order_by("trade_date", "pk")[:limit]
    )
    stuck = []
    for order in orders:
        needs_nav = (
            order.product.kind == ProductKind.FUND
            and order.product.fund_type != FundType.MONEY_MARKET
            and not order.has_nav
        )
        if order.institution.status == InstitutionStatus.SUSPENDED:
            reason = WAITING_SUSPENDED
        elif needs_nav:
            reason = WAITING_NO_NAV.format(date=order.trade_date)
        else:
            reason = WAITING_END_OF_DAY
        stuck.append(StuckOrder(order=order, reason=str(reason)))
    return stuck


def nav_corrections_pending() -> QuerySet[NavCorrection]:
    return NavCorrection.objects.filter(status=CorrectionStatus.PENDING).select_related(
        "product", "product__institution", "requested_by"
    )


def nav_corrections_recent(*, limit: int = 20) -> QuerySet[NavCorrection]:
    return (
        NavCorrection.objects.exclude(status=CorrectionStatus.PENDING)
        .select_related("product", "requested_by", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


# --- payouts -------------------------------------------------------------------------------

PAYOUT_STUCK_AFTER = dt.timedelta(hours=24)


def payouts_stuck(*, now: dt.datetime | None = None) -> QuerySet[Payment]:
    """Payouts still pending that retrying no longer resolves: every attempt used, no attempt
    scheduled (a retry that died mid-call), or pending for over a day. Staff settle them."""
    now = now or timezone.now()
    return (
        Payment.objects.filter(direction=PaymentDirection.WITHDRAWAL, status=PaymentStatus.PENDING)
        .filter(
            Q(attempts__gte=PAYOUT_MAX_ATTEMPTS)
            | Q(next_attempt_at__isnull=True)
            | Q(created_at__lt=now - PAYOUT_STUCK_AFTER)
        )
        .select_related("user", "card")
        .order_by("created_at", "pk")
    )
