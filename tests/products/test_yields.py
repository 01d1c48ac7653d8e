"""Forward pricing on every upload path, and a money-market fund's daily yield series: uploaded
like NAV (portal CSV, API rows or CSV, judged row by row, audited), shown on its page, card and
``GET /api/v1/products/{slug}/yield/``."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from institutions.models import InstitutionType, Role
from products import services, yields
from products.models import DailyYield, FundType, NavPrice, ProductEvent, ProductEventKind
from tests.factories import (
    CommissionContractFactory,
    InstitutionFactory,
    MembershipFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def editor():
    institution = InstitutionFactory(type=InstitutionType.FUND_COMPANY)
    return MembershipFactory(institution=institution, role=Role.EDITOR).user


@pytest.fixture
def fund(editor):
    return ProductFactory(institution=editor.memberships.get().institution)


@pytest.fixture
def mmf(editor):
    return ProductFactory(
        institution=editor.memberships.get().institution,
        fund_type=FundType.MONEY_MARKET,
        risk_level=1,
    )


def clock(monkeypatch, hour: int, minute: int = 0) -> dt.date:
    """Today in Shanghai at ``hour:minute``; returns today's date."""
    today = timezone.localdate()
    moment = dt.datetime.combine(today, dt.time(hour, minute), tzinfo=SHANGHAI)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    return today


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("upload.csv", text.encode(), content_type="text/csv")


# --- forward pricing -------------------------------------------------------------------------


def test_nav_of_a_day_is_refused_before_its_cut_off_on_every_upload_path(
    monkeypatch, client, editor, fund
):
    today = clock(monkeypatch, 14, 59)
    client.force_login(editor)

    report = services.nav_upload(product=fund, actor=editor, rows=[(2, str(today), "1.0100")])
    assert report.rejected[0].message == services.PRICE_BEFORE_CUTOFF.format(date=today)
    api = client.post(
        f"/api/v1/portal/products/{fund.slug}/nav/",
        {"rows": [{"date": str(today), "nav": "1.0100"}]},
        content_type="application/json",
    ).json()
    assert api["rejected"][0]["message"] == services.PRICE_BEFORE_CUTOFF.format(date=today)
    page = client.post(
        f"/portal/products/{fund.slug}/nav/", {"file": csv_file(f"date,nav\n{today},1.0100\n")}
    )
    assert services.PRICE_BEFORE_CUTOFF.format(date=today) in page.content.decode()
    assert not NavPrice.objects.filter(product=fund).exists()

    clock(monkeypatch, 15, 0)
    report = services.nav_upload(product=fund, actor=editor, rows=[(2, str(today), "1.0100")])
    assert report.added == 1


def test_a_daily_yield_is_refused_before_its_cut_off(monkeypatch, editor, mmf):
    today = clock(monkeypatch, 14, 59)
    rows = [(2, str(today), "0.4500", "0.0165")]

    report = yields.yield_upload(product=mmf, actor=editor, rows=rows)
    assert report.rejected[0].message == services.PRICE_BEFORE_CUTOFF.format(date=today)
    assert not DailyYield.objects.exists()

    clock(monkeypatch, 15, 0)
    assert yields.yield_upload(product=mmf, actor=editor, rows=rows).added == 1


# --- uploads ---------------------------------------------------------------------------------


def test_yield_csv_from_the_portal_reports_each_row_saves_the_good_ones_and_is_audited(
    client, editor, mmf
):
    client.force_login(editor)
    text = (
        "date,income_per_10k,seven_day_yield\n"
        "2026-11-02,0.4712,0.0172\n"
        "2026-11-03,0.47123,0.0172\n"  # 5 decimals
        "2026-11-04,0.4731,1.73\n"  # a percentage, not a fraction
        "2026-11-05,-0.1,0.0170\n"
        "2099-01-01,0.4700,0.0170\n"
        "2026-11-06,abc,0.0170\n"
    )
    response = client.post(f"/portal/products/{mmf.slug}/yield/", {"file": csv_file(text)})

    assert response.status_code == 200
    report = response.context["report"]
    assert report.added == 1
    assert [r.message for r in report.rejected] == [
        yields.YIELD_INCOME_TOO_PRECISE,
        yields.YIELD_RATE_RANGE,
        yields.YIELD_INCOME_RANGE,
        services.NAV_FUTURE,
        yields.YIELD_INCOME_NOT_NUMBER,
    ]
    saved = DailyYield.objects.get(product=mmf)
    assert (saved.date, saved.income_per_10k, saved.seven_day_yield) == (
        dt.date(2026, 11, 2),
        Decimal("0.4712"),
        Decimal("0.0172"),
    )
    mmf.refresh_from_db()
    assert (mmf.latest_yield_date, mmf.latest_seven_day_yield) == (
        dt.date(2026, 11, 2),
        Decimal("0.0172"),
    )
    event = ProductEvent.objects.get(product=mmf, kind=ProductEventKind.YIELD_UPLOADED)
    assert event.changes == {"added": 1, "updated": 0, "rejected": 5}


