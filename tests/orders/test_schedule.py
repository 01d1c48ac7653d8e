"""One schedule for every order (orders.schedule): the checkout and sell pages, the order page,
the API and the order service all take the trade date, the expected confirmation and the
cancel-by time from it, and agree on whether an order can be cancelled now."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from orders import services
from orders.calendar import CUTOFF
from orders.models import Holiday, Side
from orders.schedule import can_cancel, cancel_by, cancel_refusal, order_schedule
from tests.factories import ProductFactory
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 11, 23)
TUESDAY = dt.date(2026, 11, 24)
WEDNESDAY = dt.date(2026, 11, 25)


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def test_a_buy_before_the_cut_off_trades_today_confirms_next_trading_day_cancellable_until_15():
    schedule = order_schedule(side=Side.BUY, now=at(MONDAY, 14, 59))
    assert (schedule.trade_date, schedule.expected_confirm_date) == (MONDAY, TUESDAY)
    assert schedule.cancel_by == at(MONDAY, 15)


def test_an_order_after_the_cut_off_moves_to_the_next_trading_day_past_holidays():
    Holiday.objects.create(date=TUESDAY, name="Test")
    schedule = order_schedule(side=Side.SELL, now=at(MONDAY, 15))
    assert (schedule.trade_date, schedule.expected_confirm_date) == (
        WEDNESDAY,
        WEDNESDAY + dt.timedelta(days=1),
    )
    assert schedule.cancel_by == at(WEDNESDAY, 15)


def test_an_instant_redemption_trades_today_and_has_no_cancel_by():
    schedule = order_schedule(side=Side.SELL, now=at(MONDAY, 16), instant=True)
    assert (schedule.trade_date, schedule.expected_confirm_date, schedule.cancel_by) == (
        MONDAY,
        MONDAY,
        None,
    )


def test_cancel_refusals_carry_codes():
    pending = OrderFactory(trade_date=MONDAY)
    assert cancel_refusal(order=pending, now=at(MONDAY, 14, 59)) is None
    assert cancel_refusal(order=pending, now=at(MONDAY, 15)).code == "cancel_too_late"
    settled = OrderFactory(status="settled", side="sell", instant=True)
    assert cancel_refusal(order=settled, now=at(MONDAY, 9)).code == "order_not_cancellable"
    assert cancel_by(settled) is None


def test_the_checkout_review_shows_the_schedule_the_service_gives_the_order(
    clock, investor, client
):
    clock.set(MONDAY, 14, 59)
    client.force_login(investor)
    product = ProductFactory(risk_level=2)
    response = client.get(f"/products/{product.slug}/buy/?amount=1000")
    review = response.context
    assert f"before {CUTOFF:%H:%M} on a trading day" in response.content.decode()
    order, _ = services.order_place(user=investor, product=product, side="buy", amount="1000")
    assert (review["trade_date"], review["expected_confirm_date"], review["cutoff"]) == (
        order.trade_date,
        order.expected_confirm_date,
        cancel_by(order),
    )


def test_order_page_api_and_service_agree_on_cancelling_until_the_cut_off(
    clock, placed_order, client
):
    client.force_login(placed_order.user)
    page = client.get(f"/me/orders/{placed_order.pk}/").context
    api = client.get(f"/api/v1/orders/{placed_order.pk}/").json()
    assert page["cancellable"]
    assert api["cancellable"]
    assert page["cutoff"] == cancel_by(placed_order) == at(placed_order.trade_date, 15)
    assert dt.datetime.fromisoformat(api["cancel_by"]) == at(placed_order.trade_date, 15)

    clock.set(placed_order.trade_date, 15)
    assert not client.get(f"/me/orders/{placed_order.pk}/").context["cancellable"]
    assert client.get(f"/api/v1/orders/{placed_order.pk}/").json()["cancellable"] is False
    assert not can_cancel(order=placed_order, now=clock())
    refused = client.post(f"/api/v1/orders/{placed_order.pk}/cancel/")
    assert refused.status_code == 400
    with pytest.raises(ValidationError) as err:
        services.order_cancel(order=placed_order, actor=placed_order.user)
    assert err.value.code == "cancel_too_late"
    placed_order.refresh_from_db()
    assert placed_order.status == "pending"


def test_a_confirmed_order_is_no_longer_cancellable_anywhere(confirmed_order, client):
    assert confirmed_order.status == "confirmed"
    client.force_login(confirmed_order.user)
    assert client.get(f"/api/v1/orders/{confirmed_order.pk}/").json()["cancellable"] is False
    with pytest.raises(ValidationError) as err:
        services.order_cancel(order=confirmed_order, actor=confirmed_order.user)
    assert err.value.code == "order_not_cancellable"
