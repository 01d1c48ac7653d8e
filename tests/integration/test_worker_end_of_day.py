"""End of day run by a real Celery worker from the real Redis broker, on the queue beat uses."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings

from orders import services
from orders.models import EndOfDayRun, Holding, Order
from orders.tasks import end_of_day_run
from products.models import NavPrice
from tests.factories import ProductFactory, investor_with_cash
from tests.integration.test_worker_email import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_beat_schedules_end_of_day_on_its_own_queue():
    entry = settings.CELERY_BEAT_SCHEDULE["end-of-day"]
    assert entry["task"] == "orders.tasks.end_of_day_run"
    assert entry["options"]["queue"] == "end_of_day"


def test_a_worker_confirms_orders_at_nav_when_end_of_day_is_sent(real_worker):
    user, product = investor_with_cash(), ProductFactory()
    monday = dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    order, _ = services.order_place(
        user=user, product=product, side="buy", amount="1015", now=monday
    )
    NavPrice.objects.create(product=product, date=monday.date(), nav=Decimal("1.0000"))

    end_of_day_run.apply_async(args=["2026-11-23"], queue="end_of_day")

    assert wait_for(lambda: Order.objects.get(pk=order.pk).status == "confirmed", timeout=30)
    assert Holding.objects.get(user=user, product=product).units == Decimal("1000.00")
    assert wait_for(lambda: EndOfDayRun.objects.filter(finished_at__isnull=False).exists())
    assert EndOfDayRun.objects.get(date=monday.date()).stats["confirmed"] == 1
