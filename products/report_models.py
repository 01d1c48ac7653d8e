"""A fund's periodic report (quarterly, half-yearly, annual): the facts its institution
publishes about it — managers, fund size, benchmark, top 10 holdings and asset allocation.

The institution fills a draft (portal form, CSV or API) and submits it; staff approve or reject
it with a reason, as every other change of a published product. The approved report with the
latest period end is the fund's *current* report (one per fund): its figures are the ones the
fund page shows, and approval copies the fund size and the manager's start date onto the
product so the catalogue sorts and filters on them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from marketplace.money import AmountField, RateField
from marketplace.validators import plain_text


class ReportPeriod(models.TextChoices):
    Q1 = "q1", pgettext_lazy("report period", "Q1")
    Q2 = "q2", pgettext_lazy("report period", "Q2")
    Q3 = "q3", pgettext_lazy("report period", "Q3")
    Q4 = "q4", pgettext_lazy("report period", "Q4")
    H1 = "h1", pgettext_lazy("report period", "Half-year")
    ANNUAL = "annual", pgettext_lazy("report period", "Annual")


# The last day of each period: (month, day).
PERIOD_END: dict[str, tuple[int, int]] = {
    ReportPeriod.Q1: (3, 31),
    ReportPeriod.Q2: (6, 30),
    ReportPeriod.Q3: (9, 30),
    ReportPeriod.Q4: (12, 31),
    ReportPeriod.H1: (6, 30),
    ReportPeriod.ANNUAL: (12, 31),
}


def period_end(year: int, period: str) -> dt.date:
    month, day = PERIOD_END[period]
    return dt.date(year, month, day)


def latest_ended_period(today: dt.date) -> tuple[int, str]:
    """The last quarter that ended before ``today``."""
    quarter = (today.month - 1) // 3  # the current quarter, 0-based
    if quarter == 0:
        return today.year - 1, ReportPeriod.Q4
    return today.year, (ReportPeriod.Q1, ReportPeriod.Q2, ReportPeriod.Q3)[quarter - 1]


class ReportStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("report status", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("report status", "Waiting for review")
    APPROVED = "approved", pgettext_lazy("report status", "Approved")
    REJECTED = "rejected", pgettext_lazy("report status", "Rejected")


OPEN_STATUSES = (ReportStatus.DRAFT, ReportStatus.SUBMITTED)


class AssetClass(models.TextChoices):
    STOCKS = "stocks", pgettext_lazy("asset class", "Stocks")
    BONDS = "bonds", pgettext_lazy("asset class", "Bonds")
    CASH = "cash", pgettext_lazy("asset class", "Cash")
    OTHER = "other", pgettext_lazy("asset class", "Other")


def PercentOfNavField(**kwargs) -> models.DecimalField:  # noqa: N802 - reads like a field class
    """A share of the fund's net assets as a percentage (``12.50`` = 12.5 %), 2 dp, as periodic
    reports print it."""
    return models.DecimalField(max_digits=5, decimal_places=2, **kwargs)


class FundReport(models.Model):
    product = models.ForeignKey(
        "products.Product", on_delete=models.CASCADE, related_name="reports"
    )
    year = models.PositiveSmallIntegerField()
    period = models.CharField(max_length=8, choices=ReportPeriod.choices)
    period_end = models.DateField()
    fund_size = AmountField()
    fund_size_date = models.DateField()
    benchmark_name = models.CharField(max_length=200, validators=[plain_text])
    # The benchmark's return over the year to the period end (a fraction), as the report prints
    # it; the fund page sets the fund's own return over the same year beside it.
    benchmark_return_1y = RateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    is_current = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(max_length=2000, blank=True, validators=[plain_text])

    class Meta:
        ordering = ["-period_end", "-created_at", "-id"]
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="fund_report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(period__in=ReportPeriod.values), name="fund_report_period_valid"
            ),
            models.CheckConstraint(
                condition=Q(fund_size__gte=0), name="fund_report_size_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(status=ReportStatus.APPROVED),
                name="fund_report_current_is_approved",
            ),
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(status__in=OPEN_STATUSES),
                name="fund_report_one_open_per_fund",
            ),
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(is_current=True),
                name="fund_report_one_current_per_fund",
            ),
            models.UniqueConstraint(
                fields=["product", "period_end"],
                condition=Q(status=ReportStatus.APPROVED),
                name="fund_report_one_approved_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.year} {self.period} of {self.product_id} ({self.status})"

    @property
    def period_label(self) -> str:
        return f"{self.year} {self.get_period_display()}"


class FundReportManager(models.Model):
    report = models.ForeignKey(FundReport, on_delete=models.CASCADE, related_name="managers")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100, validators=[plain_text])
    since = models.DateField()
    bio = models.CharField(max_length=500, blank=True, validators=[plain_text])

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "position"], name="fund_report_manager_position"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class FundReportHolding(models.Model):
    report = models.ForeignKey(FundReport, on_delete=models.CASCADE, related_name="holdings")
    rank = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100, validators=[plain_text])
    code = models.CharField(max_length=20, validators=[plain_text])
    percent_of_nav = PercentOfNavField()

    class Meta:
        ordering = ["report", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["report", "rank"], name="fund_report_holding_rank"),
            models.CheckConstraint(
                condition=Q(rank__gte=1) & Q(rank__lte=10), name="fund_report_top_10"
            ),
            models.CheckConstraint(
                condition=Q(percent_of_nav__gte=0) & Q(percent_of_nav__lte=100),
                name="fund_report_holding_percent_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.percent_of_nav}%"


class FundReportAllocation(models.Model):
    report = models.ForeignKey(FundReport, on_delete=models.CASCADE, related_name="allocation")
    asset_class = models.CharField(max_length=8, choices=AssetClass.choices)
    percent_of_nav = PercentOfNavField()

    class Meta:
        ordering = ["report", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "asset_class"], name="fund_report_allocation_once"
            ),
            models.CheckConstraint(
                condition=Q(asset_class__in=AssetClass.values),
                name="fund_report_asset_class_valid",
            ),
            models.CheckConstraint(
                condition=Q(percent_of_nav__gte=0) & Q(percent_of_nav__lte=100),
                name="fund_report_allocation_percent_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset_class} {self.percent_of_nav}%"
