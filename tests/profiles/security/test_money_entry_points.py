"""Every entry point where money leaves or is committed refuses without the trade PIN, on the
web and in the API, before anything is written; the schema declares X-Trade-PIN on exactly
those operations. A new money entry point belongs in MONEY_PAGES / MONEY_API below (and in
the schema's list), or this test fails for it."""

import datetime as dt

import pytest
from django.urls import reverse

from marketplace.idempotency import FIELD
from orders import services as orders
from orders.cash.selectors import default_card
from orders.models import Order, Payment
from orders.plans.models import InvestmentPlan
from products.models import NavPrice
from profiles.security import services
from profiles.security.models import TradePin
from tests.factories import PIN_HEADER, TRADE_PIN, ProductFactory, investor_with_cash

pytestmark = pytest.mark.django_db

# (url, form) for each money page's POST; {slug} is a fund the investor holds.
MONEY_PAGES = [
    ("/products/{buy}/buy/", {"amount": "1000"}),
    ("/me/portfolio/{held}/sell/", {"units": "10"}),
    ("/me/portfolio/{held}/switch/", {"to_product": "{switch_to}", "units": "100"}),
    ("/me/cash/withdraw/", {"amount": "100", "card": "{card}"}),
    (
        "/products/{buy}/plan/",
        {
            "amount": "1000",
            "frequency": "monthly",
            "month_day": "1",
            "start_date": "{start}",
            "end": "none",
        },
    ),
]
# (url, JSON body) for each money API operation (POST).
MONEY_API = [
    ("/api/v1/orders/", {"product": "{buy}", "side": "buy", "amount": "1000"}),
    ("/api/v1/orders/", {"product": "{held}", "side": "sell", "units": "10"}),
    (
        "/api/v1/me/switches/",
        {"from_product": "{held}", "to_product": "{switch_to}", "units": "100"},
    ),
    ("/api/v1/me/cash/withdrawals/", {"amount": "100", "card": "{card}"}),
    (
        "/api/v1/me/plans/",
        {
            "product": "{buy}",
            "amount": "1000",
            "frequency": "monthly",
            "day": 1,
            "start_date": "{start}",
        },
    ),
]
# The operations whose schema requires X-Trade-PIN: exactly these.
PIN_OPERATIONS = {
    ("/api/v1/orders/", "post"),
    ("/api/v1/me/cash/withdrawals/", "post"),
    ("/api/v1/me/plans/", "post"),
    ("/api/v1/me/switches/", "post"),
}


@pytest.fixture
def world(client, clock):
    user = investor_with_cash(cash="50000")
    held = ProductFactory(risk_level=1)
    NavPrice.objects.create(product=held, date=clock.today - dt.timedelta(days=3), nav="1.0000")
    order, _ = orders.order_place(user=user, product=held, side="buy", amount="5000")
    clock.set(order.trade_date, 20)
    NavPrice.objects.create(product=held, date=order.trade_date, nav="1.0000")
    orders.end_of_day(run_date=order.trade_date)
    clock.advance(days=3)
    client.force_login(user)
    return {
        "user": user,
        "buy": ProductFactory(risk_level=1).slug,
        "held": held.slug,
        "switch_to": ProductFactory(risk_level=1, institution=held.institution).slug,
        "card": str(default_card(user=user).pk),
        "start": (clock.today + dt.timedelta(days=1)).isoformat(),
    }


def _fill(value, world):
    return value.format(**world) if isinstance(value, str) else value


def _written():
    return Order.objects.count(), Payment.objects.count(), InvestmentPlan.objects.count()


@pytest.mark.parametrize(("url", "form"), MONEY_PAGES)
@pytest.mark.parametrize("pin", [None, "", "975318", "12ab"])
def test_every_money_page_refuses_without_the_right_pin(client, world, url, form, pin):
    url = _fill(url, world)
    before = _written()
    data = {**{k: _fill(v, world) for k, v in form.items()}, FIELD: f"tok-{pin}"}
    if pin is not None:
        data["trade_pin"] = pin
    response = client.post(url, data)
    assert response.status_code == 400
    form_name = "withdrawal_form" if "cash" in url else "form"
    assert response.context[form_name].errors["trade_pin"]
    assert _written() == before
    assert 'id="id_trade_pin"' in response.content.decode()
    # The same form token still works with the right PIN: the refusal claimed nothing.
    data["trade_pin"] = TRADE_PIN
    assert client.post(url, data).status_code == 302
    assert _written() != before


