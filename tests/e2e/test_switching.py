"""A switch in a real browser: "Switch" on a fund holding, the review with the estimated fee,
the trade PIN, then end of day confirming both orders together at the same day's NAVs."""

import datetime as dt
from decimal import Decimal

import pytest

from orders import services
from orders.models import Order
from orders.plans.switching.models import Switch
from products.models import NavPrice
from tests.e2e.test_catalogue import log_in
from tests.factories import TRADE_PIN, ProductFactory, investor_with_cash

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
MONDAY, TUESDAY = dt.date(2026, 11, 23), dt.date(2026, 11, 24)


def _nav(product, day, value):
    NavPrice.objects.create(product=product, date=day, nav=Decimal(value))
    product.latest_nav, product.latest_nav_date = Decimal(value), day
    product.save(update_fields=["latest_nav", "latest_nav_date"])


def test_a_switch_is_placed_in_the_browser_and_confirmed_together(new_page, shot, clock):
    investor = investor_with_cash(cash="20000", email="switcher@example.com")
    bond = ProductFactory(risk_level=2, name="Harbour Steady Bond")
    equity = ProductFactory(
        risk_level=3, name="Harbour Growth Equity", institution=bond.institution
    )
    services.order_place(user=investor, product=bond, side="buy", amount="10000")
    _nav(bond, MONDAY, "1.0000")
    _nav(equity, MONDAY, "2.0000")
    clock.set(MONDAY, 20)
    services.end_of_day(run_date=MONDAY)
    clock.set(TUESDAY, 10)

    page = new_page()
    log_in(page, "switcher@example.com")
    page.goto("/me/portfolio/")
    shot(page, "portfolio")
    page.locator(f"a[href='/me/portfolio/{bond.slug}/switch/']").click()
    page.wait_for_load_state()
    page.select_option("select[name=to_product]", equity.slug)
    page.fill("input[name=units]", "1000")
    shot(page, "switch-form")
    page.locator("form:has(select[name=to_product]) [type=submit]").click()
    page.wait_for_load_state()
    shot(page, "switch-review")
    assert page.locator("#review").is_visible()
    assert "Total fee (estimated)" in page.locator("#review").inner_text()
    page.fill("input[name=trade_pin]", TRADE_PIN)
    page.locator("form.checkout-confirm [type=submit]").click()
    page.wait_for_load_state()
    shot(page, "switch-placed")
    switch = Switch.objects.get(user=investor)
    assert page.url.endswith(f"/me/switches/{switch.pk}/")

    page.goto("/me/orders/")
    shot(page, "orders-linked")
    assert page.locator(f"text=Switch to {equity.name}").count() == 1
    assert page.locator(f"text=Switch from {bond.name}").count() == 1

    _nav(bond, TUESDAY, "1.0100")
    _nav(equity, TUESDAY, "2.0200")
    clock.set(TUESDAY, 20)
    services.end_of_day(run_date=TUESDAY)
    assert sorted(Order.objects.filter(switch=switch).values_list("status", flat=True)) == [
        "confirmed",
        "settled",
    ]
    page.goto(f"/me/switches/{switch.pk}/")
    shot(page, "switch-confirmed")
    assert "Confirmed" in page.locator("header.page-header").inner_text()
    page.goto("/me/portfolio/")
    shot(page, "portfolio-after")
    assert equity.name in page.content()
