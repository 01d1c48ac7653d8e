"""End of day split into parts (orders/services/end_of_day.py): one part per investor range and
phase, the next phase only once every part of this one is done, a part run again (a redelivery,
or a second run) changes nothing, and a part that fails leaves nothing half-written."""

import datetime as dt
import importlib
import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from marketplace.models import OutboxMessage
from orders import services
from orders.models import (
    CashEntry,
    CommissionEntry,
    EndOfDayPart,
    EndOfDayRun,
    Lot,
    Order,
    OrderEvent,
)
from products.models import DailyYield, FundType, NavPrice
from tests.factories import CommissionContractFactory, ProductFactory, investor_with_cash

pytestmark = pytest.mark.django_db
eod = importlib.import_module("orders.services.end_of_day")  # the module, not the function
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def day():
    """Four investors, each buying a bond fund and a money-market fund on Monday."""
    bond = ProductFactory()
    money = ProductFactory(fund_type=FundType.MONEY_MARKET, risk_level=1)
    for product in (bond, money):
        CommissionContractFactory(
            institution=product.institution,
            product_kind="fund",
            upfront_rate=Decimal("0.004"),
            trail_rate=Decimal("0.3"),
            valid_from=dt.date(2026, 1, 1),
        )
    NavPrice.objects.create(product=bond, date=MONDAY, nav=Decimal("1.0123"))
    DailyYield.objects.create(
        product=money, date=MONDAY, income_per_10k=Decimal("0.45"), seven_day_yield="0.0185"
    )
    now = dt.datetime.combine(MONDAY, dt.time(10), tzinfo=SHANGHAI)
    for n in range(4):
        user = investor_with_cash(cash="20000")
        for product in (bond, money):
            services.order_place(
                user=user, product=product, side="buy", amount=str(1000 + n), now=now
            )
    return bond, money


def written() -> tuple:
    return (
        sorted(Order.objects.values_list("pk", "status", "units", "fee")),
        OrderEvent.objects.count(),
        sorted(Lot.objects.values_list("order_id", "source", "units")),
        sorted(CashEntry.objects.values_list("account_id", "kind", "amount")),
        sorted(CommissionEntry.objects.values_list("kind", "order_id", "holding_id", "amount")),
    )


def test_a_run_is_split_by_investor_and_closes_with_its_parts_stats_summed(day):
    stats = services.end_of_day(run_date=MONDAY, batch_size=2)

    run = EndOfDayRun.objects.get(date=MONDAY)
    parts = list(run.parts.order_by("seq"))
    phases = [part.phase for part in parts]
    assert phases.count("confirm") == 4  # 8 orders, 2 a part
    assert phases.count("holdings") == 4  # 8 holdings
    assert phases.index("holdings") > max(i for i, p in enumerate(phases) if p == "confirm")
    assert all(part.done_at for part in parts)
    # the ranges cover every investor id, without overlap
    confirm = [p for p in parts if p.phase == "confirm"]
    assert confirm[0].first_user == 0
    assert confirm[-1].last_user == eod.LAST_USER
    assert all(a.last_user + 1 == b.first_user for a, b in zip(confirm, confirm[1:], strict=False))
    assert stats == run.stats
    assert stats["confirmed"] == 8
    assert stats["trail_entries"] == 8
    assert stats["confirmed"] == sum(p.stats.get("confirmed", 0) for p in parts)
    assert run.finished_at is not None
    assert OutboxMessage.objects.filter(task=eod.NOTICES_TASK).count() == 1


def test_the_next_phase_starts_only_when_every_part_of_this_one_is_done(day):
    run = eod.run_open(run_date=MONDAY, batch_size=2, dispatch=False)
    confirm = list(run.parts.filter(phase="confirm").order_by("seq"))
    for part in confirm[:-1]:
        assert services.end_of_day_part_run(part_id=part.pk, dispatch=False)
    assert not run.parts.exclude(phase="confirm").exists()

    assert services.end_of_day_part_run(part_id=confirm[-1].pk, dispatch=False)

    assert run.parts.exclude(phase="confirm").exists()
    assert not Order.objects.filter(status="pending").exists()


def test_a_part_run_again_changes_nothing(day):
    run = eod.run_open(run_date=MONDAY, batch_size=2, dispatch=False)
    first = run.parts.order_by("seq").first()
    assert services.end_of_day_part_run(part_id=first.pk, dispatch=False)
    before = written()

    assert not services.end_of_day_part_run(part_id=first.pk, dispatch=False)  # redelivered

    assert written() == before
    services.end_of_day(run_date=MONDAY, batch_size=2)  # the rest of the run
    done = written()
    for part in EndOfDayPart.objects.all():
        assert not services.end_of_day_part_run(part_id=part.pk, dispatch=False)
    assert written() == done
    assert EndOfDayRun.objects.get(date=MONDAY).attempt == 1


