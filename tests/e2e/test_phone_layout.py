"""A phone (390 × 844) and a desktop (1280) in a real browser (issue 15): the compact header's
menu button opens the navigation, the account tabs scroll sideways instead of wrapping, a
product page keeps its buy bar at the bottom of the screen while it scrolls, catalogue and
order cards are compact; insurance and savings pages on a desktop speak their own language.
Screenshots: var/screens/kinds-*.png."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from institutions.models import ProductKind
from orders import services
from products.models import InsuranceTerms, SavingsTerms
from tests.e2e.test_catalogue import log_in
from tests.factories import ProductFactory, investor_with_cash

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENS = Path(settings.BASE_DIR) / "var" / "screens"
PHONE = {"width": 390, "height": 844}


def _screen(page, name: str, *, full_page: bool = True) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"kinds-{name}.png"), full_page=full_page)


def _products():
    savings = ProductFactory(
        kind=ProductKind.SAVINGS,
        code=None,
        risk_level=1,
        name="Jade River 12-Month Fixed Deposit",
        summary="A 12-month deposit at a fixed 1.75% a year.",
        description="Interest is paid with the capital at maturity.",
        min_purchase=Decimal("1000"),
    )
    SavingsTerms.objects.filter(product=savings).update(
        annual_rate=Decimal("0.0175"), deposit_insured=True
    )
    insurance = ProductFactory(
        kind=ProductKind.INSURANCE,
        code=None,
        risk_level=1,
        name="Evergreen Term Life 20",
        summary="Twenty years of life cover for the family's main earner, at a fixed premium.",
        description="Cover of 500,000 CNY for a yearly premium of 1,280.00 CNY for 20 years.",
        min_purchase=Decimal("1280"),
    )
    InsuranceTerms.objects.filter(product=insurance).update(
        premium=Decimal("1280.00"),
        term_months=240,
        premium_years=20,
        waiting_days=90,
        claims="Call Evergreen Life on 95510 or claim in its app within 10 days of the event.",
        exclusions="Suicide in the first two years of cover; drink-driving; war.",
    )
    fund = ProductFactory(name="Southern Cross Steady Bond A", summary="Government bonds.")
    return savings, insurance, fund


def test_phone_menu_tabs_buy_bar_and_compact_cards(new_page):
    savings, insurance, fund = _products()
    investor = investor_with_cash(level=3, cash="20000", email="phone@example.com")
    services.order_place(user=investor, product=fund, side="buy", amount="1000")
    services.order_place(user=investor, product=savings, side="buy", amount="5000")
    page = new_page(**PHONE)

    # The header is one compact row; the navigation opens from the menu button.
    page.goto("/products/")
    _screen(page, "phone-catalogue", full_page=False)
    nav = page.locator(".site-nav")
    button = page.locator(".site-menu__button")
    assert button.is_visible()
    assert not nav.is_visible()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 72
    button.click()
    assert nav.is_visible()
    assert page.get_by_role("link", name="For institutions").is_visible()
    _screen(page, "phone-menu-open", full_page=False)
    button.click()
    assert not nav.is_visible()

    # Catalogue cards are compact: no summary, the figures on one row, short cards.
    cards = page.locator(".product-card")
    assert cards.count() == 3
    assert not page.locator(".product-card__summary").first.is_visible()
    for index in range(3):
        assert cards.nth(index).bounding_box()["height"] < 230
        tops = (
            cards.nth(index)
            .locator(".product-card__figures .figure")
            .evaluate_all("els => els.map(e => Math.round(e.getBoundingClientRect().top))")
        )
        assert len(set(tops)) == 1, tops
    card = page.locator(".product-card", has_text=savings.name)
    assert "1.75%" in card.inner_text()

    # The account tabs scroll sideways on one line.
    log_in(page, investor.email)
    page.goto("/me/orders/")
    tabs = page.locator(".me-nav .tabs")
    scroll = tabs.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert scroll[0] > scroll[1], scroll
    tops = tabs.locator("li").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(set(tops)) == 1, tops  # no wrap
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Order cards are compact: each order is a short two-column card.
    rows = page.locator(".orders-table tbody tr")
    assert rows.count() == 2
    for index in range(2):
        assert rows.nth(index).bounding_box()["height"] < 260
    _screen(page, "phone-orders")
    tabs.evaluate("el => el.scrollLeft = el.scrollWidth")
    _screen(page, "phone-tabs-scrolled", full_page=False)

    # A product page keeps its buy bar at the bottom of the screen while it scrolls.
    for product, label, figure in (
        (savings, "Deposit", "1.75%"),
        (insurance, "Buy cover", "1,280"),
        (fund, "Buy", "10"),
    ):
        page.goto(f"/products/{product.slug}/")
        bar = page.locator(".buy-bar")
        page.mouse.wheel(0, 1400)
        page.wait_for_timeout(200)
        assert bar.is_visible()
        box = bar.bounding_box()
        assert abs(box["y"] + box["height"] - PHONE["height"]) <= 2, box
        assert figure in bar.inner_text()
        assert bar.get_by_role("link", name=label, exact=True).is_visible()
        _screen(page, f"phone-{product.kind}-scrolled", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    bar.get_by_role("link", name="Buy", exact=True).click()
    page.wait_for_url(f"**/products/{fund.slug}/buy/")
    assert page.csp_errors == []


def test_desktop_insurance_and_savings_pages(new_page):
    savings, insurance, _fund = _products()
    page = new_page(1280, 900)
    page.goto(f"/products/{insurance.slug}/")
    assert not page.locator(".buy-bar").is_visible()
    assert not page.locator(".site-menu__button").is_visible()
    assert page.locator(".site-nav").is_visible()
    main = page.locator("main").inner_text()
    for words in ("Cover (sum assured)", "Waiting period", "How to claim", "Exclusions"):
        assert words in main
    assert "Invest in this product" not in main
    _screen(page, "desktop-insurance")
    page.goto(f"/products/{savings.slug}/")
    main = page.locator("main").inner_text()
    for words in ("Annual rate", "Early withdrawal", "Deposit insurance", "Open this deposit"):
        assert words in main
    assert "returns are steady" not in main
    _screen(page, "desktop-savings")
    page.goto("/products/")
    _screen(page, "desktop-catalogue")
    assert page.csp_errors == []


def test_phone_insurance_page_in_chinese(new_page):
    _savings, insurance, _fund = _products()
    page = new_page(**PHONE)
    page.goto(f"/products/{insurance.slug}/")
    page.locator(".site-menu__button").click()
    page.locator(".lang-switch__option[lang=zh-hans]").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    for words in ("保额（基本保险金额）", "交费年限", "等待期", "如何理赔", "责任免除"):
        assert words in main
    bar = page.locator(".buy-bar")
    assert "¥1,280" in bar.inner_text()
    assert bar.get_by_role("link", name="投保", exact=True).is_visible()
    _screen(page, "phone-insurance-zh", full_page=False)
    assert page.csp_errors == []
