"""The dashboards' tables: a line per product and per campaign (the institution's page) and per
institution (the staff overview), each table in one or two queries however many rows it has."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from institutions.models import Institution, InstitutionStatus
from marketplace.money import round_amount
from products.models import Product, ProductKind, ProductPageViewDay

from ..campaigns.models import Campaign, InboxMessage
from ..models import CouponRedemption, Holding, Order, RedemptionStatus, Side
from .figures import (
    AMOUNT,
    CONVERSION_DAYS,
    COUNTED,
    HOLDING_VALUE,
    TOP,
    ZERO,
    Flow,
    open_holdings,
    start_of,
)


@dataclass(frozen=True)
class ProductLine:
    id: int
    name: str
    slug: str
    kind: str
    views: int  # last 30 days
    orders: int  # buys placed in the last 30 days
    month: Flow  # subscriptions this month
    assets: Decimal
    holders: int

    @property
    def conversion(self) -> Decimal | None:
        """Orders per 100 views, one decimal; None without views."""
        if not self.views:
            return None
        return (Decimal(self.orders) * 100 / self.views).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class CampaignLine:
    id: int
    title: str
    status: str
    status_label: str
    launched_at: dt.datetime
    sent: int
    opened: int
    coupon_redeemed: int | None  # None: no coupon

    @property
    def open_rate(self) -> Decimal | None:
        if not self.sent:
            return None
        return (Decimal(self.opened) * 100 / self.sent).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class InstitutionLine:
    name: str
    slug: str
    month: Flow
    assets: Decimal


def _count(queryset: QuerySet, column: str = "pk", *, total: str | None = None) -> Coalesce:
    """A correlated subquery: ``Count(column)`` (or ``Sum(total)``) of ``queryset``'s rows."""
    aggregate = Sum(total) if total else Count(column)
    output = AMOUNT if total else IntegerField()
    return Coalesce(
        Subquery(
            queryset.order_by().values("product").annotate(v=aggregate).values("v"),
            output_field=output,
        ),
        Value(0),
        output_field=output,
    )


def product_lines(institution: Institution, *, today: dt.date, first: dt.date) -> list[ProductLine]:
    """Every product the institution has published, with its figures: two queries."""
    since = today - dt.timedelta(days=CONVERSION_DAYS - 1)
    buys = Order.objects.filter(product=OuterRef("pk"), side=Side.BUY, status__in=COUNTED)
    recent_buys = buys.filter(placed_at__gte=start_of(since))
    month_buys = buys.filter(placed_at__gte=start_of(first))
    views = ProductPageViewDay.objects.filter(product=OuterRef("pk"), day__gte=since)
    rows = (
        Product.objects.filter(institution=institution, published_at__isnull=False)
        .annotate(
            views_30=_count(views, total="views"),
            orders_30=_count(recent_buys),
            month_n=_count(month_buys),
            month_amount=_count(month_buys, total="amount"),
        )
        .values("pk", "name", "slug", "kind", "views_30", "orders_30", "month_n", "month_amount")
        .order_by("name", "pk")
    )
    held = {
        row["product"]: row
        for row in open_holdings(institution)
        .values("product")
        .annotate(value=Sum(HOLDING_VALUE), holders=Count("user"))
        .order_by()
    }
    lines = []
    for row in rows:
        holding = held.get(row["pk"], {})
        lines.append(
            ProductLine(
                id=row["pk"],
                name=row["name"],
                slug=row["slug"],
                kind=ProductKind(row["kind"]).label,
                views=int(row["views_30"]),
                orders=row["orders_30"],
                month=Flow(count=row["month_n"], amount=round_amount(row["month_amount"])),
                assets=round_amount(holding.get("value") or ZERO),
                holders=holding.get("holders", 0),
            )
        )
    return lines


def campaign_lines(institution: Institution, *, limit: int = TOP) -> list[CampaignLine]:
    """The latest launched campaigns with offers sent and opened, and the coupon redemptions
    by their recipients (held or used: what ``campaign_results`` counts), in one query."""
    recipient = InboxMessage.objects.filter(
        campaign_id=OuterRef(OuterRef("pk")), user_id=OuterRef("user_id")
    )
    redeemed = (
        CouponRedemption.objects.filter(
            coupon_id=OuterRef("coupon_id"),
            status__in=[RedemptionStatus.HELD, RedemptionStatus.USED],
        )
        .filter(Exists(recipient))
        .order_by()
        .values("coupon_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    campaigns = (
        Campaign.objects.filter(institution=institution, launched_at__isnull=False)
        .annotate(
            sent=Count("offers"),
            opened=Count("offers", filter=Q(offers__read_at__isnull=False)),
            redeemed=Coalesce(Subquery(redeemed, output_field=IntegerField()), Value(0)),
        )
        .order_by("-launched_at", "-id")[:limit]
    )
    return [
        CampaignLine(
            id=c.pk,
            title=c.title,
            status=c.status,
            status_label=c.get_status_display(),
            launched_at=c.launched_at,
            sent=c.sent,
            opened=c.opened,
            coupon_redeemed=c.redeemed if c.coupon_id else None,
        )
        for c in campaigns
    ]


def institution_lines(*, first: dt.date, limit: int = TOP) -> list[InstitutionLine]:
    """The institutions with the most subscriptions this month, with the assets they hold."""
    month_buys = Order.objects.filter(
        institution=OuterRef("pk"),
        side=Side.BUY,
        status__in=COUNTED,
        placed_at__gte=start_of(first),
    ).order_by()

    def _sum(queryset, expression, output):
        return Coalesce(
            Subquery(
                queryset.values("institution").annotate(v=expression).values("v"),
                output_field=output,
            ),
            Value(0),
            output_field=output,
        )

    held = Holding.objects.filter(institution=OuterRef("pk"), units__gt=0).order_by()
    rows = (
        Institution.objects.exclude(status__in=[InstitutionStatus.APPLIED])
        .annotate(
            month_n=_sum(month_buys, Count("pk"), IntegerField()),
            month_amount=_sum(month_buys, Sum("amount"), AMOUNT),
            assets=_sum(held, Sum(HOLDING_VALUE), AMOUNT),
        )
        .filter(Q(month_n__gt=0) | Q(assets__gt=0))
        .order_by("-month_amount", "-assets", "name")
        .values("name", "slug", "month_n", "month_amount", "assets")[:limit]
    )
    return [
        InstitutionLine(
            name=row["name"],
            slug=row["slug"],
            month=Flow(count=row["month_n"], amount=round_amount(row["month_amount"])),
            assets=round_amount(row["assets"]),
        )
        for row in rows
    ]
