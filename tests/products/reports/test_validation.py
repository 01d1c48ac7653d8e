"""A report's figures are validated (DESIGN §5); a bad one saves nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from institutions.models import Role
from products.models import FundReport, FundReportHolding
from products.services import reports as svc
from tests.factories import MembershipFactory, ProductFactory

from .support import approved, codes, data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        (
            {"allocation": {"stocks": Decimal("90"), "cash": Decimal("9.98")}},
            "allocation",
            "allocation_not_100",
        ),
        ({"allocation": {"stocks": Decimal("100.02")}}, "allocation", "bad_percent"),
        (
            {"allocation": {"stocks": Decimal("99.999"), "cash": Decimal("0.001")}},
            "allocation",
            "bad_percent",
        ),
        ({"holdings": [svc.HoldingRow("A", "1", Decimal("-1"))]}, "holdings", "bad_percent"),
        ({"holdings": [svc.HoldingRow("A", "1", Decimal("1.234"))]}, "holdings", "bad_percent"),
        (
            {"holdings": [svc.HoldingRow(f"S{i}", str(i), Decimal(1)) for i in range(11)]},
            "holdings",
            "too_many_holdings",
        ),
        (
            {
                "holdings": [
                    svc.HoldingRow("A", "1", Decimal(60)),
                    svc.HoldingRow("B", "2", Decimal(50)),
                ]
            },
            "holdings",
            "holdings_over_100",
        ),
        ({"managers": []}, "managers", "no_manager"),
        (
            {"managers": [svc.ManagerRow("X", timezone.localdate() + dt.timedelta(days=1))]},
            "managers",
            "future",
        ),
        (
            {"fund_size_date": timezone.localdate() + dt.timedelta(days=1)},
            "fund_size_date",
            "future",
        ),
        ({"fund_size": Decimal(0)}, "fund_size", "not_positive"),
        ({"fund_size": Decimal("1.001")}, "fund_size", "too_precise"),
        ({"year": timezone.localdate().year + 1}, "year", "bad_year"),
        ({"benchmark_return_percent": Decimal("-101")}, "benchmark_return_percent", "bad_percent"),
        ({"benchmark_name": "  "}, "benchmark_name", "required"),
    ],
)
def test_a_bad_figure_is_refused_and_nothing_is_saved(fund, editor, changes, field, code):
    with pytest.raises(ValidationError) as caught:
        svc.fund_report_save(product=fund, actor=editor, data=data(**changes))
    assert code in codes(caught.value)[field]
    assert not FundReport.objects.exists()


def test_allocation_within_a_hundredth_of_100_is_accepted(fund, editor):
    allocation = {"stocks": Decimal("90.00"), "cash": Decimal("9.99")}
    report = svc.fund_report_save(product=fund, actor=editor, data=data(allocation=allocation))
    assert report.allocation.count() == 4  # the classes not given are 0


def test_a_period_that_has_not_ended_is_refused(fund, editor):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        svc.fund_report_save(
            product=fund, actor=editor, data=data(year=today.year, period="annual")
        )
    assert codes(caught.value)["period"] == ["period_not_ended"]


def test_a_period_must_end_after_the_current_reports(fund, editor, staff):
    approved(fund, editor, staff)
    for year, period in ((2026, "q2"), (2026, "h1"), (2026, "q1")):
        with pytest.raises(ValidationError) as caught:
            svc.fund_report_save(product=fund, actor=editor, data=data(year=year, period=period))
        assert codes(caught.value)["period"] == ["period_not_after"]
    assert svc.fund_report_save(product=fund, actor=editor, data=data(period="q3")).period == "q3"


def test_only_funds_publish_reports(editor):
    savings = ProductFactory(kind="savings", fund_type="", code=None)
    MembershipFactory(institution=savings.institution, user=editor, role=Role.EDITOR)
    with pytest.raises(ValidationError):
        svc.fund_report_save(product=savings, actor=editor, data=data())


def test_an_analyst_cannot_save_a_report(fund):
    analyst = MembershipFactory(institution=fund.institution, role=Role.ANALYST).user
    with pytest.raises(PermissionDenied):
        svc.fund_report_save(product=fund, actor=analyst, data=data())


def test_saving_again_replaces_the_draft(fund, editor):
    first = svc.fund_report_save(product=fund, actor=editor, data=data())
    holdings = [svc.HoldingRow("B", "2", Decimal(3)), svc.HoldingRow("C", "3", Decimal(2))]
    second = svc.fund_report_save(product=fund, actor=editor, data=data(holdings=holdings))
    assert second.pk == first.pk
    assert [h.name for h in second.holdings.all()] == ["B", "C"]
    assert FundReportHolding.objects.count() == 2
