"""The whole investing journey in a real browser: a C3 investor tops up with the
sandbox gateway, buys a fund and sees it pending with its dates; end of day runs with NAV(T);
the portfolio shows the units and P&L; they redeem part and see the lot-by-lot breakdown once
it settles; an R4 fund needs the risk acknowledgement."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from orders import services
from orders.calendar import next_trading_day
from orders.models import Holding, Order
from products.models import NavPrice
from products.services import product_stats_refresh
from profiles.models import InvestorProfile
from tests.e2e.test_cash import top_up
from tests.e2e.test_catalogue import log_in
from tests.e2e.test_checkout import buy
from tests.factories import TRADE_PIN, ProductFactory, UserFactory, bound_card

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def close_day(product, day, nav):
    """The institution uploads NAV(day) and end of day runs for that day."""
    NavPrice.objects.update_or_create(product=product, date=day, defaults={"nav": Decimal(nav)})
    product_stats_refresh(product=product)
    # The order may trade tomorrow (placed after 15:00): run on that day's evening, not before.
    evening = timezone.make_aware(dt.datetime.combine(day, dt.time(22)))
    with mock.patch("django.utils.timezone.now", return_value=max(evening, timezone.now())):
        services.end_of_day(run_date=day)


def test_c3_investor_tops_up_buys_sees_portfolio_and_redeems_part(new_page, shot):
    user = UserFactory(email="journey@example.com", trade_pin=True)
    InvestorProfile.objects.create(
        user=user, risk_level=3, assessment_valid_until=dt.date(2030, 1, 1)
    )
    fund = ProductFactory(risk_level=2, name="Harbour Steady Bond")
    r4 = ProductFactory(risk_level=4, fund_type="equity", name="Harbour Growth Equity")
    page = new_page()
    log_in(page, "journey@example.com")

    bound_card(user)
    top_up(page, "20000", "0015")
    shot(page, "topped-up")
    assert services.cash_account_for(user=user).balance == Decimal("20000")

    buy(page, fund, "10150")
    shot(page, "bought-pending")
    order = Order.objects.get(product=fund, side="buy")
    assert order.status == "pending"
    content = page.content()
    assert str(order.trade_date) in content
    assert str(order.expected_confirm_date) in content
    page.goto("/me/portfolio/")
    shot(page, "portfolio-in-transit")
    transit = page.locator("[data-figure=in-transit]").inner_text()
    assert transit == "CNY 10,150.00"  # paid, not yet in holdings: still counted
    assert page.locator("[data-figure=total]").inner_text() == "CNY 20,000.00"
    page.goto("/me/")
    assert page.locator("[data-figure=in-transit]").inner_text() == "CNY 10,150.00"
    page.goto(f"/me/orders/{order.pk}/")

    close_day(fund, order.trade_date, "1.0000")
    order.refresh_from_db()
    assert (order.status, order.units, order.fee) == (
        "confirmed",
        Decimal("10000.00"),
        Decimal("150.00"),
    )
    page.reload()
    shot(page, "bought-confirmed-with-breakdown")
    assert "10,000.00" in page.content()

    next_day = next_trading_day(order.trade_date)
    NavPrice.objects.create(product=fund, date=next_day, nav=Decimal("1.0500"))
    product_stats_refresh(product=fund)
    page.goto("/me/portfolio/")
    shot(page, "portfolio")
    content = page.content()
    assert "Harbour Steady Bond" in content
    assert "10,000.00" in content  # units
    assert "10,500.00" in content  # market value at 1.0500
    assert "350.00" in content  # P&L: 10,500.00 − 10,150.00

    page.locator(f"a[href='/me/portfolio/{fund.slug}/sell/']").first.click()
    page.wait_for_load_state()
    page.locator("form:not([method=post]) input[name=units]").first.fill("4000")
    page.locator("form:has(input[name=units]) [type=submit]").first.click()
    page.wait_for_load_state()
    shot(page, "redeem-review")
    page.locator("#id_trade_pin").fill(TRADE_PIN)
    page.locator("form[method=post]:has(input[name=form_token]) [type=submit]").first.click()
    page.wait_for_load_state()
    shot(page, "redeem-placed")
    sale = Order.objects.get(product=fund, side="sell")
    assert (sale.status, sale.units) == ("pending", Decimal("4000.00"))
    assert Holding.objects.get(user=user, product=fund).reserved == Decimal("4000")
    page.goto("/me/portfolio/")
    shot(page, "portfolio-selling-in-transit")
    assert page.locator("[data-figure=in-transit]").inner_text() == "CNY 4,200.00"
    assert page.locator("[data-figure=holdings]").inner_text() == "CNY 6,300.00"

    close_day(fund, sale.trade_date, "1.0500")
    sale.refresh_from_db()
    assert sale.status == "settled"
    page.goto(f"/me/orders/{sale.pk}/")
    shot(page, "redeem-settled-breakdown")
    assert f"{sale.amount:,.2f}" in page.content()
    page.goto("/me/portfolio/")
    shot(page, "portfolio-after-redemption")
    assert "6,000.00" in page.content()

    page.goto(f"/products/{r4.slug}/buy/?amount=1000")
    page.locator("#id_trade_pin").fill(TRADE_PIN)
    page.locator("form[method=post]:has(input[name=form_token]) [type=submit]").first.click()
    page.wait_for_load_state()
    shot(page, "r4-needs-acknowledgement")
    assert not Order.objects.filter(product=r4).exists()
    buy(page, r4, "1000", acknowledge=True)
    shot(page, "r4-bought")
    assert Order.objects.get(product=r4).risk_acknowledged_version
    assert services.reconcile_cash() == []
    assert page.csp_errors == []
