"""Coupons in Chinese (issue 14): the wallet page and a coupon's terms follow Accept-Language
(percentages and ¥ amounts kept), a refusal reason is a Python message in the active language,
the marketing rules' examples keep their percent signs. Needs the compiled catalogue."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from orders.coupons import rules
from orders.coupons.models import CouponKind, GrantSource
from orders.coupons.services import coupon_grant_many
from tests.factories import ProductFactory, investor_with_cash
from tests.orders.coupons.factories import make_coupon

pytestmark = pytest.mark.django_db


def test_the_wallet_in_chinese(client, clock):
    fund = ProductFactory(risk_level=2)
    investor = investor_with_cash(cash="1000")
    card = make_coupon(product=fund, name="Half-fee card", valid_until=dt.date(2026, 12, 31))
    coupon_grant_many(coupon=card, user_ids=[investor.pk], source=GrantSource.OFFER)
    client.force_login(investor)

    text = client.get("/me/coupons/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "我的优惠券" in text
    assert "申购费 50% 折扣" in text
    assert "有效期至 2026-12-31" in text
    assert "My coupons" not in text


def test_a_vouchers_terms_are_in_yuan_in_chinese():
    voucher = {
        "kind": CouponKind.FEE_VOUCHER,
        "amount_off": Decimal("20.00"),
        "min_purchase": Decimal("1000.00"),
    }
    with translation.override("zh-hans"):
        text = render_to_string("portal/coupons/_terms.html", {"c": voucher}).strip()
    assert text == "申购满 ¥1,000.00 减免申购费 ¥20.00"
    with translation.override("en"):
        text = render_to_string("portal/coupons/_terms.html", {"c": voucher}).strip()
    assert text == "CNY 20.00 off the subscription fee on purchases from CNY 1,000.00"


def test_a_refusal_reason_is_in_the_active_language(clock):
    fund = ProductFactory(risk_level=2)
    card = make_coupon(
        product=fund,
        kind=CouponKind.FEE_VOUCHER,
        amount_off=Decimal("20"),
        min_purchase=Decimal("5000"),
    )
    with translation.override("zh-hans"):
        refusal = rules.purchase_refusal(
            card,
            product=fund,
            side="buy",
            amount=Decimal("100"),
            quoted=None,
            uses_left=None,
            today=clock.today,
        )
    assert refusal is not None
    assert refusal.code == "coupon_below_minimum"
    assert refusal.messages == ["该优惠券需单笔申购至少 5,000.00 元。"]


def test_the_marketing_rules_keep_their_percent_signs_in_chinese():
    with translation.override("zh-hans"):
        text = render_to_string("portal/articles/_rules.html")
    assert "“近 3 个月上涨 4%”" in text
    assert "%%" not in text
