"""The review flow: submit, approve (what it copies onto the product) or reject; the staff
queue."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from institutions.models import Role
from products.models import FundReport, ProductEvent
from products.services import reports as svc
from tests.factories import MembershipFactory, ProductFactory

from .support import data

pytestmark = pytest.mark.django_db


def test_review_flow_approval_fills_the_product_and_makes_it_current(fund, editor, staff):
    report = svc.fund_report_save(product=fund, actor=editor, data=data())
    svc.fund_report_submit(report=report, actor=editor)
    with pytest.raises(ValidationError) as caught:
        svc.fund_report_save(product=fund, actor=editor, data=data())
    assert caught.value.code == "report_in_review"
    report = svc.fund_report_approve(report=report, actor=staff, reason="Checked.")
    assert report.status == "approved"
    assert report.is_current
    fund.refresh_from_db()
    assert fund.fund_size == Decimal("2350000000.00")
    assert fund.fund_size_date == dt.date(2026, 6, 30)
    assert fund.manager_since == dt.date(2021, 3, 15)
    kinds = list(ProductEvent.objects.filter(product=fund).values_list("kind", flat=True))
    assert {"change_submitted", "change_approved"} <= set(kinds)

    later = svc.fund_report_save(product=fund, actor=editor, data=data(period="q3"))
    svc.fund_report_submit(report=later, actor=editor)
    svc.fund_report_approve(report=later, actor=staff, reason="Checked.")
    assert list(FundReport.objects.filter(is_current=True)) == [later]


def test_staff_reject_with_a_reason_and_the_institution_starts_again(fund, editor, staff):
    report = svc.fund_report_save(product=fund, actor=editor, data=data())
    svc.fund_report_submit(report=report, actor=editor)
    with pytest.raises(ValidationError):
        svc.fund_report_reject(report=report, actor=staff, reason=" ")
    report = svc.fund_report_reject(report=report, actor=staff, reason="Holdings do not match.")
    assert report.status == "rejected"
    assert report.reason == "Holdings do not match."
    fund.refresh_from_db()
    assert fund.fund_size is None
    again = svc.fund_report_save(product=fund, actor=editor, data=data())
    assert again.pk != report.pk
    assert again.status == "draft"


def test_illegal_moves_and_non_staff_reviewers_are_refused(fund, editor, staff):
    report = svc.fund_report_save(product=fund, actor=editor, data=data())
    with pytest.raises(ValidationError):
        svc.fund_report_approve(report=report, actor=staff, reason="Too early.")
    with pytest.raises(PermissionDenied):
        svc.fund_report_approve(report=report, actor=editor, reason="Self-approval.")
    svc.fund_report_submit(report=report, actor=editor)
    with pytest.raises(ValidationError):
        svc.fund_report_submit(report=report, actor=editor)
    svc.fund_report_approve(report=report, actor=staff, reason="OK.")
    with pytest.raises(ValidationError) as caught:
        svc.fund_report_reject(report=report, actor=staff, reason="Changed my mind.")
    assert caught.value.code == "already_reviewed"
    assert FundReport.objects.get().status == "approved"


def test_staff_queue_and_review_page_approve(fund, editor, staff, client):
    report = svc.fund_report_save(product=fund, actor=editor, data=data())
    svc.fund_report_submit(report=report, actor=editor)
    client.force_login(staff)
    queue = client.get("/staff/products/").content.decode()
    assert f"/staff/reports/{report.pk}/" in queue
    page = client.get(f"/staff/reports/{report.pk}/")
    assert "Kweichow Moutai" in page.content.decode()
    missing = client.post(f"/staff/reports/{report.pk}/", {"action": "approve", "reason": ""})
    assert missing.status_code == 400
    assert FundReport.objects.get().status == "submitted"
    done = client.post(f"/staff/reports/{report.pk}/", {"action": "approve", "reason": "OK."})
    assert done.status_code == 302
    assert FundReport.objects.get().is_current


def test_staff_queue_query_count_does_not_grow_with_the_reports(staff, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def submit_one():
        fund = ProductFactory()
        editor = MembershipFactory(institution=fund.institution, role=Role.EDITOR).user
        report = svc.fund_report_save(product=fund, actor=editor, data=data())
        svc.fund_report_submit(report=report, actor=editor)

    submit_one()
    client.force_login(staff)
    client.get("/staff/products/")
    with CaptureQueriesContext(connection) as one:
        assert client.get("/staff/products/").status_code == 200
    for _ in range(4):
        submit_one()
    with CaptureQueriesContext(connection) as five:
        html = client.get("/staff/products/").content.decode()
    assert html.count("/staff/reports/") >= 5
    assert len(five) == len(one)
