"""Holdings and selling through the API and the web: the holdings endpoint, sells by
units with the same checks as the service, the order's fee breakdown, the portfolio page,
recommendations that leave out what the investor already holds."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from marketplace.idempotency import FIELD
from orders import services
from orders.models import Order
from products.models import FundType, NavPrice, ProductKind
from tests.factories import PIN_HEADER, TRADE_PIN, ProductFactory, investor_with_cash
from tests.orders.test_end_of_day import MONDAY, TUESDAY, at, buy

pytestmark = pytest.mark.django_db
API = "/api/v1/orders/"


def holder(client, *, fund_nav="1.2000"):
    """An investor (logged in) holding a bond fund bought Monday at NAV 1.0000, now at
    ``fund_nav``, plus a savings deposit and a money-market fund."""
    user = investor_with_cash(cash="50000")
    fund = ProductFactory(risk_level=2)
    savings = ProductFactory(kind=ProductKind.SAVINGS, risk_level=1)
    mmf = ProductFactory(fund_type=FundType.MONEY_MARKET, risk_level=1)
    buy(user, fund, "10150")
    buy(user, savings, "5000")
    buy(user, mmf, "3000")
    NavPrice.objects.create(product=fund, date=MONDAY, nav=Decimal("1.0000"))
    services.end_of_day(run_date=MONDAY)
    fund.latest_nav, fund.latest_nav_date = Decimal(fund_nav), TUESDAY
    fund.save()
    client.force_login(user)
    return user, fund, savings, mmf


def test_holdings_api_values_each_holding_with_lots_and_a_total(client):
    user, fund, savings, mmf = holder(client)
    body = client.get("/api/v1/me/holdings/").json()
    by_slug = {row["product"]["slug"]: row for row in body["results"]}
    assert body["count"] == 3
    bond = by_slug[fund.slug]
    # 10150 at 1.5% → net 10000.00 → 10000.00 units at 1.0000; worth 12000.00 at 1.2000
    assert (bond["units"], bond["cost"], bond["average_cost"]) == ("10000.00", "10150.00", "1.0150")
    assert (bond["price"], bond["market_value"], bond["pnl"]) == ("1.2000", "12000.00", "1850.00")
    assert bond["product"]["risk_level"] == "R2"
    assert bond["lots"][0]["acquired_on"] == "2026-11-23"
    assert by_slug[mmf.slug]["price"] == "1.0000"
    assert body["market_value"] == str(
        sum(Decimal(r["market_value"]) for r in body["results"]).quantize(Decimal("0.01"))
    )
    assert Decimal(body["total_assets"]) == Decimal(body["market_value"]) + Decimal(body["cash"])


def test_holdings_api_costs_a_constant_number_of_queries(client):
    user, *_ = holder(client)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/me/holdings/")
    for kind in (ProductKind.SAVINGS, ProductKind.INSURANCE, ProductKind.FUND):
        product = ProductFactory(kind=kind, risk_level=1)
        buy(user, product, "1200")
        NavPrice.objects.create(product=product, date=MONDAY, nav=Decimal("1.1000"))
    services.end_of_day(run_date=TUESDAY)
    with CaptureQueriesContext(connection) as more:
        body = client.get("/api/v1/me/holdings/").json()
    assert body["count"] == 6
    assert len(more) == len(few)


def test_selling_through_the_api_reserves_units_and_replays_by_key(client):
    user, fund, *_ = holder(client)
    body = {"product": fund.slug, "side": "sell", "units": "2500.50"}
    first = client.post(
        API, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="s1", **PIN_HEADER
    )
    assert first.status_code == 201, first.content
    assert (first.json()["status"], first.json()["units"]) == ("pending", "2500.50")
    again = client.post(
        API, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="s1", **PIN_HEADER
    )
    assert again.json()["id"] == first.json()["id"]
    assert Order.objects.filter(side="sell").count() == 1


@pytest.mark.parametrize(
    ("units", "message"),
    [
        ("0", "more than zero"),
        ("-5", "more than zero"),
        ("1.005", "2 decimal places"),
        ("lots", "number of units"),
        ("9" * 40, "at most"),
        ("10000.01", "at most 10,000.00"),
        ("<b>1</b>", "number of units"),
    ],
)
def test_bad_units_through_the_api_are_a_400_with_the_field_and_save_nothing(
    client, units, message
):
    user, fund, *_ = holder(client)
    response = client.post(
        API,
        {"product": fund.slug, "side": "sell", "units": units},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=f"bad-{units[:20]}",
        **PIN_HEADER,
    )
    assert response.status_code == 400
    assert message in response.json()["units"][0]
    assert not Order.objects.filter(side="sell").exists()


def test_a_sell_without_units_or_of_a_product_not_held_is_refused(client):
    user, fund, *_ = holder(client)
    missing = client.post(
        API,
        {"product": fund.slug, "side": "sell"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="m1",
        **PIN_HEADER,
    )
    assert missing.json() == {"units": [services.UNITS_REQUIRED]}
    other = ProductFactory()
    not_held = client.post(
        API,
        {"product": other.slug, "side": "sell", "units": "1"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="m2",
        **PIN_HEADER,
    )
    assert not_held.json() == {"product": [services.NOT_HELD]}


def test_a_settled_sell_shows_its_lot_by_lot_breakdown(client):
    user, fund, *_ = holder(client)
    order, _ = services.order_place(
        user=user, product=fund, side="sell", units="1000", now=at(TUESDAY)
    )
    NavPrice.objects.create(product=fund, date=TUESDAY, nav=Decimal("1.1000"))
    services.end_of_day(run_date=TUESDAY)

    data = client.get(f"{API}{order.pk}/").json()
    # held 1 day: 1.5%; 1000 × 1.1 = 1100.00, fee 16.50
    assert (data["status"], data["gross_amount"], data["fee"], data["amount"]) == (
        "settled",
        "1100.00",
        "16.50",
        "1083.50",
    )
    assert data["lots"] == [
        {
            "acquired_on": "2026-11-23",
            "units": "1000.00",
            "days_held": 1,
            "gross": "1100.00",
            "fee_rate": "0.015000",
            "fee": "16.50",
            "interest": "0.00",
            "cost": "1015.00",
        }
    ]
    page = client.get(f"/me/orders/{order.pk}/")
    assert page.status_code == 200
    assert b"1,083.50" in page.content or b"1083.50" in page.content


def test_portfolio_page_lists_holdings_with_value_and_pnl(client):
    user, fund, savings, mmf = holder(client)
    page = client.get("/me/portfolio/")
    assert page.status_code == 200
    text = page.content.decode()
    for product in (fund, savings, mmf):
        assert product.name in text
        assert f"/me/portfolio/{product.slug}/sell/" in text
    assert "12,000.00" in text or "12000.00" in text


def test_sell_page_reviews_then_places_one_order_per_token(client):
    user, fund, *_ = holder(client)
    url = f"/me/portfolio/{fund.slug}/sell/"
    assert client.get(url).status_code == 200
    review = client.get(url, {"units": "400"})
    assert review.status_code == 200
    html = review.content.decode()
    marker = f'name="{FIELD}" value="'
    token = html[html.index(marker) + len(marker) :].split('"', 1)[0]
    first = client.post(url, {"units": "400", FIELD: token, "trade_pin": TRADE_PIN})
    assert first.status_code == 302
    second = client.post(url, {"units": "400", FIELD: token, "trade_pin": TRADE_PIN})
    assert second.status_code == 302
    assert Order.objects.filter(side="sell").count() == 1
    too_many = client.get(url, {"units": "99999"})
    assert "at most" in too_many.content.decode()
    assert client.get("/me/portfolio/not-held/sell/").status_code == 404


def test_recommendations_leave_out_products_already_held(client):
    user, fund, savings, mmf = holder(client)
    other = ProductFactory(risk_level=1)
    recommended = {p["slug"] for p in client.get("/api/v1/me/recommendations/").json()}
    assert other.slug in recommended
    assert not recommended & {fund.slug, savings.slug, mmf.slug}


def test_orders_page_filters_by_status_side_and_kind(client):
    user, fund, *_ = holder(client)
    services.order_place(user=user, product=fund, side="sell", units="10", now=at(TUESDAY))
    sells = client.get("/me/orders/", {"side": "sell"}).context["orders"]
    assert {o.side for o in sells} == {"sell"}
    savings = client.get("/me/orders/", {"kind": "savings"}).context["orders"]
    assert {o.kind for o in savings} == {"savings"}
    pending = client.get("/me/orders/", {"status": "pending"}).context["orders"]
    assert {o.status for o in pending} == {"pending"}
    bad = client.get("/me/orders/", {"status": "<script>"})
    assert bad.status_code == 400  # a clear error, not silently all orders
    assert "status" in bad.context["filter_errors"]
    assert b"<script>" not in bad.content


def test_a_money_market_sell_from_the_web_is_instant(client):
    user, fund, savings, mmf = holder(client)
    cash_before = services.cash_account_for(user=user).balance
    order, _ = services.order_place(user=user, product=mmf, side="sell", units="100")
    assert order.status == "settled"
    assert services.cash_account_for(user=user).balance == cash_before + Decimal("100")
    assert (order.trade_date, order.instant) == (timezone.localdate(), True)


@pytest.mark.parametrize("units", ["0", "-3", "1.234", "ten", "1e9999", "<script>", "9" * 39])
def test_bad_units_on_the_sell_form_are_a_400_with_the_message_and_no_order(client, units):
    user, fund, *_ = holder(client)
    url = f"/me/portfolio/{fund.slug}/sell/"
    review = client.get(url, {"units": "1"}).content.decode()
    marker = f'name="{FIELD}" value="'
    token = review[review.index(marker) + len(marker) :].split('"', 1)[0]
    response = client.post(url, {"units": units, FIELD: token})
    assert response.status_code == 400
    assert response.context["form"].errors["units"]
    assert not Order.objects.filter(side="sell").exists()
