"""What the investor owns always adds up: cash + holdings + in transit = total assets, with money
in pending buys and units in pending sells shown as their own "in transit" line on the
portfolio, on /me/ and in the holdings API."""

from decimal import Decimal

import pytest

from orders import selectors, services
from orders.models import Order
from products.models import NavPrice
from tests.factories import ProductFactory, investor_with_cash
from tests.orders.test_end_of_day import MONDAY, TUESDAY, buy, sell

pytestmark = pytest.mark.django_db


def owner_with_a_pending_buy():
    """50,000 topped up; 10,150 confirmed in a fund (10,000 units at 1.0000, now 1.2000);
    then 5,000 more placed and still pending."""
    user = investor_with_cash(cash="50000")
    fund = ProductFactory(risk_level=2)
    buy(user, fund, "10150")
    NavPrice.objects.create(product=fund, date=MONDAY, nav=Decimal("1.0000"))
    services.end_of_day(run_date=MONDAY)
    fund.latest_nav, fund.latest_nav_date = Decimal("1.2000"), MONDAY
    fund.save()
    buy(user, fund, "5000", day=TUESDAY)
    return user, fund


def test_a_pending_purchase_shows_in_transit_and_stays_in_total_assets():
    user, _ = owner_with_a_pending_buy()
    portfolio = selectors.portfolio_for(user=user)
    assert portfolio.cash == Decimal("34850.00")
    assert portfolio.holdings_value == Decimal("12000.00")
    assert portfolio.in_transit == Decimal("5000.00")
    assert portfolio.total_assets == Decimal("51850.00")  # 50,000 − 150 fee + 2,000 gain
    assert portfolio.total_assets == portfolio.cash + portfolio.holdings_value + (
        portfolio.in_transit
    )


def test_units_in_a_pending_sell_move_from_holdings_to_in_transit_without_counting_twice():
    user, fund = owner_with_a_pending_buy()
    before = selectors.portfolio_for(user=user).total_assets
    sell(user, fund, "2500", day=TUESDAY)
    portfolio = selectors.portfolio_for(user=user)
    assert portfolio.holdings_value == Decimal("9000.00")  # 7,500 units left at 1.2000
    assert portfolio.in_transit_selling == Decimal("3000.00")
    assert portfolio.in_transit == Decimal("8000.00")
    assert portfolio.transit.orders == 2
    assert portfolio.total_assets == before


def test_holdings_api_total_adds_cash_holdings_and_in_transit(client):
    user, _ = owner_with_a_pending_buy()
    client.force_login(user)
    body = client.get("/api/v1/me/holdings/").json()
    assert body["in_transit"] == "5000.00"
    assert body["holdings_value"] == "12000.00"
    assert body["total_assets"] == "51850.00"


def test_portfolio_and_me_pages_show_the_in_transit_line(client):
    user, _ = owner_with_a_pending_buy()
    client.force_login(user)
    for url in ("/me/portfolio/", "/me/"):
        page = client.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        assert "In transit" in html, url
        assert "CNY 5,000.00" in html, url
        assert "CNY 51,850.00" in html, url
    assert Order.objects.filter(status="pending").count() == 1
