"""End of day split into parts, run by TWO real worker processes at once, gives the same
results to the cent as the same day run serially in one process, and both workers took parts.

The same dataset is built twice (a fresh database each time): two days of buys, sells and
switch-free redemptions over two bond funds and a money-market fund with commission contracts
(upfront and trail). Monday runs serially in both; Tuesday runs serially the first time and on
the workers the second. Everything end of day writes is fingerprinted by natural keys (ids of
new rows depend on which part commits first)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from marketplace.celery import app as celery_app
from marketplace.models import OutboxMessage
from orders import services
from orders.models import (
    CashAccount,
    CashEntry,
    CommissionEntry,
    EndOfDayPart,
    EndOfDayRun,
    Holding,
    Lot,
    Order,
)
from orders.tasks import end_of_day_run
from products.models import DailyYield, FundType, NavPrice, Product
from tests.factories import CommissionContractFactory, ProductFactory, investor_with_cash
from tests.integration.processes import start_workers
from tests.integration.test_worker_email import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TZ = dt.timezone(dt.timedelta(hours=8))
MONDAY, TUESDAY = dt.date(2026, 11, 23), dt.date(2026, 11, 24)
INVESTORS = 12
BATCH = 3  # small parts: a dozen per phase, for two workers to share


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def build() -> list:
    """Monday's orders confirmed (serially), Tuesday's placed and pending."""
    bond_a, bond_b = ProductFactory(), ProductFactory()
    money = ProductFactory(fund_type=FundType.MONEY_MARKET, risk_level=1)
    for product in (bond_a, bond_b, money):
        CommissionContractFactory(
            institution=product.institution,
            product_kind="fund",
            upfront_rate=Decimal("0.004"),
            trail_rate=Decimal("0.3"),
            valid_from=dt.date(2026, 1, 1),
        )
    for day, a, b in ((MONDAY, "1.0123", "2.3456"), (TUESDAY, "1.0131", "2.3401")):
        NavPrice.objects.create(product=bond_a, date=day, nav=Decimal(a))
        NavPrice.objects.create(product=bond_b, date=day, nav=Decimal(b))
    for day, income in ((MONDAY, "0.4512"), (TUESDAY, "0.4498")):
        DailyYield.objects.create(
            product=money, date=day, income_per_10k=Decimal(income), seven_day_yield="0.0185"
        )
    users = [investor_with_cash(cash="50000") for _ in range(INVESTORS)]
    for n, user in enumerate(users):
        for product, amount in ((bond_a, 1000 + 37 * n), (bond_b, 2500 + 11 * n)):
            services.order_place(
                user=user, product=product, side="buy", amount=str(amount), now=at(MONDAY)
            )
        services.order_place(
            user=user, product=money, side="buy", amount=str(5000 + n), now=at(MONDAY)
        )
    services.end_of_day(run_date=MONDAY, batch_size=BATCH)
    for n, user in enumerate(users):
        services.order_place(
            user=user, product=bond_b, side="buy", amount=str(700 + 13 * n), now=at(TUESDAY)
        )
        if n % 3 == 0:
            units = Holding.objects.get(user=user, product=bond_a).units
            services.order_place(
                user=user,
                product=bond_a,
                side="sell",
                units=str((units / 3).quantize(Decimal("0.01"))),
                now=at(TUESDAY),
            )
    return users


def _sorted(rows) -> list:
    return sorted(rows, key=repr)  # None among the values: compared as text


def _ranks(ids) -> dict[int, int]:
    return {pk: n for n, pk in enumerate(ids)}


def fingerprint() -> dict:
    """Everything the run wrote, keyed by what does not depend on which part committed first."""
    users = _ranks(CashAccount.objects.order_by("user_id").values_list("user_id", flat=True))
    products = _ranks(Product.objects.order_by("pk").values_list("pk", flat=True))
    orders = _ranks(Order.objects.order_by("pk").values_list("pk", flat=True))
    holding_key = {
        pk: (users[u], products[p])
        for pk, u, p in Holding.objects.values_list("pk", "user_id", "product_id")
    }
    return {
        "orders": _sorted(
            (orders[pk], *rest)
            for pk, *rest in Order.objects.values_list(
                "pk", "status", "amount", "units", "fee", "net_amount", "nav", "confirmed_on"
            )
        ),
        "holdings": _sorted(
            (holding_key[pk], *rest)
            for pk, *rest in Holding.objects.values_list(
                "pk", "units", "reserved", "cost", "income_through"
            )
        ),
        "lots": _sorted(
            (holding_key[h], orders.get(o), *rest)
            for h, o, *rest in Lot.objects.values_list(
                "holding_id",
                "order_id",
                "source",
                "acquired_on",
                "units",
                "units_remaining",
                "cost_remaining",
                "closed_on",
            )
        ),  # fmt: skip
        "cash": _sorted(
            (users[u], balance)
            for u, balance in CashAccount.objects.values_list("user_id", "balance")
        ),
        "cash_entries": _sorted(
            (users[u], kind, amount)
            for u, kind, amount in CashEntry.objects.values_list(
                "account__user_id", "kind", "amount"
            )
        ),
        "commission": _sorted(
            (kind, orders.get(o), holding_key.get(h), day, basis, rate, amount, carry)
            for kind, o, h, day, basis, rate, amount, carry in CommissionEntry.objects.values_list(
                "kind",
                "order_id",
                "holding_id",
                "accrual_date",
                "basis",
                "rate",
                "amount",
                "carry",
            )
        ),  # fmt: skip
        "stats": EndOfDayRun.objects.get(date=TUESDAY).stats,
    }


@pytest.fixture
def not_eager(settings):
    def switch() -> None:
        settings.CELERY_TASK_ALWAYS_EAGER = False
        celery_app.conf.task_always_eager = False

    yield switch
    celery_app.conf.task_always_eager = True


def test_two_worker_processes_give_the_serial_run_s_results_to_the_cent(tmp_path, not_eager):
    build()
    services.end_of_day(run_date=TUESDAY, batch_size=BATCH)
    serial = fingerprint()
    assert serial["stats"]["confirmed"] == INVESTORS
    assert serial["stats"]["settled"] == INVESTORS // 3
    assert serial["stats"]["trail_entries"] == 3 * INVESTORS
    assert serial["stats"]["income_holdings"] == INVESTORS

    call_command("flush", interactive=False, verbosity=0)
    build()
    not_eager()
    with start_workers(2, tmp_path) as workers:
        end_of_day_run.apply_async(args=[TUESDAY.isoformat(), BATCH], queue="end_of_day")
        finished = wait_for(
            lambda: EndOfDayRun.objects.filter(date=TUESDAY, finished_at__isnull=False).exists(),
            timeout=120,
        )
        logs = [worker.output() for worker in workers]
        assert finished, logs
        upfront = sum(1 for row in serial["commission"] if row[0] == "upfront")
        assert wait_for(
            lambda: (
                CommissionEntry.objects.filter(kind="upfront").count() == upfront
                and not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
            ),
            timeout=60,
        ), logs
    parallel = fingerprint()

    for key in serial:
        assert parallel[key] == serial[key], key
    parts = EndOfDayPart.objects.filter(run__date=TUESDAY)
    assert parts.filter(phase="confirm").count() > 2
    assert not parts.filter(done_at__isnull=True).exists()
    took = {worker.split("@")[0] for worker in parts.values_list("worker", flat=True)}
    assert took == {worker.name for worker in workers}, took
