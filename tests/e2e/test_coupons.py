"""Coupons in a real browser: an investor with a fee-discount card in the wallet sees it
preselected at checkout with the list fee, the discount and the discounted fee, confirms, and
the order keeps the discounted fee; the wallet page lists the card and why another is not
usable."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from orders import services
from orders.coupons import services as coupons
from orders.coupons.models import CouponStatus
from orders.models import Order
from profiles.models import InvestorProfile
from tests.e2e.test_catalogue import log_in
from tests.factories import TRADE_PIN, ProductFactory, UserFactory, bound_card
from tests.orders.coupons.factories import make_coupon

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_investor_buys_with_the_preselected_card(new_page, shot):
    user = UserFactory(email="couponed@example.com", trade_pin=True)
    InvestorProfile.objects.create(
        user=user, risk_level=3, assessment_valid_until=dt.date(2030, 1, 1)
    )
    services.deposit_start(user=user, amount="50000", card=bound_card(user))
    fund = ProductFactory(risk_level=2, name="Harbour Steady Bond")
    today = timezone.localdate()
    card = make_coupon(
        product=fund,
        name="Half the fee",
        valid_from=today,
        valid_until=today + dt.timedelta(days=30),
    )
    ended = make_coupon(
        product=fund,
        name="Last year's card",
        valid_from=today,
        valid_until=today + dt.timedelta(days=30),
    )
    for c in (card, ended):
        coupons.coupon_grant(coupon=c, user=user)
    coupons.coupon_set_status(coupon=ended, actor=None, status=CouponStatus.ENDED)
    page = new_page()
    log_in(page, "couponed@example.com")

    page.goto("/me/coupons/")
    shot(page, "wallet")
    assert "Half the fee" in page.content()
    assert "has ended" in page.content()

    page.goto(f"/products/{fund.slug}/buy/?amount=10000")
    shot(page, "review-with-coupon")
    assert page.locator("[data-discounted-fee]").inner_text().strip() == "CNY 74.44"
    page.locator("#id_trade_pin").fill(TRADE_PIN)
    page.locator("form[method=post]:has(input[name=form_token]) [type=submit]").first.click()
    page.wait_for_load_state()
    shot(page, "order-placed")
    order = Order.objects.get()
    assert (order.fee, order.discount) == (Decimal("74.44"), Decimal("73.34"))
    assert page.locator("[data-order-discount]").count() == 1
    assert page.csp_errors == []


def test_an_editor_creates_a_fee_discount_card_in_the_portal(new_page, shot):
    from institutions.models import Role
    from orders.coupons.models import Coupon
    from tests.factories import MembershipFactory

    fund = ProductFactory(name="Harbour Steady Bond")
    editor = UserFactory(email="editor@harbour.example")
    MembershipFactory(institution=fund.institution, user=editor, role=Role.EDITOR)
    page = new_page()
    log_in(page, "editor@harbour.example")

    page.goto("/portal/coupons/new/")
    page.select_option("select[name=kind]", "fee_discount")
    page.fill("input[name=name]", "Spring card")
    page.fill("input[name=code]", "SPRING50")
    page.fill("input[name=percent_off]", "50")
    page.fill("input[name=valid_until]", "2030-01-01")
    page.fill("input[name=max_count]", "100")
    page.fill("input[name=budget]", "5,000")
    page.check(f"input[name=products][value='{fund.slug}']")
    shot(page, "new-coupon")
    page.locator("form:has(input[name=percent_off]) [type=submit]").first.click()
    page.wait_for_load_state()
    shot(page, "coupon-detail")
    coupon = Coupon.objects.get()
    assert (coupon.code, coupon.percent_off) == ("SPRING50", Decimal("50.00"))
    page.goto("/portal/coupons/")
    shot(page, "coupons")
    assert "SPRING50" in page.content()
