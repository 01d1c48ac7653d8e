"""Reads of funds' periodic reports: the fund page's current report, the portal's report page
and the staff review queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from marketplace.dates import add_months, months_between

from .models import NavPrice, Product
from .performance import period_return
from .report_models import (
    OPEN_STATUSES,
    AssetClass,
    FundReport,
    FundReportManager,
    ReportStatus,
)

# The allocation chart: one bar per asset class, drawn in a 100-unit wide SVG.
BAR_WIDTH = 100


@dataclass(frozen=True)
class Tenure:
    manager: FundReportManager
    years: int
    months: int


@dataclass(frozen=True)
class AllocationBar:
    asset_class: str
    label: str
    percent: Decimal
    width: Decimal  # of BAR_WIDTH


@dataclass(frozen=True)
class FundReportPage:
    """What the fund page shows of the current report."""

    report: FundReport
    tenures: list[Tenure]
    holdings: list
    bars: list[AllocationBar]
    fund_return_1y: Decimal | None
    return_from: dt.date


def _with_content(queryset: QuerySet) -> QuerySet:
    return queryset.prefetch_related("managers", "holdings", "allocation")


def fund_return_over_year(*, product: Product, end: dt.date) -> Decimal | None:
    """The fund's NAV change over the year to ``end`` (None without a price a year before)."""
    start = add_months(end, -12)
    last = NavPrice.objects.filter(product=product, date__lte=end).order_by("-date")
    first = NavPrice.objects.filter(product=product, date__lte=start).order_by("-date")
    end_nav = last.values_list("nav", flat=True).first()
    start_nav = first.values_list("nav", flat=True).first() if end_nav else None
    return period_return(start_nav, end_nav)


def report_page_for_fund(*, product: Product, today: dt.date | None = None):
    """The fund's current (approved) report ready for its page, or None."""
    report = _with_content(FundReport.objects.filter(product=product, is_current=True)).first()
    if report is None:
        return None
    today = today or timezone.localdate()
    tenures = []
    for manager in report.managers.all():
        months = months_between(manager.since, today)
        tenures.append(Tenure(manager=manager, years=months // 12, months=months % 12))
    shares = {a.asset_class: a.percent_of_nav for a in report.allocation.all()}
    bars = [
        AllocationBar(
            asset_class=value,
            label=label,
            percent=shares.get(value, Decimal(0)),
            width=shares.get(value, Decimal(0)) * BAR_WIDTH / 100,
        )
        for value, label in AssetClass.choices
    ]
    return FundReportPage(
        report=report,
        tenures=tenures,
        holdings=list(report.holdings.all()),
        bars=bars,
        fund_return_1y=fund_return_over_year(product=product, end=report.period_end),
        return_from=add_months(report.period_end, -12),
    )


def reports_for_fund(*, product: Product) -> QuerySet:
    """Every report of the fund, newest period first, with reviewers (the portal page)."""
    return FundReport.objects.filter(product=product).select_related("reviewed_by", "submitted_by")


def open_report(*, product: Product) -> FundReport | None:
    """The draft or the report waiting for review, with its content."""
    return _with_content(
        FundReport.objects.filter(product=product, status__in=OPEN_STATUSES)
    ).first()


def latest_report(*, product: Product) -> FundReport | None:
    """The report to start a new draft from: the open one, else the newest one."""
    return _with_content(FundReport.objects.filter(product=product)).order_by("-updated_at").first()


def reports_waiting_review() -> QuerySet:
    """The staff queue: submitted reports, oldest first."""
    return (
        FundReport.objects.filter(status=ReportStatus.SUBMITTED)
        .select_related("product", "product__institution", "submitted_by")
        .order_by("submitted_at", "id")
    )


def report_for_review(*, pk: int) -> FundReport:
    return (
        _with_content(FundReport.objects.all())
        .select_related("product", "product__institution", "submitted_by", "reviewed_by")
        .get(pk=pk)
    )


def current_report(*, product: Product) -> FundReport | None:
    return _with_content(FundReport.objects.filter(product=product, is_current=True)).first()


def current_managers(*, products: list[Product]) -> dict[int, list[str]]:
    """Each product's fund managers by name, in the order of its current approved report, in
    one query for any number of products (products without a report are left out)."""
    if not products:
        return {}
    names: dict[int, list[str]] = {}
    rows = (
        FundReportManager.objects.filter(
            report__product__in=products,
            report__is_current=True,
            report__status=ReportStatus.APPROVED,
        )
        .order_by("report__product_id", "position")
        .values_list("report__product_id", "name")
    )
    for product_id, name in rows:
        names.setdefault(product_id, []).append(name)
    return names
