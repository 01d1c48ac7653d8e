"""End of day's confirmation notice is built and e-mailed by a real Celery worker through Redis:
end of day hands it over by task name through the outbox, the worker posts it to the inbox and
then sends the e-mail from the inbox's queue."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail

from orders import services
from orders.campaigns.models import EmailState, InboxMessage, Topic
from products.models import NavPrice
from tests.factories import ProductFactory, investor_with_cash
from tests.integration.test_worker_email import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
MONDAY = dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_beat_sends_the_daily_reminders():
    entry = settings.CELERY_BEAT_SCHEDULE["after-sales-notices"]
    assert entry["task"] == "orders.campaigns.tasks.notices_daily"


def test_a_worker_delivers_the_confirmation_notice_of_end_of_day(real_worker):
    user, product = investor_with_cash(), ProductFactory()
    order, _ = services.order_place(
        user=user, product=product, side="buy", amount="1015", now=MONDAY
    )
    NavPrice.objects.create(product=product, date=MONDAY.date(), nav=Decimal("1.0000"))
    mail.outbox.clear()

    services.end_of_day(run_date=MONDAY.date())

    def delivered():
        message = InboxMessage.objects.filter(user=user, topic=Topic.ORDER_CONFIRMED).first()
        return message is not None and message.email_state == EmailState.SENT

    assert wait_for(delivered, timeout=30), "the worker never delivered the notice"
    message = InboxMessage.objects.get(user=user, topic=Topic.ORDER_CONFIRMED)
    assert message.subject_key == f"order:{order.pk}"
    assert "1,000.00 units" in message.body  # 1,015 at 1.5%: fee 15.00
    assert message.emailed_at is not None
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert product.name in mail.outbox[0].subject
