"""Buying in a real browser: a C3 investor with cash buys an R2 fund (review shows the dates and
the fee first), then an R4 fund that needs the risk acknowledgement, and cancels it."""

import datetime as dt

import pytest

from orders import services
from orders.models import Order
from profiles.models import InvestorProfile
from tests.e2e.test_catalogue import log_in
from tests.factories import TRADE_PIN, ProductFactory, UserFactory, bound_card

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def buy(page, product, amount, *, acknowledge=False):
    page.goto(f"/products/{product.slug}/")
    page.locator(f"a[href='/products/{product.slug}/buy/']").first.click()
    page.wait_for_load_state()
    page.locator(
        "form[method=get] input[name=amount], form:not([method=post]) input[name=amount]"
    ).first.fill(amount)
    page.locator("form:has(input[name=amount]) [type=submit]").first.click()
    page.wait_for_load_state()
    if acknowledge:
        page.check("input[name=acknowledge_risk]")
    page.locator("#id_trade_pin").fill(TRADE_PIN)
    page.locator("form[method=post]:has(input[name=form_token]) [type=submit]").first.click()
    page.wait_for_load_state()


def test_c3_investor_buys_and_acknowledges_and_cancels(new_page, shot):
    user = UserFactory(email="buyer@example.com", trade_pin=True)
    InvestorProfile.objects.create(
        user=user, risk_level=3, assessment_valid_until=dt.date(2030, 1, 1)
    )
    services.deposit_start(user=user, amount="50000", card=bound_card(user))
    r2 = ProductFactory(risk_level=2, name="Harbour Steady Bond")
    r4 = ProductFactory(risk_level=4, fund_type="index", name="Harbour CSI 300 Index")
    page = new_page()
    log_in(page, "buyer@example.com")

    buy(page, r2, "10000")
    shot(page, "r2-order-placed")
    order = Order.objects.get(product=r2)
    assert f"/me/orders/{order.pk}/" in page.url
    assert str(order.trade_date) in page.content()

    buy(page, r4, "2000", acknowledge=True)
    shot(page, "r4-order-placed")
    r4_order = Order.objects.get(product=r4)
    assert r4_order.risk_acknowledged_version
    page.locator(f"form[action='/me/orders/{r4_order.pk}/cancel/'] [type=submit]").click()
    page.wait_for_load_state()
    shot(page, "r4-order-cancelled")
    r4_order.refresh_from_db()
    assert r4_order.status == "cancelled"
    page.goto("/me/orders/")
    shot(page, "orders")
    assert services.cash_account_for(user=user).balance == 40000
    assert page.csp_errors == []


def test_short_cash_is_shown_before_confirming_with_a_top_up_for_the_difference(new_page, shot):
    user = UserFactory(email="short@example.com", trade_pin=True)
    InvestorProfile.objects.create(
        user=user, risk_level=3, assessment_valid_until=dt.date(2030, 1, 1)
    )
    services.deposit_start(user=user, amount="1000", card=bound_card(user))
    fund = ProductFactory(risk_level=2, name="Harbour Steady Bond")
    page = new_page()
    log_in(page, "short@example.com")
    page.goto(f"/products/{fund.slug}/buy/")
    page.locator("form:not([method=post]) input[name=amount]").first.fill("2,500")
    page.locator("form:has(input[name=amount]) [type=submit]").first.click()
    page.wait_for_load_state()
    shot(page, "short-cash-warning")
    warning = page.locator("#cash-short")
    assert warning.is_visible()
    assert "top up CNY 1,500.00 more" in warning.inner_text()
    assert page.locator("button:has-text('Confirm purchase')").count() == 0
    warning.locator("a:has-text('Top up')").click()
    page.wait_for_load_state()
    shot(page, "top-up-prefilled")
    assert page.locator("#deposit-amount").input_value() == "1500.00"
    assert page.locator("#deposit-card input[type=radio]").first.is_checked()  # the default
    page.locator("form:has(#deposit-amount) [type=submit]").first.click()
    page.wait_for_load_state()
    buy(page, fund, "2,500")
    shot(page, "bought-after-top-up")
    assert Order.objects.get(product=fund).amount == 2500
    assert page.csp_errors == []
