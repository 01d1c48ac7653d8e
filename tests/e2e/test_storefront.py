"""The catalogue with facets, the published ranking rule and an institution's storefront with a
curated list, in a real browser on a desktop (1280) and a phone (390) (issue 15).

Screenshots: var/screens/catalogue-*.png."""

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from institutions.models import Institution, InstitutionType, Role
from products import ranking
from products.models import CuratedList
from tests.factories import (
    PASSWORD,
    InstitutionFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENS = Path(settings.BASE_DIR) / "var" / "screens"
M = Decimal(1_000_000)


def screen(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"catalogue-{name}.png"), full_page=True)


def log_in(page, email):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    page.wait_for_load_state()


def shelf():
    platform = Institution.objects.get(type=InstitutionType.PLATFORM)
    harbour = InstitutionFactory(
        name="Harbour Funds",
        slug="harbour-funds",
        type=InstitutionType.FUND_COMPANY,
        licence_number="CSRC-FUND-2019-031",
        description="Harbour Funds manages bond and money-market funds for households in "
        "southern China. Licensed by the CSRC since 2019.",
    )
    jade = InstitutionFactory(name="Jade Asset Management", slug="jade-am")
    # name, slug, fund type, risk, fee, 1-year return, size (CNY million)
    specs = [
        (platform, "Fortune Market Cash Plus", "fm-cash-plus", "money_market", 1, "0", "0.018", 40),
        (harbour, "Harbour Money Fund", "harbour-money", "money_market", 1, "0", "0.021", 2400),
        (jade, "Jade Short Bond", "jade-short-bond", "bond", 2, "0.004", "0.035", 180),
        (harbour, "Harbour Green Bond", "harbour-green-bond", "bond", 2, "0.006", "0.062", 650),
        (platform, "Fortune Market Bond", "fm-bond", "bond", 2, "0.008", "0.048", 320),
        (harbour, "Harbour Balanced", "harbour-balanced", "mixed", 3, "0.012", "0.094", None),
        (jade, "Jade China Equity", "jade-china-equity", "equity", 4, "0.015", "-0.031", 1200),
    ]
    for i, (institution, name, slug, fund_type, risk, fee, ret, size) in enumerate(specs):
        ProductFactory(
            institution=institution,
            name=name,
            name_en=name,
            slug=slug,
            fund_type=fund_type,
            risk_level=risk,
            min_purchase=Decimal("10"),
            headline_fee_rate=Decimal(fee),
            return_1y=Decimal(ret),
            fund_size=size * M if size else None,
            manager_since=dt.date(2025 - i, 3, 1),
        )
    MembershipFactory(
        institution=harbour, role=Role.EDITOR, user=UserFactory(email="ed@harbour.example")
    )
    return harbour


def test_catalogue_facets_ranking_and_a_storefront_list(new_page):
    harbour = shelf()

    # 1. The editor builds a list in the portal and publishes it.
    editor = new_page()
    log_in(editor, "ed@harbour.example")
    editor.goto("/portal/products/")
    editor.get_by_role("link", name="Curated lists").click()
    editor.get_by_role("link", name="New list").first.click()
    editor.fill("input[name=title]", "For your first fund")
    editor.fill("textarea[name=blurb]", "Our lower-risk funds with small minimum purchases.")
    editor.get_by_label("Harbour Green Bond").fill("1")
    editor.get_by_label("Harbour Money Fund").fill("2")
    screen(editor, "portal-form")
    editor.get_by_role("button", name="Save list").click()
    editor.wait_for_load_state()
    assert "List saved." in editor.content()
    editor.get_by_role("button", name="Publish For your first fund").click()
    editor.wait_for_load_state()
    assert CuratedList.objects.get(institution=harbour).published
    screen(editor, "portal-lists")

    for width, label in ((1280, "desktop"), (390, "phone")):
        page = new_page(width=width, height=860 if width > 400 else 844)

        # 2. The catalogue with two facets applied: no purchase fee or up to 0.5%, R1–R2.
        page.goto("/products/?fee_band=free&fee_band=to_0_5&risk_level=R1&risk_level=R2")
        if width < 400:
            page.locator("label[for=filters-toggle]").click()
        assert page.locator("input[type=checkbox][name=fee_band][value=free]").is_checked()
        results = page.locator(".catalogue__results")
        assert "3 products" in results.inner_text()
        names = page.locator(".product-list > li h3, .product-list > li .product-card__name")
        assert names.count() >= 1
        counts = page.locator("fieldset:has(legend:text('Purchase fee')) .facet-count")
        assert counts.count() == 4
        screen(page, f"facets-{label}")
        assert page.csp_errors == []

        # 3. The ranking page publishes the formula, today's seed and a worked example.
        page.goto("/about/ranking/")
        day = ranking.rotation_day()
        body = page.locator("#rotation").inner_text()
        assert day.isoformat() in body
        first = page.locator(".rotation__text").first.inner_text()
        key = hashlib.sha256(first.encode()).hexdigest()
        assert key[:16] in body
        page.locator("#rotation").scroll_into_view_if_needed()
        screen(page, f"ranking-{label}")
        page.locator("#rotation").screenshot(path=str(SCREENS / f"catalogue-rotation-{label}.png"))

        # 4. The storefront: licence, about, the curated list labelled as the institution's.
        page.goto("/institutions/harbour-funds/")
        text = page.locator("main").inner_text()
        assert "CSRC-FUND-2019-031" in text
        curated = page.locator(".curated-list")
        assert "Selected by Harbour Funds" in curated.inner_text()
        links = curated.locator("a[href^='/products/']")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        ordered = [h for h in hrefs if h.count("/") == 3]
        assert ordered.index("/products/harbour-green-bond/") < ordered.index(
            "/products/harbour-money/"
        )
        screen(page, f"storefront-{label}")
        curated.screenshot(path=str(SCREENS / f"catalogue-curated-{label}.png"))
        assert page.csp_errors == []
