"""Two end-of-day runs of the pay date raced on real PostgreSQL: each holder is paid once."""

from decimal import Decimal

import pytest

from orders import services as orders
from orders.models import CashEntry, EntryKind, Holding, Lot, LotSource
from orders.plans.distributions.models import DistributionPayment, DistributionStatus, Election
from orders.plans.distributions.services.declaration import election_set
from orders.services.cash.reconcile import reconcile_cash
from products.models import NavPrice
from tests import factories
from tests.integration.test_races import race

from .conftest import EX, PAY

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_end_of_day_runs_of_the_pay_date_pay_each_holder_once(clock, fund, buy, approved):
    holders = [factories.investor_with_cash(cash="20000") for _ in range(6)]
    for n, user in enumerate(holders):
        buy(user)
        if n % 2:
            holding = Holding.objects.get(user=user, product=fund)
            election_set(holding=holding, actor=user, election=Election.REINVEST)
    distribution = approved()
    NavPrice.objects.create(product=fund, date=EX, nav=Decimal("1.0300"))
    clock.set(PAY, 20)

    results = race(
        [
            lambda: orders.end_of_day(run_date=PAY, batch_size=2),
            lambda: orders.end_of_day(run_date=PAY, batch_size=2),
        ]
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    # The second run joins the first (one run of the date, split into parts): both report it.
    assert [r.get("distribution_payments", 0) for r in results] == [6, 6]
    assert DistributionPayment.objects.count() == 6
    assert CashEntry.objects.filter(kind=EntryKind.DISTRIBUTION).count() == 6  # 3 + 3 remainders
    assert Lot.objects.filter(source=LotSource.REINVEST).count() == 3
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.PAID
    assert reconcile_cash() == []
