"""Reads of the inbox and of campaigns (their preview count and results)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from institutions.models import Institution

from ..audience import THRESHOLD, suppress
from ..coupons.models import CouponRedemption, RedemptionStatus
from ..models import Order, OrderStatus, Side
from . import fanout
from .models import Campaign, InboxMessage, MessageKind


def inbox_for(*, user, kind: str | None = None, unread: bool = False) -> QuerySet[InboxMessage]:
    messages = InboxMessage.objects.filter(user=user)
    if kind in MessageKind.values:
        messages = messages.filter(kind=kind)
    if unread:
        messages = messages.filter(read_at__isnull=True)
    return messages.order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    return InboxMessage.objects.filter(user=user, read_at__isnull=True).count()


# --- campaigns (portal) ------------------------------------------------------------------------

ATTRIBUTION_DAYS = 14
SHANGHAI = ZoneInfo("Asia/Shanghai")
ATTRIBUTED_STATUSES = (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.SETTLED)


def campaign_list_for_institution(*, institution: Institution) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(institution=institution)
        .select_related("product", "holders_of", "created_by")
        .annotate(sent=Count("offers"))
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class Preview:
    """How many investors a campaign could reach now (``None``: fewer than the threshold)."""

    reachable: int | None
    threshold: int = THRESHOLD

    @property
    def display(self) -> str:
        return f"< {self.threshold}" if self.reachable is None else f"{self.reachable:,}"


def campaign_preview(*, campaign: Campaign, now=None) -> Preview:
    """Investors in the segment with the ``marketing_offers`` consent, as one aggregate,
    suppressed under 20 as the audience tables are. The frequency cap and, for an
    after-purchase campaign, the purchase are not counted: they are decided when it sends."""
    base = fanout.segment(campaign, now=now or timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {base.sql}", base.params)  # noqa: S608 - parameterised
        (count,) = cursor.fetchone()
    # The audience tables' rule, applied to a table of one cell.
    return Preview(reachable=suppress({("all", "all"): count}, ["all"], ["all"]).total)


@dataclass(frozen=True)
class Results:
    sent: int
    opened: int
    coupon_redeemed: int | None  # None: the campaign carries no coupon
    orders: int
    amount: Decimal
    attribution_days: int
    sent_by_day: list[tuple[dt.date, Decimal]]
    opened_by_day: list[tuple[dt.date, Decimal]]

    @property
    def open_rate(self) -> Decimal | None:
        return (
            (Decimal(self.opened) * 100 / self.sent).quantize(Decimal("0.1")) if self.sent else None
        )


def _cumulative(counts: dict[dt.date, int], first: dt.date, last: dt.date) -> list:
    series, total, day = [], 0, first
    while day <= last:
        total += counts.get(day, 0)
        series.append((day, Decimal(total)))
        day += dt.timedelta(days=1)
    return series


def _by_day(queryset, field: str) -> dict[dt.date, int]:
    rows = (
        queryset.annotate(day=TruncDate(field, tzinfo=SHANGHAI))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["day"]: row["n"] for row in rows}


def _coupon_redeemed(campaign: Campaign) -> int | None:
    """Orders (pending or confirmed) that used the campaign's coupon, by its recipients."""
    if campaign.coupon_id is None:
        return None
    recipient = InboxMessage.objects.filter(campaign=campaign, user_id=OuterRef("user_id"))
    return (
        CouponRedemption.objects.filter(
            coupon_id=campaign.coupon_id,
            status__in=[RedemptionStatus.HELD, RedemptionStatus.USED],
        )
        .filter(Exists(recipient))
        .count()
    )


def campaign_results(*, campaign: Campaign) -> Results:
    """Aggregates only: offers sent and opened (first read), and the purchases attributed to
    the campaign: buys (not cancelled or rejected) of the institution's products by an
    investor who received the offer, placed within ``ATTRIBUTION_DAYS`` after receiving it."""
    offers = InboxMessage.objects.filter(campaign=campaign)
    totals = offers.aggregate(sent=Count("pk"), opened=Count("pk", filter=Q(read_at__isnull=False)))
    window = dt.timedelta(days=ATTRIBUTION_DAYS)
    received = InboxMessage.objects.filter(
        campaign=campaign,
        user_id=OuterRef("user_id"),
        created_at__lte=OuterRef("placed_at"),
        created_at__gte=ExpressionWrapper(
            OuterRef("placed_at") - window, output_field=DateTimeField()
        ),
    )
    attributed = Order.objects.filter(
        institution_id=campaign.institution_id,
        side=Side.BUY,
        status__in=ATTRIBUTED_STATUSES,
    ).filter(Exists(received))
    bought = attributed.aggregate(n=Count("pk"), amount=Sum("amount"))
    sent_days = _by_day(offers, "created_at")
    opened_days = _by_day(offers.filter(read_at__isnull=False), "read_at")
    days = [*sent_days, *opened_days]
    first = min(days) if days else None
    last = max([*days, timezone.localdate()]) if days else None
    if first and last and (last - first).days > 90:
        last = first + dt.timedelta(days=90)
    return Results(
        sent=totals["sent"],
        opened=totals["opened"],
        coupon_redeemed=_coupon_redeemed(campaign),
        orders=bought["n"],
        amount=bought["amount"] or Decimal("0.00"),
        attribution_days=ATTRIBUTION_DAYS,
        sent_by_day=_cumulative(sent_days, first, last) if first else [],
        opened_by_day=_cumulative(opened_days, first, last) if first else [],
    )
