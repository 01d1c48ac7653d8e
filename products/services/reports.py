"""A fund's periodic report: the institution saves a draft (portal form, CSV or API) and submits
it; staff approve or reject it with a reason, like every other change of a published product.
Approval makes it the fund's current report and copies its fund size and manager tenure onto
the product.

Every figure is judged here (DESIGN §5): percentages of net assets 0–100 with at most 2
decimals, the asset allocation adding up to 100 (± 0.01), at most 10 holdings, no date in the
future, a period that has ended and ends after the current report's. A CSV with any bad cell
is refused whole, each problem named by its line and column; nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.money import decimal_places

from ..models import Product, ProductEventKind
from ..report_models import (
    OPEN_STATUSES,
    AssetClass,
    FundReport,
    FundReportAllocation,
    FundReportHolding,
    FundReportManager,
    ReportPeriod,
    ReportStatus,
    period_end,
)
from ._common import _event, _require_editor

NOT_A_DATE = _("Not a date: write it as YYYY-MM-DD.")
CSV_BAD_PERIOD = _('Write the period as "2026 Q3" (Q1–Q4, H1 or annual).')

MAX_HOLDINGS = 10
MAX_MANAGERS = 5
ALLOCATION_TOLERANCE = Decimal("0.01")

# Error messages (tests import these; the codes beside them are what tests assert).
NOT_A_FUND = _("Only funds publish periodic reports.")
REPORT_IN_REVIEW = _(
    "The {period} report is waiting for staff review: it cannot be changed until they decide."
)
REPORT_NOT_OPEN = _("A {status} report cannot be {action}.")
REPORT_REVIEWED = _("This report has already been reviewed.")
REASON_REQUIRED = _("Give a reason; the institution will read it.")
ONLY_STAFF = _("Only platform staff review periodic reports.")
PERIOD_NOT_ENDED = _("The {period} period has not ended yet (it ends on {end}).")
PERIOD_NOT_AFTER = _("The period must end after the current report's ({period}, ended {end}).")
PERIOD_BAD_YEAR = _("Give a year between 2000 and this year.")
DATE_IN_FUTURE = _("The date is in the future.")
SIZE_NOT_POSITIVE = _("The fund size must be above zero.")
TOO_PRECISE = _("At most 2 decimal places.")
PERCENT_RANGE = _("A percentage of net assets is between 0 and 100.")
RETURN_RANGE = _("A return is between -100 and 1000 percent.")
NO_MANAGER = _("Name at least one fund manager.")
TOO_MANY_MANAGERS = _("At most {n} fund managers.")
TOO_MANY_HOLDINGS = _("At most {n} holdings: list the top 10.")
HOLDINGS_OVER_100 = _("The holdings add up to {total}% of net assets, more than 100%.")
ALLOCATION_NOT_100 = _("The asset allocation adds up to {total}%, not 100%.")
REQUIRED = _("This field is required.")


class ManagerRow(NamedTuple):
    name: str
    since: dt.date
    bio: str = ""


class HoldingRow(NamedTuple):
    name: str
    code: str
    percent_of_nav: Decimal


@dataclass
class ReportData:
    """A report's content as the institution gives it (percentages in percent: ``"9.85"``)."""

    year: int
    period: str
    fund_size: Decimal
    fund_size_date: dt.date
    benchmark_name: str
    benchmark_return_percent: Decimal | None = None
    managers: list[ManagerRow] = field(default_factory=list)
    holdings: list[HoldingRow] = field(default_factory=list)
    allocation: dict[str, Decimal] = field(default_factory=dict)


def report_data_of(report: FundReport) -> ReportData:
    """A saved report back as :class:`ReportData` (the form's initial values, the API)."""
    bench = report.benchmark_return_1y
    return ReportData(
        year=report.year,
        period=report.period,
        fund_size=report.fund_size,
        fund_size_date=report.fund_size_date,
        benchmark_name=report.benchmark_name,
        benchmark_return_percent=None if bench is None else (bench * 100).quantize(Decimal("0.01")),
        managers=[ManagerRow(m.name, m.since, m.bio) for m in report.managers.all()],
        holdings=[HoldingRow(h.name, h.code, h.percent_of_nav) for h in report.holdings.all()],
        allocation={a.asset_class: a.percent_of_nav for a in report.allocation.all()},
    )


# --- judging the figures ---------------------------------------------------------------------


def percent_problem(value: Decimal, *, low=Decimal(0), high=Decimal(100), range_message=None):
    """Why ``value`` is not a percentage with at most 2 decimals in [low, high], or None."""
    if not value.is_finite() or value < low or value > high:
        return range_message or PERCENT_RANGE
    if decimal_places(value) > 2:
        return TOO_PRECISE
    return None


