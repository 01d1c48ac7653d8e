"""The portfolio page's body and the home's assets summary are cached per investor
(``orders.fragments``, issue 16): a reload is cheap, yet a change to any of the investor's rows,
a product's figures or the day shows on the next request, and no investor is ever served
another's."""

import datetime as dt
import re
from decimal import Decimal as D  # noqa: N817 - figures read as D("1.00")

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.cache import VERSION_KEY
from marketplace.money import format_cny
from orders import services as orders
from tests import factories

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def holder(clock):
    """An investor holding 10,000 units of a bond fund bought at 1.0000 a week ago."""
    user = factories.investor_with_cash(cash="20000")
    fund = factories.ProductFactory(risk_level=2, name="Harbour Bond Fund")
    start = MONDAY - dt.timedelta(days=7)
    clock.set(start, 10)
    orders.order_place(user=user, product=fund, side="buy", amount="10000")
    factories.set_nav(fund, start, "1.0000")
    clock.set(start, 20)
    orders.end_of_day(run_date=start)
    factories.set_nav(fund, MONDAY - dt.timedelta(days=1), "1.0100")
    clock.set(MONDAY, 10)
    return user, fund


def _get(client, url):
    """The page without its CSRF tokens (new on every request), and the queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return page, len(queries)


def test_a_reload_serves_the_same_page_with_fewer_queries(client, holder):
    user, _ = holder
    client.force_login(user)
    first, built = _get(client, "/me/portfolio/")
    again, served = _get(client, "/me/portfolio/")
    assert again == first
    assert served < built
    home, built = _get(client, "/me/")
    assert _get(client, "/me/")[1] < built


def test_a_new_order_and_cash_show_on_the_next_request(client, holder):
    user, fund = holder
    client.force_login(user)
    before, _ = _get(client, "/me/portfolio/")
    _get(client, "/me/")
    orders.order_place(user=user, product=fund, side="buy", amount="1234.56")
    after, _ = _get(client, "/me/portfolio/")
    home, _ = _get(client, "/me/")
    assert format_cny(D("1234.56")) not in before
    assert format_cny(D("1234.56")) in after  # buying, in transit
    assert format_cny(D("1234.56")) in home


def test_a_new_nav_shows_once_the_catalogue_version_moves(client, holder):
    user, fund = holder
    client.force_login(user)
    _get(client, "/me/portfolio/")
    factories.set_nav(fund, MONDAY, "1.2000")
    cache.set(VERSION_KEY, cache.get(VERSION_KEY) + 1, None)  # as every NAV upload does
    page, _ = _get(client, "/me/portfolio/")
    assert "1.2000" in page


def test_the_next_day_rebuilds_the_page(client, clock, holder):
    user, _ = holder
    client.force_login(user)
    monday, _ = _get(client, "/me/portfolio/")
    clock.set(MONDAY + dt.timedelta(days=1), 10)
    tuesday, _ = _get(client, "/me/portfolio/")
    assert f"to {MONDAY:%Y-%m-%d}." in monday
    assert f"to {MONDAY + dt.timedelta(days=1):%Y-%m-%d}." in tuesday


def test_an_investor_is_never_served_another_investors_page(client, holder):
    user, fund = holder
    other = factories.investor_with_cash(cash="777")
    client.force_login(user)
    mine, _ = _get(client, "/me/portfolio/")
    _get(client, "/me/")
    client.force_login(other)
    theirs, _ = _get(client, "/me/portfolio/")
    home, _ = _get(client, "/me/")
    assert "Harbour Bond Fund" in mine
    assert "Harbour Bond Fund" not in theirs
    assert format_cny(D("777")) in theirs
    assert format_cny(D("777")) in home