@pytest.mark.parametrize(("url", "body"), MONEY_API)
def test_every_money_api_operation_refuses_without_the_right_pin(client, world, url, body):
    body = {k: _fill(v, world) for k, v in body.items()}
    before = _written()
    key = {"HTTP_IDEMPOTENCY_KEY": "same-key"}
    missing = client.post(url, body, content_type="application/json", **key)
    assert (missing.status_code, missing.json()["code"]) == (400, services.PIN_REQUIRED)
    wrong = client.post(
        url, body, content_type="application/json", HTTP_X_TRADE_PIN="975318", **key
    )
    assert wrong.status_code == 403
    assert wrong.json()["code"] == services.PIN_WRONG
    assert wrong.json()["attempts_left"] == 4
    assert wrong.json()["trade_pin"]
    assert _written() == before
    # A refusal stores nothing under the Idempotency-Key: the retry with the PIN is placed.
    right = client.post(url, body, content_type="application/json", **key, **PIN_HEADER)
    assert right.status_code == 201, right.content
    assert _written() != before


def test_a_locked_pin_is_a_423_with_the_time_and_nothing_is_written(client, world):
    for _ in range(4):
        client.post(
            "/api/v1/me/cash/withdrawals/",
            {"amount": "100", "card": world["card"]},
            content_type="application/json",
            HTTP_X_TRADE_PIN="975318",
        )
    before = _written()
    locked = client.post(
        "/api/v1/me/cash/withdrawals/",
        {"amount": "100", "card": world["card"]},
        content_type="application/json",
        HTTP_X_TRADE_PIN="975318",
    )
    assert locked.status_code == 423
    assert locked.json()["code"] == services.PIN_LOCKED
    assert locked.json()["locked_until"]
    right = client.post(
        "/api/v1/orders/",
        {"product": world["buy"], "side": "buy", "amount": "1000"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="after-lock",
        **PIN_HEADER,
    )
    assert right.status_code == 423
    assert _written() == before


def test_no_pin_set_is_a_403_with_where_to_set_it(client, world):
    TradePin.objects.filter(user=world["user"]).delete()
    response = client.post(
        "/api/v1/me/cash/withdrawals/",
        {"amount": "100", "card": world["card"]},
        content_type="application/json",
        **PIN_HEADER,
    )
    assert response.status_code == 403
    assert response.json()["code"] == services.PIN_NOT_SET
    assert response.json()["set_url"] == "/me/security/"


def test_a_bad_body_is_answered_before_the_pin_and_costs_no_attempt(client, world):
    response = client.post(
        "/api/v1/me/cash/withdrawals/",
        {"amount": "-1"},
        content_type="application/json",
        HTTP_X_TRADE_PIN="975318",
    )
    assert response.status_code == 400
    assert "amount" in response.json()
    assert TradePin.objects.get(user=world["user"]).failed_attempts == 0


def test_the_review_of_a_purchase_does_not_ask_for_the_pin(client, world):
    review = client.get(f"/products/{world['buy']}/buy/", {"amount": "1000"})
    assert review.status_code == 200
    assert review.context["reviewing"]
    html = review.content.decode()
    field = html[html.index('id="id_trade_pin"') - 200 : html.index('id="id_trade_pin"') + 300]
    for attribute in ('type="password"', 'inputmode="numeric"', 'autocomplete="off"'):
        assert attribute in field
    assert 'maxlength="6"' in field


def test_deposits_need_no_pin(client, world):
    response = client.post(
        "/api/v1/me/cash/deposits/",
        {"amount": "100", "card": world["card"]},
        content_type="application/json",
    )
    assert response.status_code == 201


def test_the_schema_requires_the_header_on_exactly_the_money_operations(client):
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    declared = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "header" and parameter["name"] == "X-Trade-PIN":
                    assert parameter["required"] is True
                    assert parameter["schema"]["pattern"] == "^[0-9]{6}$"
                    declared.add((path, method))
                    responses = operation["responses"]
                    assert {"400", "403", "423"} <= set(responses)
                    ref = responses["423"]["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/TradePinError")
    assert declared == PIN_OPERATIONS
    components = schema["components"]["schemas"]
    code = components["TradePinError"]["properties"]["code"]
    if "$ref" in code:
        code = components[code["$ref"].rsplit("/", 1)[1]]
    assert set(code["enum"]) >= {
        services.PIN_WRONG,
        services.PIN_LOCKED,
        services.PIN_NOT_SET,
    }