def test_a_second_run_of_the_date_is_a_new_attempt_that_adds_nothing(day):
    first = services.end_of_day(run_date=MONDAY, batch_size=2)
    done = written()

    again = services.end_of_day(run_date=MONDAY, batch_size=2)

    assert written() == done
    assert EndOfDayRun.objects.get(date=MONDAY).attempt == 2
    assert again.get("confirmed", 0) == 0
    assert first["confirmed"] == 8


def test_a_part_that_fails_writes_nothing_and_the_run_resumes(day, monkeypatch):
    accrue = eod.trail_accrue

    def dies_before_commit(**kwargs):
        accrue(**kwargs)  # its entries are written, then the worker is lost
        raise RuntimeError("worker lost")

    monkeypatch.setattr(eod, "trail_accrue", dies_before_commit)
    with pytest.raises(RuntimeError):
        services.end_of_day(run_date=MONDAY, batch_size=2)
    assert not CommissionEntry.objects.filter(kind="trail").exists()  # rolled back with it
    assert EndOfDayRun.objects.get(date=MONDAY).finished_at is None
    monkeypatch.undo()

    stats = services.end_of_day(run_date=MONDAY, batch_size=2)  # joins the unfinished attempt

    assert EndOfDayRun.objects.get(date=MONDAY).attempt == 1
    assert stats["confirmed"] == 8
    assert stats["trail_entries"] == 8
    assert CommissionEntry.objects.filter(kind="trail").count() == 8


def test_started_on_the_workers_each_part_is_handed_over_through_the_outbox(day, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    services.end_of_day_start(run_date=MONDAY, batch_size=2)

    handed = OutboxMessage.objects.filter(task=eod.PART_TASK)
    assert sorted(m.args[0] for m in handed) == sorted(
        EndOfDayPart.objects.filter(phase="confirm").values_list("pk", flat=True)
    )
    assert {m.queue for m in handed} == {"end_of_day"}
    # Started again while unfinished: the parts still to do are handed over again, no new run.
    services.end_of_day_start(run_date=MONDAY, batch_size=2)
    assert OutboxMessage.objects.filter(task=eod.PART_TASK).count() == 8
    assert EndOfDayRun.objects.get(date=MONDAY).attempt == 1


def test_the_sweep_splits_upfront_commission_into_id_ranges(day, settings):
    services.end_of_day(run_date=MONDAY)
    CommissionEntry.objects.filter(kind="upfront").delete()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    ids = sorted(Order.objects.values_list("pk", flat=True))

    assert services.commission_sweep(part_size=3) == len(range(ids[0], ids[-1] + 1, 3))

    messages = OutboxMessage.objects.filter(task="orders.tasks.commission_entries_write")
    ranges = sorted(m.args[:2] for m in messages if len(m.args) == 3)  # the sweep's
    assert ranges[0][0] == ids[0]
    assert ranges[-1][1] == ids[-1]
    for first, last in ranges:
        services.commission_entries_write(first_id=first, last_id=last)
    assert CommissionEntry.objects.filter(kind="upfront").count() == 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("runner", ["worker", "in this process"])
def test_a_part_at_work_leaves_the_run_row_to_the_other_parts(day, monkeypatch, runner):
    """A part locks its own row only: the run row is taken by a part for a moment at its end
    (to decide whether its phase is over). Locking the run row for the whole part, as the
    part's row ordered by its run's date once did, ran two workers' parts one at a time."""
    run = eod.run_open(run_date=MONDAY, batch_size=2, dispatch=False)
    first = EndOfDayPart.objects.filter(run=run).order_by("seq").first()
    at_work, done = threading.Event(), threading.Event()

    def part_stopped_midway(part, **kwargs):
        at_work.set()
        done.wait(30)
        raise RuntimeError("stopped")  # nothing of the part is kept

    monkeypatch.setattr(eod, "_part_do", part_stopped_midway)

    def run_part():
        try:
            if runner == "worker":
                eod.end_of_day_part_run(part_id=first.pk, dispatch=False)
            else:
                eod.end_of_day(run_date=MONDAY, batch_size=2)
        except RuntimeError:
            pass
        finally:
            connection.close()

    thread = threading.Thread(target=run_part)
    thread.start()
    try:
        assert at_work.wait(30)
        with transaction.atomic():
            locked = EndOfDayRun.objects.select_for_update(nowait=True).get(pk=run.pk)
        assert locked.attempt == run.attempt
    finally:
        done.set()
        thread.join(30)
