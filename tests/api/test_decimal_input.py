"""Money, units, rates and NAV sent to the API as anything but a decimal string (a JSON number,
null, a huge exponent, NaN, Infinity, a boolean, a list or object) get a 400 naming the field,
never a 500, and nothing is saved."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from rest_framework import serializers

from institutions.models import InstitutionType, Role
from marketplace.fields import DECIMAL_NOT_A_STRING, DECIMAL_TOO_LARGE, DecimalStringField
from orders.coupons import errors as coupon_errors
from orders.models import Order, Payment
from products.models import Product
from products.serializers import MONEY_MAX
from tests.factories import (
    PIN_HEADER,
    InstitutionFactory,
    MembershipFactory,
    ProductFactory,
    investor_with_cash,
)
from tests.products.test_portal_api import FUND  # one valid listing for both files

pytestmark = pytest.mark.django_db

GARBAGE = [
    0,
    1,
    0.015,
    None,
    True,
    "1e999999",
    "NaN",
    "Infinity",
    "-Infinity",
    "",
    " ",
    [],
    ["0.01"],
    {"value": "0.01"},
    "0x10",
    "1_000",
    "１２",
]
# (where the value goes in FUND) → the path of the expected error in the response
FUND_SITES = [
    (("subscription_tiers", 0, "rate"), ("subscription_tiers", "0", "rate")),
    (("redemption_tiers", 1, "rate"), ("redemption_tiers", "1", "rate")),
    (("subscription_tiers", 0, "lower"), ("subscription_tiers", "0", "lower")),
    (("subscription_tiers", 1, "fixed_fee"), ("subscription_tiers", "1", "fixed_fee")),
    (("min_purchase",), ("min_purchase",)),
    (("terms", "management_fee_rate"), ("terms", "management_fee_rate")),
]


@pytest.fixture
def editor_client(client):
    institution = InstitutionFactory(type=InstitutionType.FUND_COMPANY)
    editor = MembershipFactory(institution=institution, role=Role.EDITOR).user
    client.force_login(editor)
    return client


def _dig(body, path):
    for key in path:
        body = body[key]
    return body


def _put(body, path, value):
    target = _dig(body, path[:-1])
    target[path[-1]] = value


@pytest.mark.parametrize(("site", "error_at"), FUND_SITES, ids=lambda p: ".".join(map(str, p)))
def test_a_product_with_a_non_string_or_malformed_decimal_is_a_400_naming_the_field(
    editor_client, site, error_at
):
    # null is how a band says it has no fixed fee
    for value in [v for v in GARBAGE if not (v is None and site[-1] == "fixed_fee")]:
        body = copy.deepcopy(FUND)
        _put(body, site, value)
        response = editor_client.post(
            "/api/v1/portal/products/", body, content_type="application/json"
        )
        assert response.status_code == 400, (value, response.content)
        messages = _dig(response.json(), error_at)
        assert messages, value
        assert all(isinstance(m, str) for m in messages), value
    assert not Product.objects.exists()


def test_a_fee_rate_sent_as_a_json_number_is_refused_with_the_decimal_string_message(
    editor_client,
):
    body = copy.deepcopy(FUND)
    body["subscription_tiers"][0]["rate"] = 0
    response = editor_client.post("/api/v1/portal/products/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["subscription_tiers"]["0"]["rate"] == [str(DECIMAL_NOT_A_STRING)]


def test_a_huge_exponent_is_refused_as_too_large_never_expanded(editor_client):
    body = copy.deepcopy(FUND)
    body["min_purchase"] = "1e999999"
    response = editor_client.post("/api/v1/portal/products/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["min_purchase"] == [
        str(DECIMAL_TOO_LARGE).format(maximum=Decimal(MONEY_MAX))
    ]


@pytest.mark.parametrize("text", ["NaN", "Infinity", "1_000", "１２", "0x10", "1e", "."])
def test_text_that_is_not_an_ascii_decimal_is_invalid(text):
    field = DecimalStringField(places=2, maximum=100)
    with pytest.raises(serializers.ValidationError) as caught:
        field.run_validation(text)
    assert caught.value.get_codes() == ["invalid"]


@pytest.mark.parametrize(
    ("value", "code"),
    [(0, "not_a_string"), (None, "null"), (True, "not_a_string"), ([], "not_a_string")],
)
def test_values_that_are_not_strings_are_refused_with_a_code(value, code):
    field = DecimalStringField(places=2, maximum=100)
    with pytest.raises(serializers.ValidationError) as caught:
        field.run_validation(value)
    assert caught.value.get_codes() == [code]


@pytest.fixture
def investor_client(client):
    client.force_login(investor_with_cash(cash="10000"))
    return client


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/me/cash/deposits/", {"card": 1}, "amount"),
        ("/api/v1/me/cash/withdrawals/", {"card": 1}, "amount"),
        ("/api/v1/orders/", {"side": "buy"}, "amount"),
        ("/api/v1/orders/", {"side": "sell"}, "units"),
    ],
)
def test_cash_and_order_amounts_that_are_not_decimal_strings_are_a_400(
    investor_client, url, body, field
):
    product = ProductFactory()
    payments = Payment.objects.count()
    for n, value in enumerate(GARBAGE):
        sent = {**body, field: value}
        if url == "/api/v1/orders/":
            sent["product"] = product.slug
        response = investor_client.post(
            url, sent, content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"k-{n}", **PIN_HEADER
        )
        assert response.status_code == 400, (value, response.content)
        assert response.json()[field], value
    assert Payment.objects.count() == payments
    assert not Order.objects.exists()


def test_an_unknown_coupon_sent_to_the_orders_api_is_refused(investor_client):
    product = ProductFactory()
    response = investor_client.post(
        "/api/v1/orders/",
        {"product": product.slug, "side": "buy", "amount": "1000", "coupon": "WELCOME10"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-coupon",
        **PIN_HEADER,
    )
    assert response.status_code == 400, response.content
    assert response.json()["coupon"] == [str(coupon_errors.UNKNOWN[1])]
    assert not Order.objects.exists()


def test_a_fee_band_built_from_json_numbers_holds_decimals():
    from decimal import Decimal

    from products.fees import Tier, format_tiers

    tier = Tier(0, None, 0, None)
    assert (tier.lower, tier.rate) == (Decimal(0), Decimal(0))
    assert format_tiers([Tier(0, 500000, 0.015), Tier(500000, None, 0, 1000)]) == (
        "0 - 500000 : 1.5%\n500000 - : fixed 1000"
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"product": "a\x00b"}, "product"),
        ({"from": "2026-13-45"}, "from"),
        ({"status": "lost"}, "status"),
    ],
)
def test_a_bad_portal_order_filter_is_a_400_naming_it(client, params, field):
    institution = InstitutionFactory()
    client.force_login(MembershipFactory(institution=institution, role=Role.EDITOR).user)
    response = client.get("/api/v1/portal/orders/", params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("value", ["1e-999999", "1e999999", "0.001", "-1", "NaN"])
def test_a_catalogue_minimum_purchase_filter_out_of_range_is_a_400_not_an_overflow(client, value):
    response = client.get("/api/v1/products/", {"max_min_purchase": value})
    assert response.status_code == 400
    assert "max_min_purchase" in response.json()
