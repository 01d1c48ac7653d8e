"""Listing in a real browser: an editor lists a fund, staff approve, a visitor finds it.

The editor creates a fund in the portal, uploads a NAV CSV with some bad rows (reported per
row), submits it for review; staff approve it; a visitor finds it by filter and by search, opens
its page and sees the NAV chart and the fee table.
"""

import datetime as dt

import pytest
from django.utils import timezone

from institutions.models import InstitutionType, Role
from products.documents import minimal_pdf
from products.models import NavPrice, Product, ProductStatus
from tests.e2e.conftest import totp_now
from tests.factories import (
    PASSWORD,
    REDEMPTION_TIERS,
    SUBSCRIPTION_TIERS,
    TOTP_SECRET,
    InstitutionFactory,
    MembershipFactory,
    ProductFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, email, totp_secret=None):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    page.wait_for_load_state()
    if totp_secret:
        page.fill("input[name=code]", totp_now(totp_secret))
        page.locator("form:has(input[name=code]) [type=submit]").first.click()
        page.wait_for_load_state()


def nav_csv() -> bytes:
    end = timezone.localdate() - dt.timedelta(days=1)
    lines = ["date,nav"]
    nav = 1.0
    for i in range(400, 0, -1):
        day = end - dt.timedelta(days=i)
        if day.weekday() < 5:
            nav *= 1.0004
            lines.append(f"{day},{nav:.4f}")
    early = end - dt.timedelta(days=420)  # before the series: no duplicate dates
    bad = ["2026-02-30,1.1000", f"{early},-1", f"{early - dt.timedelta(days=1)},1.23456"]
    lines += [*bad, f"{early - dt.timedelta(days=2)},abc"]
    return ("\n".join(lines) + "\n").encode()


def test_editor_lists_a_fund_staff_approve_and_a_visitor_finds_it(new_page, shot):
    institution = InstitutionFactory(
        name="Harbour Funds", slug="harbour-funds", type=InstitutionType.FUND_COMPANY
    )
    MembershipFactory(
        institution=institution, role=Role.EDITOR, user=UserFactory(email="ed@harbour.example")
    )
    ProductFactory.create_batch(3)  # other products in the catalogue

    # 1. The editor creates the fund.
    editor = new_page()
    log_in(editor, "ed@harbour.example")
    editor.goto("/portal/products/new/?kind=fund")
    editor.fill("input[name=name_zh_hans]", "港湾绿色债券A")
    editor.fill("input[name=name_en]", "Harbour Green Bond A")
    editor.select_option("select[name=fund_type]", "bond")
    editor.fill("input[name=code]", "520123")
    editor.select_option("select[name=risk_level]", "2")
    editor.fill("input[name=summary_en]", "Green government and policy-bank bonds.")
    editor.fill("textarea[name=description]", "Invests in green bonds issued in China.")
    editor.fill("input[name=min_purchase]", "10")
    editor.fill("input[name=management_fee_rate]", "0.6")
    editor.fill("input[name=custody_fee_rate]", "0.2")
    editor.fill("textarea[name=subscription_tiers]", SUBSCRIPTION_TIERS)
    editor.fill("textarea[name=redemption_tiers]", REDEMPTION_TIERS)
    shot(editor, "editor-new-fund")
    editor.locator("form:has(textarea[name=subscription_tiers]) [type=submit]").first.click()
    editor.wait_for_load_state()
    shot(editor, "editor-draft-saved")
    product = Product.objects.get(code="520123")
    assert product.status == ProductStatus.DRAFT

    # 2. NAV upload with some bad rows, each reported.
    editor.goto(f"/portal/products/{product.slug}/nav/")
    editor.set_input_files(
        "input[name=file]", {"name": "nav.csv", "mimeType": "text/csv", "buffer": nav_csv()}
    )
    editor.locator("form:has(input[name=file]) [type=submit]").first.click()
    editor.wait_for_load_state()
    shot(editor, "editor-nav-report")
    page_text = editor.content()
    assert "Not a date" in page_text
    assert "more than 4 decimal places" in page_text
    assert NavPrice.objects.filter(product=product).count() > 250

    # 3. Submit for review.
    editor.goto(f"/portal/products/{product.slug}/")
    editor.locator(
        f"form[action='/portal/products/{product.slug}/submit/'] [type=submit]"
    ).first.click()
    editor.wait_for_load_state()
    shot(editor, "editor-submitted")
    product.refresh_from_db()
    assert product.status == ProductStatus.IN_REVIEW

    # 4. Staff cannot approve it without its prospectus and key facts; the editor uploads them.
    StaffFactory(email="reviewer@fortune.example")
    staff = new_page()
    log_in(staff, "reviewer@fortune.example", TOTP_SECRET)
    staff.goto("/staff/products/")
    shot(staff, "staff-product-queue")
    staff.goto(f"/staff/products/{product.slug}/")
    shot(staff, "staff-documents-missing")
    assert "Prospectus, Key facts" in staff.locator("#documents-missing").inner_text()
    assert staff.locator("button[name=action][value=approve]").is_disabled()
    editor.goto(f"/portal/products/{product.slug}/")
    assert "Prospectus, Key facts" in editor.locator("#documents-missing").inner_text()
    for kind, title in (("prospectus", "Prospectus 2026"), ("fact_sheet", "Key facts 2026")):
        assert editor.locator("#doc-kind").input_value() == kind  # the next one required
        editor.fill("#doc-title", title)
        pdf = minimal_pdf(title=title, lines=["Harbour Green Bond A"])
        editor.set_input_files(
            "#doc-file", {"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": pdf}
        )
        editor.locator("form:has(#doc-file) [type=submit]").click()
        editor.wait_for_load_state()
    shot(editor, "editor-documents-uploaded")
    assert editor.locator("#documents-missing").count() == 0
    staff.reload()
    staff.fill("textarea[name=reason]", "Prospectus, key facts and fee table checked.")
    shot(staff, "staff-product-review")
    staff.locator("button[name=action][value=approve]").click()
    staff.wait_for_load_state()
    product.refresh_from_db()
    assert product.status == ProductStatus.PUBLISHED

    # 5. A visitor finds it by filter and by search, and opens its page.
    visitor = new_page()
    visitor.goto("/products/")
    shot(visitor, "visitor-catalogue")
    visitor.check("input[name=risk_level][value=R2]")
    visitor.select_option("select[name=institution]", "harbour-funds")
    visitor.locator("form:has(input[name=q]) [type=submit]").first.click()
    visitor.wait_for_load_state()
    shot(visitor, "visitor-filtered")
    assert visitor.locator(f"a[href='/products/{product.slug}/']").count() >= 1
    visitor.goto("/products/?q=520123")
    assert visitor.locator(f"a[href='/products/{product.slug}/']").count() >= 1
    visitor.locator(f"a[href='/products/{product.slug}/']").first.click()
    visitor.wait_for_load_state()
    shot(visitor, "visitor-product-page")
    assert visitor.locator("svg polyline").count() >= 1
    html = visitor.content()
    assert "1.5%" in html
    assert "Harbour Green Bond A" in html
    phone = new_page(width=390, height=844)
    phone.goto(f"/products/{product.slug}/")
    shot(phone, "visitor-product-page-phone")

    for page in (editor, staff, visitor, phone):
        assert page.csp_errors == [], page.csp_errors