def _problems(*, product: Product, data: ReportData, today: dt.date) -> dict[str, list]:
    errors: dict[str, list] = {}

    def add(key: str, message, code: str) -> None:
        errors.setdefault(key, []).append(ValidationError(message, code=code))

    if data.period not in ReportPeriod.values:
        add("period", CSV_BAD_PERIOD, "bad_period")
    elif not 2000 <= data.year <= today.year:
        add("year", PERIOD_BAD_YEAR, "bad_year")
    else:
        end = period_end(data.year, data.period)
        label = f"{data.year} {ReportPeriod(data.period).label}"
        if end > today:
            add("period", PERIOD_NOT_ENDED.format(period=label, end=end), "period_not_ended")
        current = product.reports.filter(is_current=True).first()
        if current and end <= current.period_end:
            message = PERIOD_NOT_AFTER.format(period=current.period_label, end=current.period_end)
            add("period", message, "period_not_after")
    if not data.fund_size.is_finite() or data.fund_size <= 0:
        add("fund_size", SIZE_NOT_POSITIVE, "not_positive")
    elif decimal_places(data.fund_size) > 2:
        add("fund_size", TOO_PRECISE, "too_precise")
    if data.fund_size_date > today:
        add("fund_size_date", DATE_IN_FUTURE, "future")
    if not data.benchmark_name.strip():
        add("benchmark_name", REQUIRED, "required")
    if data.benchmark_return_percent is not None:
        problem = percent_problem(
            data.benchmark_return_percent,
            low=Decimal(-100),
            high=Decimal(1000),
            range_message=RETURN_RANGE,
        )
        if problem:
            add("benchmark_return_percent", problem, "bad_percent")
    if not data.managers:
        add("managers", NO_MANAGER, "no_manager")
    if len(data.managers) > MAX_MANAGERS:
        add("managers", TOO_MANY_MANAGERS.format(n=MAX_MANAGERS), "too_many_managers")
    for manager in data.managers:
        if manager.since > today:
            add("managers", DATE_IN_FUTURE, "future")
    if len(data.holdings) > MAX_HOLDINGS:
        add("holdings", TOO_MANY_HOLDINGS.format(n=MAX_HOLDINGS), "too_many_holdings")
    for holding in data.holdings:
        problem = percent_problem(holding.percent_of_nav)
        if problem:
            add("holdings", problem, "bad_percent")
    if "holdings" not in errors:
        total = sum((h.percent_of_nav for h in data.holdings), Decimal(0))
        if total > 100:
            add("holdings", HOLDINGS_OVER_100.format(total=total), "holdings_over_100")
    for value in data.allocation.values():
        problem = percent_problem(value)
        if problem:
            add("allocation", problem, "bad_percent")
    if "allocation" not in errors:
        total = sum(data.allocation.values(), Decimal(0))
        if abs(total - 100) > ALLOCATION_TOLERANCE:
            add("allocation", ALLOCATION_NOT_100.format(total=f"{total:.2f}"), "allocation_not_100")
    return errors


# --- the writes ------------------------------------------------------------------------------


def _write_content(report: FundReport, data: ReportData) -> None:
    report.managers.all().delete()
    report.holdings.all().delete()
    report.allocation.all().delete()
    managers = [
        FundReportManager(report=report, position=i, name=m.name, since=m.since, bio=m.bio)
        for i, m in enumerate(data.managers, start=1)
    ]
    holdings = [
        FundReportHolding(
            report=report, rank=i, name=h.name, code=h.code, percent_of_nav=h.percent_of_nav
        )
        for i, h in enumerate(data.holdings, start=1)
    ]
    allocation = [
        FundReportAllocation(report=report, asset_class=a, percent_of_nav=data.allocation.get(a, 0))
        for a in AssetClass.values
    ]
    for row in (*managers, *holdings, *allocation):
        row.full_clean(exclude=["report"])
    FundReportManager.objects.bulk_create(managers)
    FundReportHolding.objects.bulk_create(holdings)
    FundReportAllocation.objects.bulk_create(allocation)


