"""A fund's periodic report: validation (DESIGN §5), the CSV (a bad file saves nothing), the
review flow, tenant isolation, what approval copies onto the product, the fund page."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from institutions.models import Role
from marketplace.dates import add_months
from products.models import FundReport, FundReportHolding, Product, ProductEvent
from products.report_selectors import months_between
from products.services import report_csv as csvsvc
from products.services import reports as svc
from tests.factories import (
    InstitutionFactory,
    MembershipFactory,
    ProductFactory,
    StaffFactory,
    set_nav,
)

pytestmark = pytest.mark.django_db

GOOD_CSV = """record,name,code,value,date,note
period,2026 Q2,,,,
fund_size,,,2350000000.00,2026-06-30,
benchmark,CSI 300 Index × 80% + ChinaBond × 20%,,12.40,,
manager,Li Ming,,,2021-03-15,Fifteen years in equity research.
manager,Wang Fang,,,2024-07-01,
holding,Kweichow Moutai,600519,9.85,,
holding,Contemporary Amperex,300750,7.20,,
allocation,stocks,,85.20,,
allocation,bonds,,5.00,,
allocation,cash,,9.30,,
allocation,other,,0.50,,
"""


def data(**changes) -> svc.ReportData:
    base = svc.ReportData(
        year=2026,
        period="q2",
        fund_size=Decimal("2350000000.00"),
        fund_size_date=dt.date(2026, 6, 30),
        benchmark_name="CSI 300 Index",
        benchmark_return_percent=Decimal("12.40"),
        managers=[svc.ManagerRow("Li Ming", dt.date(2021, 3, 15), "Research.")],
        holdings=[svc.HoldingRow("Kweichow Moutai", "600519", Decimal("9.85"))],
        allocation={
            "stocks": Decimal("85.20"),
            "bonds": Decimal("5.00"),
            "cash": Decimal("9.30"),
            "other": Decimal("0.50"),
        },
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture
def fund():
    return ProductFactory(name="Harbour Growth Mixed", fund_type="mixed", risk_level=3)


@pytest.fixture
def editor(fund):
    return MembershipFactory(institution=fund.institution, role=Role.EDITOR).user


@pytest.fixture
def staff():
    return StaffFactory()


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {k: [e.code for e in v] for k, v in exc.error_dict.items()}


def approved(fund, editor, staff, **changes) -> FundReport:
    report = svc.fund_report_save(product=fund, actor=editor, data=data(**changes))
    svc.fund_report_submit(report=report, actor=editor)
    return svc.fund_report_approve(report=report, actor=staff, reason="Matches the report.")


# --- validation ------------------------------------------------------------------------------


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


# --- CSV -------------------------------------------------------------------------------------


def test_the_csv_reads_every_record():
    parsed = csvsvc.parse_report_csv(GOOD_CSV.encode())
    assert (parsed.year, parsed.period) == (2026, "q2")
    assert parsed.fund_size == Decimal("2350000000.00")
    assert parsed.benchmark_return_percent == Decimal("12.40")
    assert [m.name for m in parsed.managers] == ["Li Ming", "Wang Fang"]
    assert parsed.holdings[1] == svc.HoldingRow("Contemporary Amperex", "300750", Decimal("7.20"))
    assert sum(parsed.allocation.values()) == 100


def test_the_template_reads_back_as_the_same_report():
    from products.report_portal import TEMPLATE_DATA

    assert csvsvc.parse_report_csv(csvsvc.report_csv(TEMPLATE_DATA)) == TEMPLATE_DATA


@pytest.mark.parametrize(
    ("bad_line", "expected"),
    [
        ("holding,Moutai,600519,abc,,", "Line 7, column value"),
        ("holding,Moutai,600519,101,,", "Line 7, column value"),
        ("holding,Moutai,600519,9.855,,", "Line 7, column value"),
        ("holding,,600519,9.85,,", "Line 7, column name"),
        ("manager,Li,,,2021-02-30,", "Line 7, column date"),
        ("allocation,gold,,1,,", "Line 7, column name"),
        ("allocation,stocks,,1,,", "Line 10, column name"),
        ("dividend,x,,1,,", "Line 7, column record"),
    ],
)
def test_a_bad_csv_names_the_line_and_column_and_saves_nothing(
    fund, editor, client, bad_line, expected
):
    lines = GOOD_CSV.splitlines()
    lines.insert(6, bad_line)
    with pytest.raises(ValidationError) as caught:
        csvsvc.parse_report_csv("\n".join(lines).encode())
    messages = [m for e in caught.value.error_dict["file"] for m in e.messages]
    assert any(m.startswith(expected) for m in messages), messages
    client.force_login(editor)
    upload = SimpleUploadedFile("r.csv", "\n".join(lines).encode(), content_type="text/csv")
    response = client.post(
        f"/portal/products/{fund.slug}/report/", {"source": "csv", "file": upload}
    )
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not FundReport.objects.exists()


def test_a_csv_whose_allocation_is_not_100_saves_nothing(fund, editor, client):
    client.force_login(editor)
    body = GOOD_CSV.replace("allocation,other,,0.50,,", "allocation,other,,1.50,,")
    upload = SimpleUploadedFile("r.csv", body.encode(), content_type="text/csv")
    response = client.post(f"/portal/products/{fund.slug}/report/", {"file": upload})
    assert response.status_code == 400
    assert "101.00%" in response.content.decode()
    assert not FundReport.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe not utf-8",
        b"date,nav\n2026-01-01,1.0\n",
        b"record,name,code,value,date,note\nperiod,2026 Q2,,,,\n",
        b"record,name,code,value,date,note\nperiod,someday,,,,\n",
    ],
)
def test_unreadable_or_incomplete_files_are_refused(body):
    with pytest.raises(ValidationError) as caught:
        csvsvc.parse_report_csv(body)
    assert "file" in caught.value.error_dict


# --- review ----------------------------------------------------------------------------------


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


# --- portal, tenant isolation ----------------------------------------------------------------


def form_post(**overrides) -> dict:
    body = {
        "year": "2026",
        "period": "q2",
        "fund_size": "1,200,000,000.00",
        "fund_size_date": "2026-06-30",
        "benchmark_name": "CSI 300 Index",
        "benchmark_return_percent": "-3.10",
        "managers-TOTAL_FORMS": "2",
        "managers-INITIAL_FORMS": "0",
        "managers-MIN_NUM_FORMS": "1",
        "managers-MAX_NUM_FORMS": "5",
        "managers-0-name": "Li Ming",
        "managers-0-since": "2021-03-15",
        "managers-0-bio": "",
        "holdings-TOTAL_FORMS": "10",
        "holdings-INITIAL_FORMS": "0",
        "holdings-MIN_NUM_FORMS": "0",
        "holdings-MAX_NUM_FORMS": "10",
        "holdings-0-name": "Kweichow Moutai",
        "holdings-0-code": "600519",
        "holdings-0-percent_of_nav": "9.85",
        "allocation-stocks": "80",
        "allocation-bonds": "10",
        "allocation-cash": "10",
        "allocation-other": "0",
    }
    body.update(overrides)
    return body


def test_portal_form_saves_and_submits(fund, editor, client):
    client.force_login(editor)
    assert client.get(f"/portal/products/{fund.slug}/report/").status_code == 200
    response = client.post(f"/portal/products/{fund.slug}/report/", form_post(submit="1"))
    assert response.status_code == 302, response.content.decode()[:3000]
    report = FundReport.objects.get()
    assert report.status == "submitted"
    assert report.benchmark_return_1y == Decimal("-0.031")
    assert report.fund_size == Decimal("1200000000.00")


def test_portal_form_with_a_bad_allocation_shows_the_error_and_saves_nothing(fund, editor, client):
    client.force_login(editor)
    response = client.post(
        f"/portal/products/{fund.slug}/report/", form_post(**{"allocation-cash": "5"})
    )
    assert response.status_code == 400
    assert "95.00%" in response.content.decode()
    assert not FundReport.objects.exists()


def test_portal_template_download_is_a_csv_the_upload_reads(fund, editor, client):
    client.force_login(editor)
    response = client.get(f"/portal/products/{fund.slug}/report/template.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert csvsvc.parse_report_csv(response.content).holdings


def test_another_institutions_report_is_a_404(fund, editor, client, staff):
    other = ProductFactory(institution=InstitutionFactory())
    other_editor = MembershipFactory(institution=other.institution, role=Role.EDITOR).user
    report = svc.fund_report_save(product=other, actor=other_editor, data=data())
    client.force_login(editor)
    for url in (
        f"/portal/products/{other.slug}/report/",
        f"/portal/products/{other.slug}/report/template.csv",
        f"/api/v1/portal/products/{other.slug}/reports/",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/portal/products/{other.slug}/report/{report.pk}/submit/",
        f"/portal/products/{fund.slug}/report/{report.pk}/submit/",
        f"/api/v1/portal/products/{other.slug}/reports/{report.pk}/submit/",
        f"/api/v1/portal/products/{fund.slug}/reports/{report.pk}/submit/",
    ):
        assert client.post(url).status_code == 404, url
    assert FundReport.objects.get().status == "draft"


# --- API -------------------------------------------------------------------------------------

API_BODY = {
    "year": 2026,
    "period": "q2",
    "fund_size": "2350000000.00",
    "fund_size_date": "2026-06-30",
    "benchmark_name": "CSI 300 Index",
    "benchmark_return_1y_percent": "12.40",
    "managers": [{"name": "Li Ming", "since": "2021-03-15"}],
    "holdings": [{"name": "Kweichow Moutai", "code": "600519", "percent_of_nav": "9.85"}],
    "allocation": {"stocks": "85.20", "bonds": "5.00", "cash": "9.30", "other": "0.50"},
}


def test_api_saves_lists_and_submits(fund, editor, client):
    client.force_login(editor)
    url = f"/api/v1/portal/products/{fund.slug}/reports/"
    response = client.post(url, API_BODY, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft"
    assert body["allocation"]["stocks"] == "85.20"
    assert body["benchmark_return_1y_percent"] == "12.40"
    submitted = client.post(f"{url}{body['id']}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert [r["id"] for r in client.get(url).json()] == [body["id"]]


def test_api_bad_allocation_is_a_400_with_its_code(fund, editor, client):
    client.force_login(editor)
    body = {**API_BODY, "allocation": {"stocks": "50", "bonds": "5", "cash": "5", "other": "0"}}
    response = client.post(
        f"/api/v1/portal/products/{fund.slug}/reports/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "allocation" in response.json()
    assert not FundReport.objects.exists()


def test_api_csv_upload(fund, editor, client):
    client.force_login(editor)
    upload = SimpleUploadedFile("r.csv", GOOD_CSV.encode(), content_type="text/csv")
    response = client.post(
        f"/api/v1/portal/products/{fund.slug}/reports/", {"file": upload, "submit": "true"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    assert len(response.json()["holdings"]) == 2


# --- the fund page ---------------------------------------------------------------------------


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


def test_api_names_the_benchmark_field_as_it_spells_it(fund, editor, client):
    client.force_login(editor)
    body = {**API_BODY, "benchmark_return_1y_percent": "1200"}
    response = client.post(
        f"/api/v1/portal/products/{fund.slug}/reports/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["benchmark_return_1y_percent"]


def test_the_form_starts_from_the_last_report_and_an_emptied_row_is_removed(fund, editor, client):
    holdings = [
        svc.HoldingRow("A Corp", "1", Decimal(3)),
        svc.HoldingRow("B Corp", "2", Decimal(2)),
    ]
    svc.fund_report_save(product=fund, actor=editor, data=data(holdings=holdings))
    client.force_login(editor)
    html = client.get(f"/portal/products/{fund.slug}/report/").content.decode()
    assert 'value="A Corp"' in html
    assert 'value="B Corp"' in html
    body = form_post(
        **{
            "holdings-0-name": "A Corp",
            "holdings-0-code": "1",
            "holdings-0-percent_of_nav": "3",
            "holdings-1-name": "",
            "holdings-1-code": "",
            "holdings-1-percent_of_nav": "",
        }
    )
    assert client.post(f"/portal/products/{fund.slug}/report/", body).status_code == 302
    assert [h.name for h in FundReport.objects.get().holdings.all()] == ["A Corp"]


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
