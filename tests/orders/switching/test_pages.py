"""The web flow: "Switch" on a holding, review with the estimated fee, confirm with the PIN,
the switch's page and its cancel; the orders page links the two orders."""

import pytest

from marketplace.idempotency import FIELD
from orders.models import Order
from orders.plans.switching.models import Switch
from tests.factories import TRADE_PIN, investor_with_cash

from .conftest import set_subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, holder):
    client.force_login(holder)
    return client


def test_the_portfolio_offers_switch_on_a_fund_holding(web, fund_a):
    html = web.get("/me/portfolio/").content.decode()
    assert f"/me/portfolio/{fund_a.slug}/switch/" in html


def test_the_form_lists_only_the_institutions_other_funds(web, fund_a, fund_b):
    response = web.get(f"/me/portfolio/{fund_a.slug}/switch/")
    assert response.status_code == 200
    choices = [slug for slug, _ in response.context["form"].fields["to_product"].choices]
    assert choices == ["", fund_b.slug]


def test_the_review_shows_the_fee_then_the_pin_places_the_switch(web, fund_a, fund_b):
    set_subscription(fund_b, "0 - : 2%")  # 0.5% above A's 1.5%
    url = f"/me/portfolio/{fund_a.slug}/switch/"
    review = web.get(url, {"to_product": fund_b.slug, "units": "1000"})
    assert review.status_code == 200
    assert review.context["reviewing"]
    estimate = review.context["estimate"]
    # 1,000 at NAV 1.0000, held 1 day: 1.5% = 15.00; 985.00 switched; 0.5% of it = 4.93
    assert (estimate.fee.redemption_fee, estimate.fee.amount) == (15, 985)
    assert str(estimate.fee.difference_fee) == "4.93"
    html = review.content.decode()
    assert "Total fee (estimated)" in html
    assert "19.93" in html
    assert Switch.objects.count() == 0
    data = {"to_product": fund_b.slug, "units": "1000", FIELD: "tok-1"}
    refused = web.post(url, data)
    assert refused.status_code == 400
    assert refused.context["form"].errors["trade_pin"]
    assert Switch.objects.count() == 0
    placed = web.post(url, {**data, "trade_pin": TRADE_PIN})
    assert placed.status_code == 302
    switch = Switch.objects.get()
    assert placed["Location"] == f"/me/switches/{switch.pk}/"
    replay = web.post(url, {**data, "trade_pin": TRADE_PIN})  # the same form token
    assert replay.status_code == 302
    assert Switch.objects.count() == 1


def test_too_many_units_is_a_form_error(web, fund_a, fund_b):
    response = web.get(
        f"/me/portfolio/{fund_a.slug}/switch/", {"to_product": fund_b.slug, "units": "99999"}
    )
    assert response.context["form"].errors["units"]
    assert not response.context["reviewing"]


def test_the_orders_page_links_both_halves_and_the_switch_page_cancels_both(
    web, place, fund_a, fund_b
):
    switch = place()
    html = web.get("/me/orders/").content.decode()
    assert f"Switch to {fund_b.name}" in html
    assert f"Switch from {fund_a.name}" in html
    page = web.get(f"/me/switches/{switch.pk}/")
    assert page.status_code == 200
    assert page.context["cancellable"]
    sell = Order.objects.get(switch=switch, side="sell")
    assert not web.get(f"/me/orders/{sell.pk}/").context["cancellable"]
    web.post(f"/me/switches/{switch.pk}/cancel/")
    assert set(Order.objects.filter(switch=switch).values_list("status", flat=True)) == {
        "cancelled"
    }
    assert web.get("/me/switches/").status_code == 200


def test_another_investors_switch_page_is_a_404(client, place):
    switch = place()
    client.force_login(investor_with_cash())
    assert client.get(f"/me/switches/{switch.pk}/").status_code == 404
    assert client.post(f"/me/switches/{switch.pk}/cancel/").status_code == 404
