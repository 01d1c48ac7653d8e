"""One FilterSet per order list, for the page and the API alike: the investor's orders
(status, side, kind) and an institution's (status, product, from, to). A bad value is a clear
error (400 with the field in the API, a message on the page), never silently ignored."""

import datetime as dt

import pytest

from institutions.models import Role
from tests.factories import MembershipFactory, ProductFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(investor):
    fund = ProductFactory()
    savings = ProductFactory(kind="savings", institution=fund.institution)
    return {
        "fund_buy": OrderFactory(user=investor, product=fund),
        "fund_sell": OrderFactory(user=investor, product=fund, side="sell", status="settled"),
        "savings_buy": OrderFactory(
            user=investor, product=savings, trade_date=dt.date(2026, 12, 1)
        ),
        "someone_elses": OrderFactory(product=fund),
    }


def ids(body) -> set[int]:
    return {o["id"] for o in body["results"]}


def test_the_orders_api_filters_by_status_side_and_kind_like_the_page(client, investor, orders):
    client.force_login(investor)
    assert ids(client.get("/api/v1/orders/").json()) == {
        orders[k].pk for k in ("fund_buy", "fund_sell", "savings_buy")
    }
    assert ids(client.get("/api/v1/orders/?kind=savings").json()) == {orders["savings_buy"].pk}
    assert ids(client.get("/api/v1/orders/?side=sell").json()) == {orders["fund_sell"].pk}
    page = client.get("/me/orders/?kind=savings&status=pending")
    assert [o.pk for o in page.context["orders"]] == [orders["savings_buy"].pk]


@pytest.mark.parametrize("query", ["status=bogus", "side=both", "kind=crypto"])
def test_a_bad_filter_value_is_a_400_in_the_api_and_an_error_on_the_page(
    client, investor, orders, query
):
    client.force_login(investor)
    field = query.split("=")[0]
    api = client.get(f"/api/v1/orders/?{query}")
    assert api.status_code == 400
    assert field in api.json()
    page = client.get(f"/me/orders/?{query}")
    assert page.status_code == 400
    assert field in page.context["filter_errors"]
    assert b"These filters could not be applied" in page.content
    assert list(page.context["orders"]) == []


@pytest.fixture
def analyst(orders):
    institution = orders["fund_buy"].institution
    return MembershipFactory(institution=institution, role=Role.ANALYST).user


def test_portal_orders_filter_by_product_and_trade_dates(client, analyst, orders):
    client.force_login(analyst)
    savings = orders["savings_buy"]
    body = client.get(f"/api/v1/portal/orders/?product={savings.product.slug}").json()
    assert ids(body) == {savings.pk}
    body = client.get("/api/v1/portal/orders/?from=2026-11-30&to=2026-12-01").json()
    assert ids(body) == {savings.pk}
    page = client.get("/portal/orders/?from=2026-11-30")
    assert [o.pk for o in page.context["orders"]] == [savings.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-13-01", "from"),
        ("to=yesterday", "to"),
        ("status=lost", "status"),
        ("product=no-such-product", "product"),
    ],
)
def test_a_bad_portal_filter_is_a_400_on_the_api_the_page_and_the_csv(
    client, analyst, orders, query, field
):
    client.force_login(analyst)
    api = client.get(f"/api/v1/portal/orders/?{query}")
    assert api.status_code == 400
    assert field in api.json()
    page = client.get(f"/portal/orders/?{query}")
    assert page.status_code == 400
    assert field in page.context["filter_errors"]
    assert client.get(f"/portal/orders/?{query}&format=csv").status_code == 400


def test_a_portal_member_cannot_filter_by_another_institutions_product(client, analyst):
    other = ProductFactory()
    client.force_login(analyst)
    assert client.get(f"/api/v1/portal/orders/?product={other.slug}").status_code == 400
