"""The web checkout: review shows the dates and fee before confirming; one-time token; the same
service as the API decides."""

import datetime as dt
from decimal import Decimal

import pytest

from orders import services
from orders.models import Order
from profiles.models import InvestorProfile
from tests.factories import TRADE_PIN, ProductFactory, bound_card, give_trade_pin

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(verified_client, user):
    give_trade_pin(user)
    InvestorProfile.objects.create(
        user=user, risk_level=3, assessment_valid_until=dt.date(2030, 1, 1)
    )
    services.deposit_start(user=user, amount="20000", card=bound_card(user))
    return verified_client


def token_from(response) -> str:
    return response.content.decode().split('name="form_token" value="')[1].split('"')[0]


def test_review_shows_fee_and_dates_then_confirm_places_one_order(buyer, user):
    product = ProductFactory(risk_level=2)
    review = buyer.get(f"/products/{product.slug}/buy/?amount=10000")
    assert review.status_code == 200
    html = review.content.decode()
    assert "147.78" in html  # 10,000 at 1.5% by the net-amount method
    assert str(review.context["trade_date"]) in html
    assert str(review.context["expected_confirm_date"]) in html
    token = token_from(review)
    data = {"amount": "10000", "form_token": token, "trade_pin": TRADE_PIN}
    first = buyer.post(f"/products/{product.slug}/buy/", data)
    second = buyer.post(f"/products/{product.slug}/buy/", data)
    order = Order.objects.get()
    assert first["Location"] == f"/me/orders/{order.pk}/"
    assert second.status_code == 302
    assert services.cash_account_for(user=user).balance == Decimal("10000")
    page = buyer.get(f"/me/orders/{order.pk}/")
    assert page.status_code == 200
    assert buyer.get("/me/orders/").status_code == 200


def test_above_level_needs_the_checkbox(buyer):
    product = ProductFactory(risk_level=4)
    review = buyer.get(f"/products/{product.slug}/buy/?amount=1000")
    data = {"amount": "1000", "form_token": token_from(review), "trade_pin": TRADE_PIN}
    refused = buyer.post(f"/products/{product.slug}/buy/", data)
    assert refused.status_code == 400
    assert not Order.objects.exists()
    review = buyer.get(f"/products/{product.slug}/buy/?amount=1000")
    data = {
        "amount": "1000",
        "form_token": token_from(review),
        "acknowledge_risk": "on",
        "trade_pin": TRADE_PIN,
    }
    assert buyer.post(f"/products/{product.slug}/buy/", data).status_code == 302
    assert Order.objects.get().risk_acknowledged_version


@pytest.mark.parametrize("amount", ["0", "-5", "1.001", "abc", "99999999999", "<b>1</b>"])
def test_bad_amounts_are_form_errors(buyer, amount):
    product = ProductFactory(risk_level=1)
    response = buyer.post(
        f"/products/{product.slug}/buy/", {"amount": amount, "form_token": f"t{amount[:8]}"}
    )
    assert response.status_code == 400
    assert not Order.objects.exists()


def test_cancel_from_the_order_page(client, placed_order):
    client.force_login(placed_order.user)
    # Placed before the cut-off of its trade date, so it is cancellable right after placing.
    assert client.get(f"/me/orders/{placed_order.pk}/").context["cancellable"]
    client.post(f"/me/orders/{placed_order.pk}/cancel/")
    placed_order.refresh_from_db()
    assert placed_order.status == "cancelled"


def test_review_already_checks_the_minimum_purchase(buyer):
    product = ProductFactory(risk_level=1, min_purchase=Decimal("1000"))
    review = buyer.get(f"/products/{product.slug}/buy/?amount=10")
    assert review.status_code == 200
    assert not review.context["reviewing"]
    assert "minimum purchase is 1,000.00" in review.content.decode()


def test_review_warns_before_confirming_when_cash_is_short_with_a_top_up_link(buyer, user):
    product = ProductFactory(risk_level=1)
    review = buyer.get(f"/products/{product.slug}/buy/?amount=25000")
    assert review.status_code == 200
    assert review.context["reviewing"]
    assert review.context["cash_short"] == Decimal("5000.00")
    html = review.content.decode()
    assert 'id="cash-short"' in html
    assert "/me/cash/?amount=5000.00#top-up" in html
    assert "Confirm purchase" not in html  # confirming could only fail
    top_up = buyer.get("/me/cash/?amount=5000.00")
    assert 'value="5000.00"' in top_up.content.decode()
    enough = buyer.get(f"/products/{product.slug}/buy/?amount=20000").content.decode()
    assert 'id="cash-short"' not in enough
    assert "Confirm purchase" in enough


@pytest.mark.parametrize(("typed", "amount"), [("1,000", "1000"), ("1,000.50", "1000.50")])
def test_checkout_accepts_amounts_with_thousands_separators(buyer, typed, amount):
    product = ProductFactory(risk_level=1)
    review = buyer.get(f"/products/{product.slug}/buy/", {"amount": typed})
    assert review.context["reviewing"]
    data = {"amount": typed, "form_token": token_from(review), "trade_pin": TRADE_PIN}
    assert buyer.post(f"/products/{product.slug}/buy/", data).status_code == 302
    assert Order.objects.get().amount == Decimal(amount)


@pytest.mark.parametrize("typed", ["1,00", "1.2.3", ",100", "1,,000", "10,00.5"])
def test_checkout_refuses_misplaced_separators(buyer, typed):
    product = ProductFactory(risk_level=1)
    response = buyer.post(f"/products/{product.slug}/buy/", {"amount": typed, "form_token": "x"})
    assert response.status_code == 400
    assert not Order.objects.exists()