def test_yield_api_takes_json_rows_or_a_csv_and_refuses_other_funds(client, editor, mmf, fund):
    client.force_login(editor)
    url = f"/api/v1/portal/products/{mmf.slug}/yield/"
    rows = {"rows": [{"date": "2026-11-02", "income_per_10k": "0.47", "seven_day_yield": "0.0172"}]}
    assert client.post(url, rows, content_type="application/json").json()["added"] == 1
    body = client.post(
        url, {"file": csv_file("date,income_per_10k,seven_day_yield\n2026-11-03,0.48,0.0173\n")}
    ).json()
    assert (body["added"], body["rejected"]) == (1, [])
    assert [r["date"] for r in client.get(url).json()] == ["2026-11-02", "2026-11-03"]
    header = client.post(url, {"file": csv_file("date,nav\n2026-11-03,1\n")})
    assert header.status_code == 400
    bond = client.post(
        f"/api/v1/portal/products/{fund.slug}/yield/", rows, content_type="application/json"
    )
    assert bond.status_code == 400


def test_a_yield_already_credited_by_end_of_day_cannot_be_changed(editor, mmf):
    yields.yield_upload(product=mmf, actor=editor, rows=[(2, "2026-11-02", "0.4700", "0.0170")])
    mmf.holdings.create(
        user=editor, institution=mmf.institution, kind="fund", income_through=dt.date(2026, 11, 2)
    )

    report = yields.yield_upload(
        product=mmf,
        actor=editor,
        rows=[(2, "2026-11-02", "0.9900", "0.0170"), (3, "2026-11-03", "0.4800", "0.0171")],
    )

    assert report.added == 1
    assert report.rejected[0].message == yields.YIELD_ALREADY_CREDITED.format(income="0.4700")
    assert DailyYield.objects.get(product=mmf, date="2026-11-02").income_per_10k == Decimal("0.47")


# --- what investors see --------------------------------------------------------------------------


def test_money_market_page_card_and_api_show_the_yield_series_not_a_flat_nav(client, editor, mmf):
    CommissionContractFactory(institution=mmf.institution, upfront_basis="front_fee")
    days = [dt.date(2026, 11, 1) + dt.timedelta(days=n) for n in range(10)]
    yields.yield_upload(
        product=mmf,
        actor=editor,
        rows=[(n, str(day), f"0.4{n}00", f"0.01{60 + n}") for n, day in enumerate(days)],
    )

    api = client.get(f"/api/v1/products/{mmf.slug}/yield/").json()
    assert api[-1] == {
        "date": "2026-11-10",
        "income_per_10k": "0.4900",
        "seven_day_yield": "0.016900",
    }
    assert "/api/v1/products/{slug}/yield/" in client.get("/api/schema/").content.decode()
    page = client.get(f"/products/{mmf.slug}/?range=all").content.decode()
    assert "7-day annualised yield" in page
    assert "1.69%" in page
    assert "CNY 0.4900" in page
    assert "<polyline" in page
    assert "Price history (NAV)" not in page
    assert "the subscription fee you pay" not in page  # it charges none
    card = client.get("/products/?fund_type=money_market").content.decode()
    assert "Daily income" not in card
    assert "7-day annualised yield" in card
    assert "1.69%" in card


def test_a_yield_csv_with_a_huge_field_is_refused_with_its_line():
    """The yield upload reads its file as NAV uploads do (one parser), so a field over the csv
    module's limit is a clear refusal naming the line, not a 500."""
    from tests.products.test_nav_upload_input import huge_field_csv

    data = huge_field_csv().replace(b"date,nav", b"date,income_per_10k,seven_day_yield")
    with pytest.raises(ValidationError) as caught:
        yields.parse_yield_csv(data)
    assert caught.value.error_dict["file"][0].code == "csv_bad_line"


def test_the_yield_upload_report_counts_read_in_chinese_word_order(client, editor, mmf):
    # The NAV and yield pages share one report: "新增 1 条", not the English order "1 新增".
    client.force_login(editor)
    text = "date,income_per_10k,seven_day_yield\n2026-11-02,0.4712,0.0172\n"
    response = client.post(
        f"/portal/products/{mmf.slug}/yield/",
        {"file": csv_file(text)},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    page = response.content.decode()
    assert '新增<span class="report-counts__n">1</span>条' in page
    assert '未变<span class="report-counts__n">0</span>条' in page
