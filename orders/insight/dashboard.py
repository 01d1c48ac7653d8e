"""The business at a glance: an institution's dashboard (/portal/) and the platform's overview
(/staff/), computed by aggregate queries whose number does not grow with the products (issue 15).
What counts is ``figures``'s docstring; the tables of products, campaigns and institutions are
``dashboard_lines``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from institutions.models import Institution
from marketplace.dates import month_start

from .dashboard_lines import (
    CampaignLine,
    InstitutionLine,
    ProductLine,
    campaign_lines,
    institution_lines,
    product_lines,
)
from .figures import (
    MONTHS,
    TOP,
    ZERO,
    Flow,
    Month,
    assets_of,
    counted_orders,
    flows_of,
    months_of,
    new_customers_of,
    open_holdings,
)


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    css: str
    label: str  # what a screen reader and a hover say: "2026-11: 12,000.00"


@dataclass(frozen=True)
class BarChart:
    """Subscriptions and redemptions side by side per month, as SVG rectangles (attributes, no
    inline style: the CSP forbids it)."""

    width: int
    height: int
    bars: list[Bar]
    high: Decimal
    baseline: int


@dataclass(frozen=True)
class Figures:
    """What both pages show; the institution's page adds products and campaigns, the staff page
    the top institutions."""

    today: dt.date
    month_start: dt.date
    subscriptions_today: Flow
    redemptions_today: Flow
    subscriptions_month: Flow
    redemptions_month: Flow
    months: list[Month]
    chart: BarChart | None
    assets: Decimal
    holders: int
    new_customers: int
    products: list[ProductLine] = field(default_factory=list)
    campaigns: list[CampaignLine] = field(default_factory=list)
    institutions: list[InstitutionLine] = field(default_factory=list)

    @property
    def top_products(self) -> list[ProductLine]:
        """By subscriptions this month (amount, then number), only those that sold."""
        sold = [p for p in self.products if p.month.count]
        return sorted(sold, key=lambda p: (-p.month.amount, -p.month.count, p.name))[:TOP]

    @property
    def views(self) -> int:
        return sum(p.views for p in self.products)

    @property
    def orders(self) -> int:
        return sum(p.orders for p in self.products)

    @property
    def conversion(self) -> Decimal | None:
        if not self.views:
            return None
        return (Decimal(self.orders) * 100 / self.views).quantize(Decimal("0.1"))

    @property
    def conversion_rows(self) -> list[tuple[ProductLine, int]]:
        """Each product with its conversion as a bar of 0–100, the best product's full (rates
        of a few percent stay comparable at a glance), best first, then the most viewed."""
        best = max((p.conversion or 0 for p in self.products), default=0)
        ranked = sorted(self.products, key=lambda p: (-(p.conversion or -1), -p.views, p.name))
        return [(p, int(100 * (p.conversion or 0) / best) if best else 0) for p in ranked]


def month_chart(months: list[Month], *, width: int = 720, height: int = 220) -> BarChart | None:
    """Two bars a month (subscriptions, redemptions) on one scale; None when nothing moved."""
    high = max((max(m.subscriptions.amount, m.redemptions.amount) for m in months), default=ZERO)
    if not high:
        return None
    pad = 4
    baseline = height - 1
    slot = Decimal(width - 2 * pad) / len(months)
    bar_width = int(slot * Decimal("0.36"))
    usable = Decimal(baseline - pad)
    bars = []
    for i, month in enumerate(months):
        left = Decimal(pad) + slot * i
        for j, (flow, css) in enumerate(
            ((month.subscriptions, "bars__in"), (month.redemptions, "bars__out"))
        ):
            tall = int(usable * flow.amount / high)
            if flow.amount and tall < 1:
                tall = 1  # a small month stays visible
            x = int(left + slot * Decimal("0.12")) + j * (bar_width + 2)
            bars.append(
                Bar(
                    x=x,
                    y=baseline - tall,
                    width=bar_width,
                    height=tall,
                    css=css,
                    label=f"{month.month:%Y-%m}: {flow.amount:,.2f}",
                )
            )
    return BarChart(width=width, height=height, bars=bars, high=high, baseline=baseline)


def _figures(institution: Institution | None, *, today: dt.date, **extra) -> Figures:
    first = month_start(today)
    orders = counted_orders(institution)
    flows = flows_of(orders, today=today, first=first)
    months = months_of(orders, first=first, count=MONTHS)
    assets, holders = assets_of(open_holdings(institution))
    return Figures(
        today=today,
        month_start=first,
        months=months,
        chart=month_chart(months),
        assets=assets,
        holders=holders,
        new_customers=new_customers_of(orders, first=first),
        **flows,
        **extra,
    )


# --- the two pages -----------------------------------------------------------------------------


def institution_dashboard(*, institution: Institution, today: dt.date | None = None) -> Figures:
    """The institution's business, its own orders, holdings and campaigns only (tenant-scoped
    by ``institution``): eight queries, however many products it has."""
    today = today or timezone.localdate()
    return _figures(
        institution,
        today=today,
        products=product_lines(institution, today=today, first=month_start(today)),
        campaigns=campaign_lines(institution),
    )


def platform_overview(*, today: dt.date | None = None) -> Figures:
    """The platform-wide equivalents for staff, with the top institutions this month."""
    today = today or timezone.localdate()
    return _figures(None, today=today, institutions=institution_lines(first=month_start(today)))
