"""A NAV correction of a distribution's ex-date re-prices the units it reinvested at that NAV,
as it re-prices a buy: the money reinvested stays, the lot's units change (units already sold
are settled in cash), the payment shows the lot's units and NAV, the investor is told, and the
ledger still reconciles."""

import datetime as dt
from decimal import Decimal

import pytest

from orders import services as orders
from orders.campaigns.models import InboxMessage, Topic
from orders.models import EntryKind, Holding, Lot, LotSource, MovementKind
from orders.plans.distributions.models import DistributionPayment, Election
from orders.plans.distributions.services.declaration import election_set
from orders.services.cash.reconcile import reconcile_cash
from products.models import NavPrice
from tests import factories

from .conftest import EX, PAY

pytestmark = pytest.mark.django_db


def _correct(fund, new_nav):
    correction = orders.nav_correction_request(
        product=fund,
        date=EX,
        new_nav=new_nav,
        reason="Custodian repriced a bond.",
        actor=factories.StaffFactory(),
    )
    return orders.nav_correction_approve(correction=correction, actor=factories.StaffFactory())


@pytest.fixture
def reinvested(holder, fund, approved, pay_day):
    election_set(
        holding=Holding.objects.get(user=holder, product=fund), actor=holder, election="reinvest"
    )
    approved()
    pay_day(nav="1.0300")  # 123.00: 119.41 units costing 122.99, 0.01 in cash
    return DistributionPayment.objects.get(election=Election.REINVEST)


def test_a_lower_ex_date_nav_gives_the_reinvested_lot_more_units_for_the_same_money(
    holder, fund, reinvested
):
    correction = _correct(fund, "1.0000")
    lot = Lot.objects.get(source=LotSource.REINVEST)
    assert (lot.units, lot.units_remaining, lot.cost_remaining) == (
        Decimal("122.99"),
        Decimal("122.99"),
        Decimal("122.99"),  # the money reinvested, unchanged
    )
    assert lot.movements.get().kind == MovementKind.CORRECTION_ADD
    holding = Holding.objects.get(user=holder, product=fund)
    assert holding.units == Decimal("10122.99")
    assert holding.cost == Decimal("10150.00") + Decimal("122.99")
    reinvested.refresh_from_db()
    assert (reinvested.units, reinvested.nav, reinvested.reinvested, reinvested.cash) == (
        Decimal("122.99"),
        Decimal("1.0000"),
        Decimal("122.99"),
        Decimal("0.01"),
    )
    line = correction.lines.get()
    assert (line.lot, line.order, line.old_units, line.new_units) == (
        lot,
        None,
        Decimal("119.41"),
        Decimal("122.99"),
    )
    notice = InboxMessage.objects.get(
        topic=Topic.DISTRIBUTION_PAID, subject_key__startswith="navcorrection:"
    )
    assert notice.user == holder
    assert "122.99" in notice.body
    assert reconcile_cash() == []


def test_a_higher_nav_takes_back_units_and_settles_those_already_sold_in_cash(
    holder, fund, reinvested, clock
):
    # Everything is sold the Monday after: the reinvested lot is empty when the NAV is corrected.
    monday = PAY + dt.timedelta(days=3)
    clock.set(monday, 10)
    sale, _ = orders.order_place(user=holder, product=fund, side="sell", units="10119.41")
    NavPrice.objects.create(product=fund, date=monday, nav=Decimal("1.0300"))
    clock.set(monday, 20)
    orders.end_of_day(run_date=monday)
    assert Lot.objects.get(source=LotSource.REINVEST).units_remaining == 0
    holder.cash_account.refresh_from_db()
    before = holder.cash_account.balance
    _correct(fund, "1.1000")
    # 122.99 / 1.1000 = 111.8090…: 111.80 units, 7.61 fewer, none left to take: 8.37 in cash.
    lot = Lot.objects.get(source=LotSource.REINVEST)
    assert lot.units == Decimal("119.41")
    holder.cash_account.refresh_from_db()
    assert holder.cash_account.balance == before - Decimal("8.37")
    assert holder.cash_account.entries.filter(kind=EntryKind.CORRECTION).count() == 1
    reinvested.refresh_from_db()
    assert reinvested.units == Decimal("111.80")
    assert reconcile_cash() == []
