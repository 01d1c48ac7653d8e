"""The fund page's report section: only an approved report, in bounded queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.dates import add_months
from products.models import Product
from products.report_selectors import months_between
from products.services import reports as svc
from tests.factories import ProductFactory, set_nav

from .support import approved, data

pytestmark = pytest.mark.django_db


def test_fund_page_says_plainly_when_no_report_is_published(fund, client):
    html = client.get(f"/products/{fund.slug}/").content.decode()
    assert "has not published a periodic report for this fund yet" in html


def test_a_draft_or_submitted_report_never_reaches_the_fund_page(fund, editor, client):
    report = svc.fund_report_save(product=fund, actor=editor, data=data())
    svc.fund_report_submit(report=report, actor=editor)
    html = client.get(f"/products/{fund.slug}/").content.decode()
    assert "Kweichow Moutai" not in html


def test_fund_page_shows_the_approved_report(fund, editor, staff, client):
    set_nav(fund, dt.date(2025, 6, 30), "1.0000")
    set_nav(fund, dt.date(2026, 6, 30), "1.0850")
    approved(fund, editor, staff)
    html = client.get(f"/products/{fund.slug}/").content.decode()
    assert "Li Ming" in html
    assert "since 2021-03" in html
    months = months_between(dt.date(2021, 3, 15), timezone.localdate())
    assert f"{months // 12} years" in html
    assert "2,350,000,000" in html
    assert "Kweichow Moutai" in html
    assert "9.85%" in html
    assert "+8.50%" in html  # the fund over the year to the period end
    assert "+12.40%" in html  # the benchmark
    assert 'class="alloc-row__fill alloc-row__fill--stocks" x="0" y="0" width="85.2' in html
    assert " style=" not in html.split('id="fund-report"')[1].split("</section>")[0]


def test_fund_page_query_count_does_not_grow_with_the_report(fund, editor, staff, client):
    holdings = [svc.HoldingRow(f"Stock {i}", f"{600000 + i}", Decimal(1)) for i in range(10)]
    managers = [svc.ManagerRow(f"Manager {i}", dt.date(2020, 1, 1)) for i in range(5)]
    approved(fund, editor, staff, holdings=holdings, managers=managers)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as full:
        assert client.get(f"/products/{fund.slug}/").status_code == 200
    bare = ProductFactory(institution=fund.institution)
    with CaptureQueriesContext(connection) as empty:
        client.get(f"/products/{bare.slug}/")
    # The report adds a fixed handful of queries (report, its three parts, two NAVs).
    assert len(full) - len(empty) <= 6


def test_fund_page_report_section_query_count_is_bounded(
    fund, editor, staff, client, django_assert_max_num_queries
):
    holdings = [svc.HoldingRow(f"Stock {i}", f"{600000 + i}", Decimal(1)) for i in range(10)]
    approved(fund, editor, staff, holdings=holdings)
    with django_assert_max_num_queries(40):
        client.get(f"/products/{fund.slug}/")


def test_months_between_counts_whole_months():
    assert months_between(dt.date(2021, 3, 15), dt.date(2026, 11, 14)) == 67
    assert months_between(dt.date(2021, 3, 15), dt.date(2026, 11, 15)) == 68
    assert months_between(dt.date(2026, 3, 15), dt.date(2026, 1, 1)) == 0
    assert add_months(dt.date(2026, 6, 30), -12) == dt.date(2025, 6, 30)
    assert Product.objects.count() == 0
