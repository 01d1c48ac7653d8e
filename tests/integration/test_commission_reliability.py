"""Commission under failure, with real PostgreSQL, real Redis and real workers:
Redis down when an order is confirmed (the outbox keeps the work until the relay sends it),
every task run twice or by two workers at once, and a worker SIGKILLed mid-batch."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from marketplace import outbox
from marketplace.bulk import bulk_insert
from marketplace.celery import app as celery_app
from marketplace.models import OutboxMessage
from orders import services
from orders.models import CommissionEntry, Holding, Order
from products.models import NavPrice
from tests.factories import CommissionContractFactory, ProductFactory, investor_with_cash
from tests.integration.test_races import race
from tests.integration.test_worker_email import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(settings.BASE_DIR)
MONDAY = dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def use_broker(url: str) -> None:
    """Point the app's producer at ``url`` (a dead port simulates Redis being down)."""
    celery_app.conf.broker_url = url
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def not_eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    yield
    use_broker(settings.REDIS_URL)
    celery_app.conf.task_always_eager = True


def funded_product():
    product = ProductFactory()
    CommissionContractFactory(
        institution=product.institution,
        product_kind="fund",
        upfront_rate=Decimal("0.004"),
        trail_rate=Decimal("0.3"),
        valid_from=dt.date(2026, 1, 1),
    )
    NavPrice.objects.create(product=product, date=MONDAY.date(), nav=Decimal("1.0000"))
    return product


def test_an_order_confirmed_while_redis_is_down_gets_its_commission_once_redis_is_back(
    not_eager, real_worker
):
    product = funded_product()
    user = investor_with_cash()
    order, _ = services.order_place(
        user=user, product=product, side="buy", amount="1000", now=MONDAY
    )
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there

    services.end_of_day(run_date=MONDAY.date())  # the confirmation itself does not need Redis

    order.refresh_from_db()
    assert order.status == "confirmed"
    waiting = OutboxMessage.objects.get(task="orders.tasks.commission_entries_write")
    assert waiting.sent_at is None
    assert "111" in waiting.last_error or "onnect" in waiting.last_error
    assert not CommissionEntry.objects.filter(kind="upfront").exists()

    use_broker(settings.REDIS_URL)  # Redis is back; beat runs the relay
    # The commission and end of day's hand-over of its after-sales notices.
    assert outbox.relay(older_than=dt.timedelta(0)) == 2
    assert wait_for(lambda: CommissionEntry.objects.filter(order=order).exists(), timeout=30)
    assert outbox.relay(older_than=dt.timedelta(0)) == 0
    services.commission_entries_write()
    assert CommissionEntry.objects.filter(order=order).count() == 1


def test_every_task_twice_and_two_at_once_write_the_same_entries():
    holding = _confirmed_orders(30)  # confirmed, nothing written for them yet
    Holding.objects.filter(pk=holding.pk).update(units=Decimal("2955.60"))

    results = race(
        [lambda: services.commission_entries_write(batch_size=4) for _ in range(2)]
        + [lambda: services.trail_accrue(on_date=MONDAY.date(), batch_size=2) for _ in range(2)]
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    first = sorted(CommissionEntry.objects.values_list("kind", "order", "holding", "amount"))
    assert len([e for e in first if e[0] == "upfront"]) == 30
    assert len([e for e in first if e[0] == "trail"]) == 1
    services.commission_entries_write()
    services.trail_accrue(on_date=MONDAY.date())
    assert (
        sorted(CommissionEntry.objects.values_list("kind", "order", "holding", "amount")) == first
    )


def test_ledger_entries_cannot_be_changed_or_deleted():
    from django.db import IntegrityError, transaction

    from orders.models import CashEntry

    holding = _confirmed_orders(1)
    services.commission_entries_write()
    entry = CommissionEntry.objects.get()
    for attempt in (
        lambda: CommissionEntry.objects.filter(pk=entry.pk).update(amount=Decimal("999")),
        lambda: CommissionEntry.objects.filter(pk=entry.pk).delete(),
        lambda: CashEntry.objects.filter(account__user=holding.user).update(amount=1),
        lambda: CashEntry.objects.filter(account__user=holding.user).delete(),
    ):
        with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
            attempt()
    assert CommissionEntry.objects.get().amount == entry.amount


def _confirmed_orders(count: int):
    """``count`` confirmed purchases written in bulk (as end of day would leave them)."""
    product = funded_product()
    user = investor_with_cash()
    holding = Holding.objects.create(
        user=user, product=product, institution=product.institution, kind="fund"
    )
    now = timezone.now()
    bulk_insert(
        Order,
        [
            (
                user.pk,
                product.pk,
                product.institution_id,
                "fund",
                "buy",
                "confirmed",
                Decimal("100.00"),
                Decimal("98.52"),
                Decimal("1.48"),
                MONDAY.date(),
                MONDAY.date(),
                now,
                now,
                MONDAY.date(),
                "allowed",
                "",
                "amount",
                Decimal("0.004"),
                "",
                "",
                False,
            )
            for _ in range(count)
        ],
        fields=[
            "user_id",
            "product_id",
            "institution_id",
            "kind",
            "side",
            "status",
            "amount",
            "units",
            "fee",
            "trade_date",
            "expected_confirm_date",
            "placed_at",
            "confirmed_at",
            "confirmed_on",
            "suitability",
            "risk_acknowledged_version",
            "contract_upfront_basis",
            "contract_upfront_rate",
            "idempotency_key",
            "request_hash",
            "instant",
        ],
    )
    return holding


def _start_worker(queues: str = "default") -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
            **{
                **connection.settings_dict,
                "HOST": connection.settings_dict["HOST"] or "127.0.0.1",
                "PORT": connection.settings_dict["PORT"] or 5432,
            }
        ),
        "REDIS_URL": settings.REDIS_URL,
    }
    return subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "marketplace",
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "-Q",
            queues,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(os.environ.get("WORKER_LOG", os.devnull), "a"),  # noqa: SIM115
        stderr=subprocess.STDOUT,
    )


