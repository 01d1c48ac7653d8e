"""A holiday added after orders were placed for that day moves them to the next trading day:
trade date, expected confirmation and cancel-by time together, with an event and an e-mail."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from orders import services
from orders.calendar import cutoff_of
from orders.campaigns import inbox, notices
from orders.campaigns.models import InboxMessage, Topic
from orders.models import Order, OrderStatus
from products.models import NavPrice
from tests.factories import ProductFactory, StaffFactory, investor_with_cash

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY, TUESDAY, WEDNESDAY = dt.date(2026, 11, 23), dt.date(2026, 11, 24), dt.date(2026, 11, 25)


def at(day, hour=10):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def test_holiday_added_after_orders_were_placed_moves_them_to_the_next_trading_day(
    django_capture_on_commit_callbacks,
):
    user, product = investor_with_cash(cash="5000"), ProductFactory()
    order, _ = services.order_place(
        user=user, product=product, side="buy", amount="1000", now=at(TUESDAY)
    )
    assert (order.trade_date, order.expected_confirm_date) == (TUESDAY, WEDNESDAY)

    with django_capture_on_commit_callbacks(execute=True):
        services.holiday_add(actor=StaffFactory(), date=TUESDAY, name="Typhoon closure")

    order.refresh_from_db()
    assert (order.status, order.trade_date, order.expected_confirm_date) == (
        OrderStatus.PENDING,
        WEDNESDAY,
        dt.date(2026, 11, 26),
    )
    assert cutoff_of(order.trade_date) == at(WEDNESDAY, 15)
    event = order.events.last()
    assert (event.from_status, event.to_status) == ("pending", "pending")
    assert "Typhoon closure" in event.reason
    assert event.notified_at is not None
    assert [m.to for m in mail.outbox] == [[user.email]]

    # It is priced at the NAV of its new trade date, not left pending for ever.
    NavPrice.objects.create(product=product, date=WEDNESDAY, nav=Decimal("1.0000"))
    services.end_of_day(run_date=WEDNESDAY)
    order.refresh_from_db()
    assert (order.status, order.nav) == (OrderStatus.CONFIRMED, Decimal("1.0000"))


def test_holiday_on_the_expected_confirmation_day_moves_only_the_confirmation(
    django_capture_on_commit_callbacks,
):
    user, product = investor_with_cash(cash="5000"), ProductFactory()
    order, _ = services.order_place(
        user=user, product=product, side="buy", amount="1000", now=at(MONDAY)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.holiday_add(actor=StaffFactory(), date=TUESDAY, name="Closure")

    order.refresh_from_db()
    assert (order.trade_date, order.expected_confirm_date) == (MONDAY, WEDNESDAY)
    assert order.events.last().notified_at is not None
    assert Order.objects.filter(trade_date=TUESDAY).count() == 0


def test_notice_about_an_order_event_is_sent_once():
    user, product = investor_with_cash(cash="5000"), ProductFactory()
    services.order_place(user=user, product=product, side="buy", amount="1000", now=at(TUESDAY))
    services.holiday_add(actor=StaffFactory(), date=TUESDAY, name="Closure")
    event = Order.objects.get().events.last()

    # Order notices now go through the inbox (orders.campaigns.notices), e-mailed from there.
    assert notices.order_events_notify(event_ids=[event.pk]) == 1
    assert notices.order_events_notify(event_ids=[event.pk]) == 0
    inbox.inbox_email_drain()
    inbox.inbox_email_drain()
    message = InboxMessage.objects.get(user=user, topic=Topic.ORDER_CHANGED)
    assert "Closure" in message.body
    assert message.link == f"/me/orders/{event.order_id}/"
    assert len(mail.outbox) == 1
