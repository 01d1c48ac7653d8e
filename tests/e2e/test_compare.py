"""Comparing three demo funds in a real browser: a visitor ticks "Compare" on three funds in
the catalogue, sees them side by side with one rebased NAV chart, switches the chart's period
and removes one; an investor opens the same comparison on a 390-pixel phone and sees whether
each suits them. Screenshots: var/screens/compare-*.png.

The three funds are the demo's (products/demo/: their names, codes, fees and seeded NAV
walks), one of them launched nine months ago so its 1-year and longer figures are "—"."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from marketplace.dates import months_before
from products.demo import generators, listings
from products.models import FundTerms, FundType, NavPrice, ProductKind
from products.services.stats import product_stats_refresh
from tests.e2e.test_catalogue import log_in
from tests.factories import InstitutionFactory, ProductFactory, investor_with_cash

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENS = Path(settings.BASE_DIR) / "var" / "screens"
CODES = ("202101", "202007", "160119")  # a bond, a young mixed fund, an index fund


def demo_fund(spec: listings.FundSpec, *, institution, end: dt.date, **extra):
    product = ProductFactory(
        institution=institution,
        name=spec.name,
        slug=spec.name.lower().replace(" ", "-"),
        code=spec.code,
        fund_type=spec.fund_type,
        risk_level=spec.risk,
        min_purchase=Decimal(spec.min_purchase),
        summary=generators.fund_summary(spec),
        **extra,
    )
    FundTerms.objects.filter(product=product).update(
        **generators.fund_terms(code=spec.code, fund_type=spec.fund_type)
    )
    days = generators.trading_days(months_before(end, spec.launch_months), end)
    series = generators.nav_walk(
        code=spec.code, fund_type=spec.fund_type, risk_level=spec.risk, days=days
    )
    NavPrice.objects.bulk_create(
        NavPrice(product=product, date=day, nav=Decimal(nav)) for day, nav in series
    )
    return product_stats_refresh(product=product)


@pytest.fixture
def funds():
    end = generators.last_trading_day(timezone.localdate())
    institution = InstitutionFactory(
        name="Southern Cross Fund Management Company Limited (Shenzhen Qianhai Branch)",
        slug=listings.SC,
    )
    specs = {s.code: s for s in listings.FUNDS}
    made = [
        demo_fund(
            specs["202101"],
            institution=institution,
            end=end,
            fund_size=Decimal("8650000000"),
            fund_size_date=end.replace(day=1) - dt.timedelta(days=1),
            manager_since=dt.date(2021, 3, 1),
        ),
        demo_fund(specs["202007"], institution=institution, end=end),
        demo_fund(specs["160119"], institution=institution, end=end),
    ]
    ProductFactory(name="Harbour Short Bond")  # not chosen
    return made


def save(page, name: str, *, parts: int = 0) -> None:
    """The whole page; ``parts``: also that many screen-high slices of it, to read on a phone."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"compare-{name}.png"), full_page=True)
    viewport = page.viewport_size
    for n in range(parts):
        clip = {"x": 0, "y": n * viewport["height"], **viewport}
        path = SCREENS / f"compare-{name}-{n + 1}.png"
        page.screenshot(path=str(path), full_page=True, clip=clip)


