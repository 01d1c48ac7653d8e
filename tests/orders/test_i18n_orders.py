"""The order, cash and portfolio pages and their messages speak Chinese when asked to, with
amounts through the locale's money format (¥ in Chinese, CNY in English). They need the
compiled catalogue (locale/, built from the i18n fragments)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from orders import services
from orders.services.trading.checks import BELOW_MINIMUM
from orders.views.trading import _sold_message
from profiles.models import InvestorProfile
from tests.factories import ProductFactory, bound_card, give_trade_pin

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def buyer(verified_client, user):
    give_trade_pin(user)
    InvestorProfile.objects.create(
        user=user, risk_level=3, assessment_valid_until=dt.date(2030, 1, 1)
    )
    services.deposit_start(user=user, amount="20000", card=bound_card(user))
    return verified_client


def test_checkout_review_in_chinese_with_yuan_amounts(buyer):
    product = ProductFactory(risk_level=2)
    html = buyer.get(f"/products/{product.slug}/buy/?amount=10000", **ZH).content.decode()
    assert "核对并确认" in html  # Review and confirm
    assert "确认申购" in html  # Confirm purchase
    assert "可用现金" in html  # Available cash
    assert "¥10,000.00" in html
    assert "Review and confirm" not in html
    assert "CNY 10,000.00" not in html


def test_checkout_review_in_english_is_unchanged(buyer):
    product = ProductFactory(risk_level=2)
    html = buyer.get(f"/products/{product.slug}/buy/?amount=10000").content.decode()
    assert "Review and confirm" in html
    assert "CNY 10,000.00" in html


def test_cash_and_order_pages_in_chinese(buyer, user):
    html = buyer.get("/me/cash/", **ZH).content.decode()
    assert "现金明细" in html  # Cash activity
    assert "¥20,000.00" in html
    product = ProductFactory(risk_level=2)
    order, _ = services.order_place(user=user, product=product, side="buy", amount="10000")
    html = buyer.get(f"/me/orders/{order.pk}/", **ZH).content.decode()
    assert f"订单 #{order.pk}" in html
    assert "撤单" in html
    assert "待确认" in html  # the order status badge, in the order-status context
    html = buyer.get("/me/orders/", **ZH).content.decode()
    assert "筛选订单" in html


def test_portfolio_page_in_chinese(buyer):
    html = buyer.get("/me/portfolio/", **ZH).content.decode()
    assert "总资产" in html
    assert "持仓" in html
    assert "暂无持仓" in html  # nothing held yet


def test_service_message_amount_goes_through_the_locale(buyer):
    with translation.override("zh-hans"):
        text = str(BELOW_MINIMUM).format(minimum="1,000.00")
    assert text == "起购金额为1,000.00元。"
    with translation.override("en"):
        assert str(BELOW_MINIMUM).format(minimum="1,000.00") == "The minimum purchase is 1,000.00."


def test_flash_message_in_chinese_uses_yuan(user):
    product = ProductFactory(risk_level=1)

    class Settled:
        status = "settled"
        amount = Decimal("1234.5")

    Settled.product = product
    with translation.override("zh-hans"):
        assert _sold_message(Settled) == "快速赎回成功：¥1,234.50 已到您的现金。"
    with translation.override("en"):
        assert _sold_message(Settled) == "Redeemed instantly: CNY 1,234.50 is in your cash."