@transaction.atomic
def fund_report_save(*, product: Product, actor, data: ReportData) -> FundReport:
    """Create the fund's draft report, or replace the content of the draft it has."""
    _require_editor(institution=product.institution, actor=actor)
    product = Product.objects.select_for_update().select_related("institution").get(pk=product.pk)
    if not product.is_fund:
        raise ValidationError(NOT_A_FUND, code="not_a_fund")
    errors = _problems(product=product, data=data, today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    report = product.reports.filter(status__in=OPEN_STATUSES).first()
    if report is not None and report.status == ReportStatus.SUBMITTED:
        raise ValidationError(
            REPORT_IN_REVIEW.format(period=report.period_label), code="report_in_review"
        )
    if report is None:
        report = FundReport(product=product, created_by=actor)
    bench = data.benchmark_return_percent
    report.year, report.period = data.year, data.period
    report.period_end = period_end(data.year, data.period)
    report.fund_size, report.fund_size_date = data.fund_size, data.fund_size_date
    report.benchmark_name = data.benchmark_name.strip()
    report.benchmark_return_1y = None if bench is None else bench / 100
    report.updated_at = timezone.now()
    report.full_clean(exclude=["product", "created_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:  # a draft saved at the same moment by a colleague
        raise ValidationError(REPORT_IN_REVIEW.format(period=report.period_label)) from exc
    _write_content(report, data)
    return report


REPORT_TRANSITIONS: dict[tuple[str, str], str] = {
    ("submit", ReportStatus.DRAFT): ReportStatus.SUBMITTED,
    ("approve", ReportStatus.SUBMITTED): ReportStatus.APPROVED,
    ("reject", ReportStatus.SUBMITTED): ReportStatus.REJECTED,
}
_PAST = {"submit": _("submitted"), "approve": _("approved"), "reject": _("rejected")}
_EVENT = {
    "submit": ProductEventKind.CHANGE_SUBMITTED,
    "approve": ProductEventKind.CHANGE_APPROVED,
    "reject": ProductEventKind.CHANGE_REJECTED,
}


def _move(report: FundReport, *, action: str, actor, reason: str = "") -> FundReport:
    locked = FundReport.objects.select_for_update().select_related("product").get(pk=report.pk)
    to_status = REPORT_TRANSITIONS.get((action, locked.status))
    if to_status is None:
        if action in ("approve", "reject"):
            raise ValidationError(REPORT_REVIEWED, code="already_reviewed")
        message = REPORT_NOT_OPEN.format(
            status=locked.get_status_display().lower(), action=_PAST[action]
        )
        raise ValidationError(message, code="illegal_move")
    now = timezone.now()
    locked.status, locked.updated_at = to_status, now
    if action == "submit":
        locked.submitted_by, locked.submitted_at = actor, now
    else:
        locked.reviewed_by, locked.reviewed_at, locked.reason = actor, now, reason
    locked.save()
    _event(
        locked.product,
        actor,
        _EVENT[action],
        reason=reason,
        changes={"periodic_report": locked.period_label},
    )
    report.refresh_from_db()
    return locked


@transaction.atomic
def fund_report_submit(*, report: FundReport, actor) -> FundReport:
    """Draft → waiting for staff review."""
    _require_editor(institution=report.product.institution, actor=actor)
    return _move(report, action="submit", actor=actor)


def _review(actor, reason: str | None) -> str:
    if not actor.is_staff:
        raise PermissionDenied(ONLY_STAFF)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED, code="required")})
    return reason


@transaction.atomic
def fund_report_approve(*, report: FundReport, actor, reason: str) -> FundReport:
    """Waiting → approved: the fund's current report; its size and tenure go onto the product."""
    reason = _review(actor, reason)
    product = Product.objects.select_for_update().get(pk=report.product_id)
    report = FundReport.objects.get(pk=report.pk)
    current = product.reports.filter(is_current=True).first()
    if current and report.period_end <= current.period_end:  # a later one approved meanwhile
        message = PERIOD_NOT_AFTER.format(period=current.period_label, end=current.period_end)
        raise ValidationError(message, code="period_not_after")
    approved = _move(report, action="approve", actor=actor, reason=reason)
    if current:
        FundReport.objects.filter(pk=current.pk).update(is_current=False)
    FundReport.objects.filter(pk=approved.pk).update(is_current=True)
    first_manager = approved.managers.order_by("since").first()
    product.fund_size, product.fund_size_date = approved.fund_size, approved.fund_size_date
    product.manager_since = first_manager.since if first_manager else None
    product.updated_at = timezone.now()
    product.save(update_fields=["fund_size", "fund_size_date", "manager_since", "updated_at"])
    approved.refresh_from_db()
    return approved


@transaction.atomic
def fund_report_reject(*, report: FundReport, actor, reason: str) -> FundReport:
    """Waiting → rejected; the institution reads the reason and saves a corrected draft."""
    reason = _review(actor, reason)
    return _move(report, action="reject", actor=actor, reason=reason)