def test_a_visitor_compares_three_demo_funds_from_the_catalogue(new_page, funds):
    page = new_page(1280, 900)
    page.goto("/products/?institution=" + listings.SC)
    for fund in funds:
        page.locator(f"label.compare-toggle:has(input[value='{fund.slug}'])").click()
    save(page, "catalogue")
    page.click("#compare-form button[type=submit]")
    page.wait_for_load_state()
    assert "/products/compare/" in page.url

    heads = page.locator("th.compare-head .compare-head__name")
    assert heads.all_inner_texts() == [f.name for f in funds]
    assert page.locator(".compare-chart polyline.compare-line").count() == 3
    assert page.locator(".compare-legend__item").count() == 3
    assert page.locator(".segmented a[aria-current]").inner_text() in ("1Y", "近1年")
    # The young fund has no 1-year figure; its 6-month one carries its risk level.
    one_year = page.locator("tr:has(th[scope=row]:text-is('1Y')) td")
    assert one_year.nth(1).inner_text().strip() == "—"
    assert "R" in one_year.nth(0).inner_text()
    # A long institution name wraps inside its column, above the code, never over it.
    by, code = page.locator(".compare-head__by").first, page.locator(".compare-head__code").first
    by_box, code_box = by.bounding_box(), code.bounding_box()
    assert by_box["y"] + by_box["height"] <= code_box["y"] + 1
    overflowing = page.evaluate(
        "[...document.querySelectorAll('.compare-head > *')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1).length"
    )
    assert overflowing == 0
    assert page.csp_errors == []
    save(page, "desktop")

    page.locator(".segmented a", has_text="3M").click()
    page.wait_for_load_state()
    assert "range=3m" in page.url
    assert page.locator(".compare-chart polyline.compare-line").count() == 3
    save(page, "desktop-3m")

    page.locator(".compare-head__remove").nth(2).click()
    page.wait_for_load_state()
    assert page.locator("th.compare-head").count() == 2
    assert page.csp_errors == []

    # In Chinese: the same page, every label translated.
    page.locator("button:has-text('中文')").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "产品比较"
    assert page.locator("th.compare-head").count() == 2
    save(page, "desktop-zh")


def test_an_investor_compares_on_a_phone_and_sees_what_suits_them(new_page, funds):
    investor_with_cash(level=3, email="compare@example.com")
    page = new_page(390, 844)
    log_in(page, "compare@example.com")
    page.goto("/products/compare/?p=" + ",".join(f.slug for f in funds))
    assert page.locator("th.compare-head").count() == 3
    assert page.locator(".compare-fit").count() == 3
    # The page itself never scrolls sideways: the table does, inside its frame.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert page.csp_errors == []
    save(page, "phone", parts=3)

    page.goto(f"/products/compare/?p={funds[0].slug}")
    assert page.locator("text=Add at least one more product").count() == 1
    save(page, "phone-one")

    page.goto(f"/products/{funds[0].slug}/")
    save(page, "phone-product", parts=1)
    page.click("a.compare-link")
    page.wait_for_load_state()
    assert page.locator("#compare-form input[type=hidden][name=p]").get_attribute("value") == (
        funds[0].slug
    )
    save(page, "phone-catalogue")


def test_a_fund_a_money_market_fund_savings_and_insurance_each_show_their_own_terms(
    new_page, funds
):
    cash = ProductFactory(
        name="Southern Cross Cash Plus Money Market",
        fund_type=FundType.MONEY_MARKET,
        risk_level=1,
        headline_fee_rate=0,
        latest_seven_day_yield=Decimal("0.0182"),
        latest_income_per_10k=Decimal("0.4967"),
        latest_yield_date=funds[0].latest_nav_date,
    )
    savings = ProductFactory(
        kind=ProductKind.SAVINGS, name="Jade River 3-Year Deposit", risk_level=1
    )
    cover = ProductFactory(kind=ProductKind.INSURANCE, name="Evergreen Term Life 20", risk_level=1)
    page = new_page(1280, 900)
    page.goto(f"/products/compare/?p={funds[0].slug}&p={cash.slug}&p={savings.slug}&p={cover.slug}")
    assert page.locator("th.compare-head").count() == 4
    assert page.locator(".compare-chart polyline.compare-line").count() == 1
    assert page.locator("th[scope=rowgroup]:text-is('Savings terms')").count() == 1
    assert page.locator("th[scope=rowgroup]:text-is('Insurance terms')").count() == 1
    assert (
        page.locator("tr:has-text('7-day annualised yield') td")
        .nth(1)
        .inner_text()
        .startswith("1.82%")
    )
    assert page.csp_errors == []
    save(page, "mixed")
