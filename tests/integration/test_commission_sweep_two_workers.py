"""The commission sweep split into id ranges, run by TWO real worker processes, writes exactly
the entries one unsplit ``commission_entries_write`` writes: every missed upfront (on the
amount or on the front-end fee) and every missed correction of a cancelled policy, once, to the
cent; and both workers took ranges.

The state: the upfront commission end of day hands to the outbox was lost for three days of
purchases (``enqueue`` of ``commission_entries_write`` dropped while they were confirmed),
which is what the sweep is the safety net for. The policies' own upfront was written when they
were bought the Monday before, so each cancellation's correction has its upfront to give
back whichever range comes first. Ranges of :data:`PART` order ids make ten or so tasks.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from institutions.models import UpfrontBasis
from marketplace.models import OutboxMessage
from orders import services
from orders.models import CashAccount, CommissionEntry, Holding, Order
from orders.services.confirmation import batch as confirmation
from products.models import NavPrice, Product, ProductKind
from tests.factories import CommissionContractFactory, ProductFactory, investor_with_cash
from tests.integration.processes import not_eager, start_workers
from tests.integration.test_worker_email import wait_for
from tests.orders.test_end_of_day import MONDAY, buy, sell

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
not_eager = not_eager  # the fixture
PART = 4
TASK = "orders.tasks.commission_entries_write"
DAYS = [MONDAY + dt.timedelta(days=n) for n in range(1, 4)]  # Tuesday to Thursday


def _contract(product, **fields):
    CommissionContractFactory(
        institution=product.institution,
        product_kind=product.kind,
        valid_from=dt.date(2026, 1, 1),
        **{"upfront_rate": Decimal("0.004"), "trail_rate": Decimal("0.3"), **fields},
    )


def build(monkeypatch) -> None:
    policy = ProductFactory(kind=ProductKind.INSURANCE, risk_level=1)
    _contract(policy, upfront_rate=Decimal("0.05"))
    policyholders = [investor_with_cash(cash="5000") for _ in range(3)]
    for user in policyholders:
        buy(user, policy, "1200")
    services.end_of_day(run_date=MONDAY)  # their upfront, through the outbox as usual

    on_amount, on_fee = ProductFactory(), ProductFactory()
    _contract(on_amount)
    _contract(on_fee, upfront_basis=UpfrontBasis.FRONT_FEE, upfront_rate=Decimal("0.25"))
    real = confirmation.enqueue

    def losing_commission(task, *args, **kwargs):
        if task != TASK:
            real(task, *args, **kwargs)

    monkeypatch.setattr(confirmation, "enqueue", losing_commission)
    buyers = [investor_with_cash(cash="60000") for _ in range(8)]
    for d, day in enumerate(DAYS):
        for product, nav in ((on_amount, "1.0123"), (on_fee, "2.3456")):
            NavPrice.objects.create(product=product, date=day, nav=Decimal(nav) + d)
        for n, user in enumerate(buyers):
            buy(user, on_amount, str(1000 + 37 * n + 11 * d), day=day)
            if n % 2 == d % 2:
                buy(user, on_fee, str(2500 + 13 * n + d), day=day)
        if day == DAYS[-1]:
            for user in policyholders[:2]:
                sell(user, policy, "1", day=day)
        services.end_of_day(run_date=day)
    monkeypatch.setattr(confirmation, "enqueue", real)


def _ranks(ids) -> dict[int, int]:
    return {pk: n for n, pk in enumerate(sorted(ids))}


def fingerprint() -> list:
    orders = _ranks(Order.objects.values_list("pk", flat=True))
    users = _ranks(CashAccount.objects.values_list("user_id", flat=True))
    products = _ranks(Product.objects.values_list("pk", flat=True))
    holdings = {
        pk: (users[u], products[p])
        for pk, u, p in Holding.objects.values_list("pk", "user_id", "product_id")
    }
    return sorted(
        (
            (kind, orders.get(o), holdings.get(h), day, basis, rate, amount, carry)
            for kind, o, h, day, basis, rate, amount, carry in CommissionEntry.objects.values_list(
                "kind", "order_id", "holding_id", "accrual_date", "basis", "rate", "amount", "carry"
            )
        ),
        key=repr,
    )


def test_two_worker_processes_sweep_the_missed_commission_as_one_unsplit_run_does(
    tmp_path, not_eager, monkeypatch
):
    build(monkeypatch)
    before = CommissionEntry.objects.count()
    written = services.commission_entries_write()
    serial = fingerprint()
    bought = Order.objects.filter(side="buy", kind=ProductKind.FUND).count()
    assert dict(written) == {"upfront": bought, "corrections": 2}
    assert len(serial) == before + bought + 2

    call_command("flush", interactive=False, verbosity=0)
    build(monkeypatch)
    not_eager()
    with start_workers(2, tmp_path) as workers:
        parts = services.commission_sweep(part_size=PART)
        done = wait_for(
            lambda: (
                CommissionEntry.objects.count() == len(serial)
                and not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
                and sum(len(worker.took(TASK)) for worker in workers) == parts
            ),
            timeout=90,
        )
        assert done, [worker.output()[-3000:] for worker in workers]
        took = [worker.took(TASK) for worker in workers]
    parallel = fingerprint()

    assert parallel == serial
    assert parts >= 10
    assert all(took), took  # both workers wrote ranges
    assert not took[0] & took[1]


def test_a_cancellation_s_range_swept_before_its_purchase_s_still_gets_its_correction(
    monkeypatch,
):
    """Two workers may take a sweep's ranges in any order: the range of a policy's
    cancellation before the range of its purchase, both missed. One unsplit run writes the
    purchase's upfront and then its correction; the split sweep must too (beat's next sweep
    an hour later finds it, but only within its three days)."""
    policy = ProductFactory(kind=ProductKind.INSURANCE, risk_level=1)
    _contract(policy, upfront_rate=Decimal("0.05"))
    monkeypatch.setattr(confirmation, "enqueue", lambda *args, **kwargs: None)  # both lost
    user = investor_with_cash(cash="5000")
    bought = buy(user, policy, "1200")
    services.end_of_day(run_date=MONDAY)
    cancel = sell(user, policy, "1", day=DAYS[-1])
    services.end_of_day(run_date=DAYS[-1])

    services.commission_entries_write(first_id=cancel.pk, last_id=cancel.pk)
    services.commission_entries_write(first_id=bought.pk, last_id=bought.pk)

    entries = sorted(CommissionEntry.objects.values_list("kind", "amount"))
    assert entries == [("correction", Decimal("-60.00")), ("upfront", Decimal("60.00"))]
