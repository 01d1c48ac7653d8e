"""Coupon API: the portal's create / list / retrieve / grant (bad input a clear 400, nothing
saved), the investor's wallet and claim, and an order placed with a coupon."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817 - figures read as D("1.00")

import pytest

from institutions.models import Role
from orders.coupons.models import Coupon, CouponGrant
from orders.services import order_place
from tests.factories import (
    PIN_HEADER,
    InstitutionFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    investor_with_cash,
)

from .factories import make_coupon

pytestmark = pytest.mark.django_db
URL = "/api/v1/portal/coupons/"


@pytest.fixture
def fund():
    return ProductFactory()


@pytest.fixture
def editor(client, fund):
    user = UserFactory()
    MembershipFactory(institution=fund.institution, user=user, role=Role.EDITOR)
    client.force_login(user)
    return client


def _body(fund, **over):
    body = {
        "kind": "fee_discount",
        "code": "HALFOFF",
        "percent_off": "50.00",
        "products": [fund.slug],
        "valid_until": "2030-12-31",
        "count": 100,
        "per_user_limit": 1,
        "budget": "10000.00",
    }
    body.update(over)
    return {k: v for k, v in body.items() if v is not None}


def test_an_editor_creates_each_kind(editor, fund, clock):
    created = editor.post(URL, _body(fund), content_type="application/json")
    voucher = editor.post(
        URL,
        _body(
            fund,
            kind="fee_voucher",
            code="TENOFF",
            percent_off=None,
            amount_off="10.00",
            min_purchase="1000.00",
        ),
        content_type="application/json",
    )
    card = editor.post(
        URL,
        _body(fund, kind="fee_rate_card", code=None, percent_off=None, rate_share="10.00", uses=5),
        content_type="application/json",
    )
    assert created.status_code == voucher.status_code == card.status_code == 201, card.content
    assert {"id", "code"} <= set(created.json())
    assert created.json()["code"] == "HALFOFF"
    assert card.json()["uses"] == 5
    assert card.json()["code"] == ""
    listing = editor.get(URL).json()
    assert listing["count"] == 3
    detail = editor.get(f"{URL}{created.json()['id']}/").json()
    assert detail["budget_used"] == "0.00"
    assert detail["count_used"] == 0
    assert Coupon.objects.get(code="HALFOFF").payer == "institution"


def test_an_analyst_reads_but_cannot_create(client, fund, clock):
    user = UserFactory()
    MembershipFactory(institution=fund.institution, user=user, role=Role.ANALYST)
    client.force_login(user)
    assert client.get(URL).status_code == 200
    assert client.post(URL, _body(fund), content_type="application/json").status_code == 403
    assert not Coupon.objects.exists()


BAD = [
    ({"percent_off": "0"}, "percent_off"),
    ({"percent_off": "-5"}, "percent_off"),
    ({"percent_off": "100.01"}, "percent_off"),
    ({"percent_off": "12.345"}, "percent_off"),
    ({"percent_off": "fifty"}, "percent_off"),
    ({"percent_off": 50}, "percent_off"),
    ({"percent_off": None}, "percent_off"),
    ({"budget": "0"}, "budget"),
    ({"budget": "-1"}, "budget"),
    ({"budget": "1.001"}, "budget"),
    ({"budget": "1e999999"}, "budget"),
    ({"budget": "99999999999999999999"}, "budget"),
    ({"budget": "NaN"}, "budget"),
    ({"count": 0}, "count"),
    ({"count": -3}, "count"),
    ({"count": "many"}, "count"),
    ({"per_user_limit": 0}, "per_user_limit"),
    ({"code": "<b>x</b>"}, "code"),
    ({"code": "两个字"}, "code"),
    ({"name": "<script>alert(1)</script>"}, "name"),
    ({"products": ["no-such-fund"]}, "products"),
    ({"products": []}, "products"),
    ({"valid_until": "2020-01-01"}, "valid_until"),
    ({"valid_until": "not a date"}, "valid_until"),
    ({"kind": "cashback"}, "kind"),
    ({"kind": "fee_voucher", "percent_off": None, "amount_off": "0"}, "amount_off"),
    ({"kind": "fee_voucher", "percent_off": None}, "amount_off"),
    ({"kind": "fee_rate_card", "percent_off": None, "rate_share": "100"}, "rate_share"),
    ({"kind": "fee_rate_card", "percent_off": None, "rate_share": "-1"}, "rate_share"),
]


@pytest.mark.parametrize(("change", "field"), BAD, ids=[f"{f}-{c}" for c, f in BAD])
def test_bad_input_is_a_clear_400_and_saves_nothing(editor, fund, clock, change, field):
    response = editor.post(URL, _body(fund, **change), content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not Coupon.objects.exists()


def test_unicode_names_are_welcome(editor, fund, clock):
    response = editor.post(
        URL, _body(fund, name="新年 费率五折 🎉"), content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["name"] == "新年 费率五折 🎉"


def test_insurance_and_savings_products_are_refused_with_the_reason(editor, fund, clock):
    insurance = ProductFactory(institution=fund.institution, kind="insurance")
    savings = ProductFactory(institution=fund.institution, kind="savings")
    response = editor.post(
        URL, _body(fund, products=[insurance.slug, savings.slug]), content_type="application/json"
    )
    assert response.status_code == 400
    assert len(response.json()["products"]) == 2
    assert "unlawful" in response.json()["products"][0]
    assert not Coupon.objects.exists()


def test_another_institutions_fund_is_refused(editor, fund, clock):
    other = ProductFactory()
    response = editor.post(URL, _body(fund, products=[other.slug]), content_type="application/json")
    assert response.status_code == 400
    assert "products" in response.json()


def test_grants_go_to_the_institutions_customers_only(editor, fund, clock, confirmed_order):
    coupon = make_coupon(product=fund)
    customer = confirmed_order.user
    # confirmed_order's fund belongs to another institution: make this one's customer too.
    order, _ = order_place(user=customer, product=fund, side="buy", amount="100")
    from orders.models import Order

    Order.objects.filter(pk=order.pk).update(status="confirmed")
    stranger = UserFactory()
    url = f"{URL}{coupon.pk}/grants/"

    refused = editor.post(
        url, {"emails": [customer.email, stranger.email]}, content_type="application/json"
    )
    granted = editor.post(
        url, {"emails": [customer.email.upper()]}, content_type="application/json"
    )
    bad = editor.post(url, {"emails": ["not-an-email"]}, content_type="application/json")

    assert refused.status_code == 400
    assert stranger.email in refused.json()["emails"][0]
    assert granted.status_code == 200
    assert granted.json() == {"granted": 1}
    assert bad.status_code == 400
    assert list(CouponGrant.objects.values_list("user", flat=True)) == [customer.pk]


def test_the_wallet_lists_and_claims(client, fund, clock):
    user = investor_with_cash()
    client.force_login(user)
    make_coupon(product=fund, code="CLAIMME")
    old = make_coupon(product=fund, code="OLDONE")
    Coupon.objects.filter(pk=old.pk).update(valid_until=dt.date(2026, 11, 1))

    claimed = client.post(
        "/api/v1/me/coupons/", {"code": "claimme"}, content_type="application/json"
    )
    again = client.post("/api/v1/me/coupons/", {"code": "CLAIMME"}, content_type="application/json")
    unknown = client.post("/api/v1/me/coupons/", {"code": "NOPE"}, content_type="application/json")
    expired = client.post(
        "/api/v1/me/coupons/", {"code": "OLDONE"}, content_type="application/json"
    )
    empty = client.post("/api/v1/me/coupons/", {}, content_type="application/json")

    assert claimed.status_code == 201, claimed.content
    assert claimed.json()["coupon"]["code"] == "CLAIMME"
    assert claimed.json()["usable"] is True
    for response in (again, unknown, expired, empty):
        assert response.status_code == 400
        assert "code" in response.json()
    wallet = client.get("/api/v1/me/coupons/").json()
    assert [item["coupon"]["code"] for item in wallet] == ["CLAIMME"]


def test_an_api_order_with_a_coupon_carries_the_discount(client, fund, clock):
    client.force_login(investor_with_cash(cash="20000"))
    make_coupon(product=fund, code="HALF")
    response = client.post(
        "/api/v1/orders/",
        {"product": fund.slug, "side": "buy", "amount": "10000", "coupon": "half"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
        **PIN_HEADER,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["list_fee"], body["discount"], body["fee"]) == ("147.78", "73.34", "74.44")
    sell = client.post(
        "/api/v1/orders/",
        {"product": fund.slug, "side": "sell", "units": "1", "coupon": "half"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-2",
        **PIN_HEADER,
    )
    assert sell.status_code == 400
    assert "coupon" in sell.json()


def test_another_institutions_coupon_is_a_404(editor, clock):
    theirs = make_coupon(product=ProductFactory(institution=InstitutionFactory()))
    assert editor.get(f"{URL}{theirs.pk}/").status_code == 404
    assert (
        editor.post(
            f"{URL}{theirs.pk}/grants/",
            {"emails": ["a@b.example"]},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert editor.get("/portal/coupons/").content.count(theirs.name.encode()) == 0
    assert editor.get(f"/portal/coupons/{theirs.pk}/").status_code == 404
    assert D(0) == Coupon.objects.get(pk=theirs.pk).spent


def test_an_editor_pauses_resumes_and_ends_a_coupon_over_the_api(editor, fund, clock):
    coupon = make_coupon(product=fund)
    url = f"{URL}{coupon.pk}/status/"
    paused = editor.post(url, {"status": "paused"}, content_type="application/json")
    assert paused.status_code == 200
    assert paused.json()["status"] == "paused"
    assert editor.post(url, {"status": "active"}, content_type="application/json").json()[
        "status"
    ] == ("active")
    assert editor.post(url, {"status": "ended"}, content_type="application/json").status_code == 200
    again = editor.post(url, {"status": "active"}, content_type="application/json")
    assert again.status_code == 400
    assert list(again.json()) == ["status"]
    assert Coupon.objects.get(pk=coupon.pk).status == "ended"
    bad = editor.post(url, {"status": "gone"}, content_type="application/json")
    assert bad.status_code == 400
    assert list(bad.json()) == ["status"]


def test_only_the_issuers_editors_change_a_coupons_status(client, editor, fund, clock):
    theirs = make_coupon(product=ProductFactory(institution=InstitutionFactory()))
    url = f"{URL}{theirs.pk}/status/"
    assert editor.post(url, {"status": "paused"}, content_type="application/json").status_code == (
        404
    )
    mine = make_coupon(product=fund, code="MINE1")
    analyst = UserFactory()
    MembershipFactory(institution=fund.institution, user=analyst, role=Role.ANALYST)
    client.force_login(analyst)
    refused = client.post(
        f"{URL}{mine.pk}/status/", {"status": "paused"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert Coupon.objects.get(pk=theirs.pk).status == "active"
    assert Coupon.objects.get(pk=mine.pk).status == "active"
