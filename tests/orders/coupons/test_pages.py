"""The coupon pages: checkout review with the best coupon preselected, /me/coupons/, the
portal's coupons (editors change, analysts look) and staff's platform coupons."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817 - figures read as D("1.00")

import pytest

from institutions.models import Role
from orders.coupons import services as coupons
from orders.coupons.models import Coupon, CouponGrant, CouponKind, CouponStatus
from orders.models import Order
from profiles.models import InvestorProfile
from tests.factories import (
    TRADE_PIN,
    MembershipFactory,
    ProductFactory,
    StaffFactory,
    UserFactory,
    bound_card,
    give_trade_pin,
)
from tests.orders.test_checkout import token_from

from .factories import make_coupon

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(verified_client, user):
    from orders import services

    give_trade_pin(user)
    InvestorProfile.objects.create(
        user=user, risk_level=3, assessment_valid_until=dt.date(2030, 1, 1)
    )
    services.deposit_start(user=user, amount="20000", card=bound_card(user))
    return verified_client


def test_the_review_preselects_the_best_coupon_and_the_fee_shown_is_charged(buyer, user, clock):
    product = ProductFactory()
    for c in (
        make_coupon(product=product, kind=CouponKind.FEE_VOUCHER),
        make_coupon(product=product, name="Half the fee"),
    ):
        coupons.coupon_grant(coupon=c, user=user)

    review = buyer.get(f"/products/{product.slug}/buy/?amount=10000")
    html = review.content.decode()
    assert review.context["coupon"].coupon.name == "Half the fee"
    assert "147.78" in html
    assert "73.34" in html
    assert "74.44" in html
    buyer.post(
        f"/products/{product.slug}/buy/",
        {
            "amount": "10000",
            "form_token": token_from(review),
            "coupon": review.context["coupon"].reference,
            "trade_pin": TRADE_PIN,
        },
    )

    order = Order.objects.get()
    assert (order.list_fee, order.discount, order.fee) == (D("147.78"), D("73.34"), D("74.44"))
    assert b"data-order-discount" in buyer.get(f"/me/orders/{order.pk}/").content


def test_the_investor_can_choose_no_coupon_or_type_a_code(buyer, user, clock):
    product = ProductFactory()
    coupons.coupon_grant(coupon=make_coupon(product=product), user=user)
    make_coupon(product=product, code="TENNER", kind=CouponKind.FEE_VOUCHER, amount_off=D("10"))

    none = buyer.get(f"/products/{product.slug}/buy/?amount=10000&coupon=none")
    typed = buyer.get(f"/products/{product.slug}/buy/?amount=10000&coupon=none&coupon_code=tenner")
    wrong = buyer.get(f"/products/{product.slug}/buy/?amount=10000&coupon_code=NOSUCH")

    assert none.context["coupon"].coupon is None
    assert typed.context["coupon"].quote.discount == D("10.00")
    assert wrong.context["coupon"].reason
    assert b"data-coupon-error" in wrong.content
    buyer.post(
        f"/products/{product.slug}/buy/",
        {
            "amount": "10000",
            "form_token": token_from(none),
            "coupon": "none",
            "trade_pin": TRADE_PIN,
        },
    )
    assert Order.objects.get().discount is None


def test_a_refused_coupon_on_confirm_places_nothing(buyer, user, clock):
    product = ProductFactory()
    review = buyer.get(f"/products/{product.slug}/buy/?amount=10000")
    response = buyer.post(
        f"/products/{product.slug}/buy/",
        {
            "amount": "10000",
            "form_token": token_from(review),
            "coupon": "NOSUCH",
            "trade_pin": TRADE_PIN,
        },
    )
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_my_coupons_lists_why_and_claims(buyer, user, clock):
    product = ProductFactory()
    make_coupon(product=product, code="WELCOME", name="Welcome card")
    ended = make_coupon(product=product, name="Old card")
    coupons.coupon_grant(coupon=ended, user=user)
    coupons.coupon_set_status(coupon=ended, actor=None, status=CouponStatus.ENDED)

    claimed = buyer.post("/me/coupons/", {"code": "welcome"})
    bad = buyer.post("/me/coupons/", {"code": "<script>"})
    page = buyer.get("/me/coupons/")

    assert claimed.status_code == 302
    assert bad.status_code == 400
    html = page.content.decode()
    assert "Welcome card" in html
    assert "Old card" in html
    assert "has ended" in html
    assert 'href="/me/coupons/"' in html  # the tab


@pytest.fixture
def portal(client):
    product = ProductFactory()
    user = UserFactory(mfa=True)
    MembershipFactory(institution=product.institution, user=user, role=Role.ADMIN)
    client.force_login(user)
    return client, product


FORM = {
    "kind": "fee_discount",
    "name": "Spring",
    "code": "SPRING",
    "percent_off": "50",
    "min_purchase": "",
    "per_user_limit": "1",
    "valid_until": "2030-01-01",
    "max_count": "10",
    "budget": "1,000.00",
}


def test_the_portal_creates_edits_pauses_and_grants(portal, clock, confirmed_order):
    client, product = portal
    assert client.get("/portal/coupons/").status_code == 200
    assert client.get("/portal/coupons/new/").status_code == 200
    response = client.post("/portal/coupons/new/", {**FORM, "products": [product.slug]})
    coupon = Coupon.objects.get()
    assert response.status_code == 302
    assert coupon.budget == D("1000.00")
    assert client.get(f"/portal/coupons/{coupon.pk}/").status_code == 200
    client.post(
        f"/portal/coupons/{coupon.pk}/edit/",
        {**FORM, "percent_off": "40", "products": [product.slug]},
    )
    coupon.refresh_from_db()
    assert coupon.percent_off == D("40.00")
    client.post(f"/portal/coupons/{coupon.pk}/status/", {"status": "paused"})
    assert Coupon.objects.get().status == CouponStatus.PAUSED
    refused = client.post(f"/portal/coupons/{coupon.pk}/grants/", {"emails": "nobody@x.example"})
    assert refused.status_code == 400
    assert not CouponGrant.objects.exists()
    assert list(coupon.events.values_list("action", flat=True)) == ["created", "edited", "paused"]


@pytest.mark.parametrize(
    "change",
    [
        {"percent_off": "101"},
        {"percent_off": "-1"},
        {"percent_off": "1.234"},
        {"budget": "0"},
        {"budget": "abc"},
        {"budget": "1.005"},
        {"budget": "9" * 30},
        {"name": "<b>bold</b>"},
        {"code": "has space"},
        {"max_count": "0"},
        {"kind": "fee_voucher", "amount_off": ""},
        {"valid_until": "2020-01-01"},
    ],
)
def test_bad_portal_input_is_a_form_error(portal, clock, change):
    client, product = portal
    response = client.post("/portal/coupons/new/", {**FORM, "products": [product.slug], **change})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Coupon.objects.exists()


def test_an_analyst_sees_but_cannot_create(client, clock):
    product = ProductFactory()
    user = UserFactory()
    MembershipFactory(institution=product.institution, user=user, role=Role.ANALYST)
    client.force_login(user)
    assert client.get("/portal/coupons/").status_code == 200
    client.post("/portal/coupons/new/", {**FORM, "products": [product.slug]})
    assert not Coupon.objects.exists()


def test_staff_create_platform_coupons_for_any_fund(client, clock):
    client.force_login(StaffFactory())
    product = ProductFactory()
    response = client.post("/staff/coupons/", {**FORM, "products": f"{product.slug}"})
    coupon = Coupon.objects.get()
    assert response.status_code == 302
    assert (coupon.payer, coupon.institution) == ("platform", None)
    assert client.get("/staff/coupons/").status_code == 200
    assert client.get(f"/staff/coupons/{coupon.pk}/").status_code == 200
    client.post(f"/staff/coupons/{coupon.pk}/", {"status": "ended"})
    assert Coupon.objects.get().status == CouponStatus.ENDED


def test_staff_pages_are_for_staff_only(client, clock):
    client.force_login(UserFactory())
    assert client.get("/staff/coupons/").status_code == 404
