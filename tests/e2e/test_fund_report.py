"""A fund's periodic report in a real browser: the institution's editor uploads a CSV in the
portal (a bad one first: refused whole, its problems named by line and column), submits it;
staff approve it from the review queue; a visitor finds the managers, size, benchmark, top
holdings and allocation on the fund page, on a desktop and on a phone, with no CSP error."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from institutions.models import Role
from marketplace.dates import add_months
from products.models import FundReport
from products.report_models import latest_ended_period, period_end
from tests.e2e.test_catalogue import log_in
from tests.factories import (
    TOTP_SECRET,
    MembershipFactory,
    ProductFactory,
    StaffFactory,
    UserFactory,
    set_nav,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENS = Path(settings.BASE_DIR) / "var" / "screens"


def screen(page, name: str, selector: str | None = None) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = str(SCREENS / f"report-{name}.png")
    if selector:
        page.locator(selector).screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=True)


def report_csv(year: int, period: str, day: dt.date) -> str:
    return f"""record,name,code,value,date,note
period,{year} {period.upper()},,,,
fund_size,,,2350000000.00,{day},
benchmark,CSI 300 Index × 60% + ChinaBond Composite Index × 40%,,6.10,,
manager,Li Ming,,,2021-03-15,Fifteen years in equity research; CFA.
manager,Wang Fang,,,2024-07-01,Fixed-income specialist.
holding,Kweichow Moutai,600519,6.85,,
holding,Contemporary Amperex Technology,300750,5.20,,
holding,China Merchants Bank,600036,4.10,,
holding,Ping An Insurance,601318,3.75,,
holding,Midea Group,000333,3.40,,
holding,Yangtze Power,600900,3.05,,
holding,BYD,002594,2.90,,
holding,Zijin Mining,601899,2.60,,
holding,Hengrui Medicine,600276,2.20,,
holding,Luxshare Precision,002475,1.95,,
allocation,stocks,,64.20,,
allocation,bonds,,22.00,,
allocation,cash,,12.30,,
allocation,other,,1.50,,
"""


def test_institution_uploads_a_report_staff_approve_and_the_fund_page_shows_it(new_page, tmp_path):
    year, period = latest_ended_period(timezone.localdate())
    end = period_end(year, period)
    fund = ProductFactory(name="Harbour Balanced Growth Mixed", fund_type="mixed", risk_level=3)
    set_nav(fund, add_months(end, -12), "1.0000")
    set_nav(fund, end, "1.0740")
    MembershipFactory(
        institution=fund.institution,
        role=Role.EDITOR,
        user=UserFactory(email="editor@harbour.example"),
    )
    StaffFactory(email="reviewer@fortune.example")

    good = report_csv(year, period, end)
    bad = good.replace("holding,BYD,002594,2.90", "holding,BYD,002594,2.905").replace(
        "allocation,cash,,12.30", "allocation,cash,,abc"
    )
    (tmp_path / "bad.csv").write_text(bad)
    (tmp_path / "report.csv").write_text(good)

    editor = new_page()
    log_in(editor, "editor@harbour.example")
    editor.goto(f"/portal/products/{fund.slug}/")
    editor.get_by_role("link", name="Periodic report").click()
    editor.wait_for_load_state()
    editor.set_input_files("input[name=file]", str(tmp_path / "bad.csv"))
    editor.get_by_role("button", name="Upload and submit").click()
    editor.wait_for_load_state()
    errors = editor.locator("#csv-title ~ form .errorlist").inner_text()
    assert "Line 13, column value" in errors
    assert "Line 19, column value" in errors
    screen(editor, "portal-csv-errors")
    assert not FundReport.objects.exists()

    editor.set_input_files("input[name=file]", str(tmp_path / "report.csv"))
    editor.get_by_role("button", name="Upload and submit").click()
    editor.wait_for_load_state()
    assert "Waiting for review" in editor.locator("#open-title ~ *").first.inner_text() or (
        "Waiting for review" in editor.content()
    )
    screen(editor, "portal-submitted")
    report = FundReport.objects.get()
    assert report.status == "submitted"

    staff = new_page()
    log_in(staff, "reviewer@fortune.example", TOTP_SECRET)
    staff.goto("/staff/products/")
    staff.locator(f"a[href='/staff/reports/{report.pk}/']").first.click()
    staff.wait_for_load_state()
    assert "Kweichow Moutai" in staff.content()
    staff.fill("textarea[name=reason]", "Matches the quarterly report published on the exchange.")
    screen(staff, "staff-review")
    staff.locator("button[name=action][value=approve]").click()
    staff.wait_for_load_state()
    report.refresh_from_db()
    assert report.is_current

    visitor = new_page()
    visitor.goto(f"/products/{fund.slug}/")
    section = visitor.locator("#fund-report")
    text = section.inner_text()
    assert "Li Ming" in text
    assert "since 2021-03" in text
    assert "2,350,000,000" in text
    assert "+7.40%" in text  # the fund over the year to the period end
    assert "+6.10%" in text  # its benchmark
    assert "Kweichow Moutai" in text
    assert section.locator(".alloc-row").count() == 4
    assert visitor.csp_errors == []
    screen(visitor, "fund-desktop", "#fund-report")
    screen(visitor, "fund-page-desktop")

    visitor.locator("button[name=language][value=zh-hans]").first.click()
    visitor.wait_for_load_state()
    visitor.goto(f"/products/{fund.slug}/")
    assert "前十大持仓" in visitor.locator("#fund-report").inner_text()
    screen(visitor, "fund-desktop-zh", "#fund-report")

    phone = new_page(width=390, height=844)
    phone.goto(f"/products/{fund.slug}/#fund-report")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    assert phone.csp_errors == []
    screen(phone, "fund-phone", "#fund-report")

    editor.goto(f"/portal/products/{fund.slug}/report/")
    assert "On the fund page" in editor.content()
    screen(editor, "portal-approved")
    phone_editor = new_page(width=390, height=844)
    log_in(phone_editor, "editor@harbour.example")
    phone_editor.goto(f"/portal/products/{fund.slug}/report/")
    screen(phone_editor, "portal-phone")
    screen(phone_editor, "portal-phone-holdings", "fieldset:has(.report-holdings-form)")
    screen(phone_editor, "portal-phone-csv", "aside:has(#csv-title)")
    assert phone_editor.evaluate("document.documentElement.scrollWidth") <= 390