def test_a_worker_killed_mid_batch_loses_nothing_and_doubles_nothing(not_eager):
    from orders.tasks import commission_entries_write

    _confirmed_orders(20_000)
    celery_app.control.purge()
    worker = _start_worker()
    try:
        commission_entries_write.apply_async(kwargs={"batch_size": 200})
        assert wait_for(lambda: CommissionEntry.objects.exists(), timeout=60), "never started"
        os.kill(worker.pid, signal.SIGKILL)  # mid-task: some batches committed, one in flight
        worker.wait(timeout=10)
        written = CommissionEntry.objects.count()
        assert 0 < written < 20_000, "the kill came too late to prove anything"

        worker = _start_worker()  # restarted; beat's sweep (or redelivery) runs the task again
        commission_entries_write.apply_async(kwargs={"batch_size": 200})
        assert wait_for(lambda: CommissionEntry.objects.count() >= 20_000, timeout=120)
        time.sleep(0.5)
    finally:
        worker.kill()
        worker.wait(timeout=10)
    assert CommissionEntry.objects.count() == 20_000
    assert not Order.objects.filter(commission_entries__isnull=True).exists()
    per_order = Order.objects.values("pk").annotate(n=Count("commission_entries"))
    assert {row["n"] for row in per_order} == {1}


def test_two_workers_running_end_of_day_at_once_confirm_and_earn_once(not_eager):
    from orders.tasks import end_of_day_run

    product = funded_product()
    users = [investor_with_cash(cash="2000") for _ in range(20)]
    for user in users:
        for _ in range(3):
            services.order_place(user=user, product=product, side="buy", amount="500", now=MONDAY)
    celery_app.control.purge()
    workers = [_start_worker("default,end_of_day") for _ in range(2)]
    try:
        for _ in range(2):
            end_of_day_run.apply_async(args=[MONDAY.date().isoformat()], queue="end_of_day")
        assert wait_for(
            lambda: (
                CommissionEntry.objects.filter(kind="upfront").count() == 60
                and CommissionEntry.objects.filter(kind="trail").count() == 20
            ),
            timeout=90,
        ), (
            list(Order.objects.values_list("status", flat=True).distinct()),
            CommissionEntry.objects.count(),
            list(OutboxMessage.objects.values_list("task", "sent_at", "last_error")),
        )
        time.sleep(1)  # let the second run finish too
    finally:
        for worker in workers:
            worker.kill()
            worker.wait(timeout=10)
    assert Order.objects.filter(status="confirmed").count() == 60
    assert Order.objects.filter(status="pending").count() == 0
    assert CommissionEntry.objects.filter(kind="upfront").count() == 60
    assert CommissionEntry.objects.filter(kind="trail").count() == 20
    assert services.reconcile_cash() == []
