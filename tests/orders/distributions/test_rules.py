"""The rules of declaring, reviewing and paying distributions (orders/distributions)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from institutions.models import Role
from orders import services as orders
from orders.models import CashEntry, EntryKind, Holding, Lot, LotSource
from orders.plans.distributions import selectors
from orders.plans.distributions.models import (
    Distribution,
    DistributionEvent,
    DistributionPayment,
    DistributionStatus,
    Election,
)
from orders.plans.distributions.services.declaration import (
    distribution_approve,
    distribution_declare,
    distribution_reject,
    election_set,
)
from orders.selectors import portfolio_for
from orders.services.cash.reconcile import reconcile_cash
from products.models import FundType, NavPrice
from tests import factories

from .conftest import EX, MONDAY, PAY, RECORD

pytestmark = pytest.mark.django_db


def _code(exc_info, field):
    return exc_info.value.error_dict[field][0].code


# --- declaration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "field", "code"),
    [
        ((MONDAY, EX, PAY), "record_date", "record_date_not_future"),
        ((MONDAY - dt.timedelta(days=3), EX, PAY), "record_date", "record_date_not_future"),
        ((EX, RECORD, PAY), "ex_date", "ex_before_record"),
        ((RECORD, PAY, EX), "pay_date", "pay_before_ex"),
    ],
)
def test_dates_must_be_in_order_and_the_record_date_after_today(
    holder, declare, dates, field, code
):
    record, ex, pay = dates
    with pytest.raises(ValidationError) as exc_info:
        declare(record_date=record, ex_date=ex, pay_date=pay)
    assert _code(exc_info, field) == code
    assert not Distribution.objects.exists()


def test_record_ex_and_pay_may_be_one_day(holder, declare):
    distribution = declare(record_date=RECORD, ex_date=RECORD, pay_date=RECORD)
    assert distribution.status == DistributionStatus.PENDING_REVIEW


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("0", "amount_not_positive"),
        ("-0.01", "amount_not_positive"),
        ("0.00001", "amount_too_precise"),
        ("abc", "not_a_number"),
        ("NaN", "not_a_number"),
        ("Infinity", "not_a_number"),
        ("1e10", "amount_too_large"),
    ],
)
def test_amount_per_unit_is_positive_with_at_most_four_decimals(holder, declare, amount, code):
    with pytest.raises(ValidationError) as exc_info:
        declare(amount_per_unit=amount)
    assert _code(exc_info, "amount_per_unit") == code
    assert not Distribution.objects.exists()


def test_four_decimals_are_kept(holder, declare):
    assert declare(amount_per_unit="0.1234").amount_per_unit == Decimal("0.1234")


def test_money_market_funds_and_other_kinds_declare_none(editor, fund, clock):
    money_market = factories.ProductFactory(
        institution=fund.institution, fund_type=FundType.MONEY_MARKET
    )
    with pytest.raises(ValidationError) as exc_info:
        distribution_declare(
            institution=fund.institution,
            product=money_market,
            actor=editor,
            amount_per_unit="0.01",
            record_date=RECORD,
            ex_date=EX,
            pay_date=PAY,
        )
    assert _code(exc_info, "product") == "not_a_fund"


def test_an_analyst_or_another_institution_cannot_declare(fund, declare):
    analyst = factories.MembershipFactory(institution=fund.institution, role=Role.ANALYST).user
    with pytest.raises(PermissionDenied):
        declare(actor=analyst)
    other = factories.MembershipFactory().institution
    with pytest.raises(PermissionDenied):
        declare(institution=other)
    assert not Distribution.objects.exists()


def test_one_distribution_per_record_date(declare):
    declare()
    with pytest.raises(ValidationError) as exc_info:
        declare(amount_per_unit="0.5")
    assert _code(exc_info, "record_date") == "already_declared"


# --- review -----------------------------------------------------------------------------------


def test_a_declaration_waits_for_review_and_is_not_paid_until_approved(holder, declare, pay_day):
    distribution = declare()
    pay_day()
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.PENDING_REVIEW
    assert not DistributionPayment.objects.exists()


def test_only_staff_and_not_the_declarer_approve(declare, editor, fund):
    distribution = declare()
    with pytest.raises(PermissionDenied):
        distribution_approve(distribution=distribution, actor=editor)
    # A member of staff who is also the institution's editor cannot approve their own.
    staff_member = factories.StaffFactory()
    factories.MembershipFactory(user=staff_member, institution=fund.institution)
    week = dt.timedelta(days=7)
    own = declare(
        record_date=RECORD + week, ex_date=EX + week, pay_date=PAY + week, actor=staff_member
    )
    with pytest.raises(PermissionDenied):
        distribution_approve(distribution=own, actor=staff_member)
    distribution.refresh_from_db()
    own.refresh_from_db()
    assert distribution.status == own.status == DistributionStatus.PENDING_REVIEW


def test_approval_is_audited_and_cannot_repeat(declare, staff):
    distribution = distribution_approve(distribution=declare(), actor=staff)
    assert distribution.status == DistributionStatus.APPROVED
    assert distribution.reviewed_by == staff
    moves = list(DistributionEvent.objects.values_list("from_status", "to_status", "actor"))
    assert moves[-1] == ("pending_review", "approved", staff.pk)
    with pytest.raises(ValidationError) as exc_info:
        distribution_reject(distribution=distribution, actor=staff, reason="No.")
    assert exc_info.value.code == "illegal_distribution_move"


def test_rejection_needs_a_reason(declare, staff):
    distribution = declare()
    with pytest.raises(ValidationError) as exc_info:
        distribution_reject(distribution=distribution, actor=staff, reason="  ")
    assert _code(exc_info, "reason") == "reason_required"
    distribution = distribution_reject(
        distribution=distribution, actor=staff, reason="The amount is wrong."
    )
    assert (distribution.status, distribution.reason) == ("rejected", "The amount is wrong.")
    assert DistributionEvent.objects.filter(to_status="rejected", actor=staff).exists()


def test_approval_after_the_record_date_is_refused(declare, staff, clock):
    distribution = declare()
    clock.set(RECORD + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as exc_info:
        distribution_approve(distribution=distribution, actor=staff)
    assert _code(exc_info, "reason") == "record_date_passed"


# --- payment ----------------------------------------------------------------------------------


def _holding(user, fund):
    return Holding.objects.get(user=user, product=fund)


def test_cash_is_paid_to_the_cent_into_the_cash_account(holder, fund, approved, pay_day):
    approved()
    before = holder.cash_account.balance
    stats = pay_day()
    entry = CashEntry.objects.get(kind=EntryKind.DISTRIBUTION)
    assert entry.amount == Decimal("123.00")  # 10,000.00 units × 0.0123
    holder.cash_account.refresh_from_db()
    assert holder.cash_account.balance == before + Decimal("123.00")
    payment = DistributionPayment.objects.get()
    assert (payment.election, payment.units_of_record, payment.gross, payment.cash) == (
        Election.CASH,
        Decimal("10000.00"),
        Decimal("123.00"),
        Decimal("123.00"),
    )
    assert stats["distribution_payments"] == 1
    assert Distribution.objects.get().status == DistributionStatus.PAID
    assert reconcile_cash() == []


def test_each_holders_amount_is_rounded_down_to_the_fen(fund, buy, approved, pay_day):
    user = factories.investor_with_cash(cash="20000")
    buy(user, amount="3383.33")  # 3,333.33 units after the 1.5% fee
    assert _holding(user, fund).units == Decimal("3333.33")
    approved()
    pay_day()
    # 3,333.33 × 0.0123 = 40.999959: 40.99, never 41.00.
    assert DistributionPayment.objects.get().gross == Decimal("40.99")


def test_reinvest_buys_units_at_the_ex_date_nav_rounded_down_in_a_lot_of_their_own(
    holder, fund, approved, pay_day
):
    holding = _holding(holder, fund)
    election_set(holding=holding, actor=holder, election=Election.REINVEST)
    approved()
    balance = holder.cash_account.balance
    pay_day(nav="1.0300")
    payment = DistributionPayment.objects.get()
    # 123.00 / 1.0300 = 119.4174…: 119.41 units, costing 119.41 × 1.03 = 122.9923 → 122.99;
    # the 0.01 the rounding left is paid in cash.
    assert (payment.units, payment.nav, payment.reinvested, payment.cash) == (
        Decimal("119.41"),
        Decimal("1.0300"),
        Decimal("122.99"),
        Decimal("0.01"),
    )
    lot = payment.lot
    assert (lot.source, lot.acquired_on, lot.units, lot.cost_remaining, lot.order) == (
        LotSource.REINVEST,
        EX,
        Decimal("119.41"),
        Decimal("122.99"),
        None,
    )
    holding.refresh_from_db()
    assert holding.units == Decimal("10119.41")
    assert holding.cost == Decimal("10150.00") + Decimal("122.99")
    holder.cash_account.refresh_from_db()
    assert holder.cash_account.balance == balance + Decimal("0.01")
    assert NavPrice.objects.get(product=fund, date=EX).priced_at is not None
    assert reconcile_cash() == []


def test_reinvesting_waits_for_the_ex_date_nav_while_cash_is_paid(fund, buy, approved, pay_day):
    cash_holder, reinvester = (factories.investor_with_cash(cash="20000") for _ in range(2))
    buy(cash_holder)
    buy(reinvester)
    election_set(holding=_holding(reinvester, fund), actor=reinvester, election=Election.REINVEST)
    distribution = approved()
    stats = pay_day(nav=None)
    assert list(DistributionPayment.objects.values_list("election", flat=True)) == ["cash"]
    assert stats["distribution_waiting_for_nav"] == 1
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.APPROVED
    # The NAV arrives; the next run reinvests, and pays the cash holder nothing again.
    pay_day(nav="1.0300", day=PAY + dt.timedelta(days=3))
    assert DistributionPayment.objects.count() == 2
    assert CashEntry.objects.filter(kind=EntryKind.DISTRIBUTION).count() == 2  # cash + remainder
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.PAID


def test_running_end_of_day_again_pays_nothing_twice(holder, approved, pay_day, clock):
    approved()
    pay_day()
    again = pay_day()
    assert DistributionPayment.objects.count() == 1
    assert CashEntry.objects.filter(kind=EntryKind.DISTRIBUTION).count() == 1
    assert again.get("distribution_payments", 0) == 0
    # Even with the distribution still approved (a run that died before marking it paid).
    Distribution.objects.update(status=DistributionStatus.APPROVED, paid_on=None)
    orders.end_of_day(run_date=PAY)
    assert DistributionPayment.objects.count() == 1
    assert reconcile_cash() == []


def test_holders_of_record_are_those_at_the_end_of_the_record_date(fund, buy, approved, pay_day):
    early, late, on_record = (factories.investor_with_cash(cash="20000") for _ in range(3))
    buy(early)
    distribution = approved()
    buy(on_record, on=RECORD)  # traded on the record date: a holder of record
    buy(late, on=EX)  # bought after the record date: not a holder of record
    pay_day()
    paid = dict(DistributionPayment.objects.values_list("holding__user", "units_of_record"))
    assert paid == {early.pk: Decimal("10000.00"), on_record.pk: Decimal("10000.00")}
    assert distribution.payments.count() == 2


def test_a_purchase_of_record_unconfirmed_on_the_pay_date_is_paid_once_confirmed(
    fund, holder, buy, approved, pay_day, clock
):
    """Traded on the record date, its NAV late: the buyers are holders of record all the same.
    They wait, every unit of record included, and the distribution stays approved until then."""
    newcomer = factories.investor_with_cash(cash="20000")
    distribution = approved()
    for user in (holder, newcomer):  # the holder's second purchase, the newcomer's first
        clock.set(RECORD, 10)
        orders.order_place(user=user, product=fund, side="buy", amount="5075")
    clock.set(RECORD, 20)
    orders.end_of_day(run_date=RECORD)  # no NAV for the record date yet: both stay pending
    stats = pay_day()
    assert stats["distribution_waiting_for_confirmation"] == 1
    assert not DistributionPayment.objects.exists()
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.APPROVED
    # The record date's NAV arrives; the next end of day confirms both purchases and pays.
    NavPrice.objects.create(product=fund, date=RECORD, nav=Decimal(1))
    pay_day(day=PAY + dt.timedelta(days=3))
    paid = dict(DistributionPayment.objects.values_list("holding__user", "units_of_record"))
    assert paid == {holder.pk: Decimal("15000.00"), newcomer.pk: Decimal("5000.00")}
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.PAID
    assert reconcile_cash() == []


def _sell(user, fund, units, clock, day):
    clock.set(day, 10)
    order, _ = orders.order_place(user=user, product=fund, side="sell", units=units)
    NavPrice.objects.get_or_create(product=fund, date=order.trade_date, defaults={"nav": 1})
    clock.set(order.trade_date, 20)
    orders.end_of_day(run_date=order.trade_date)
    return order


def test_units_sold_after_the_record_date_are_still_paid_and_those_sold_on_it_are_not(
    fund, buy, approved, pay_day, clock
):
    seller_after, seller_on = (factories.investor_with_cash(cash="20000") for _ in range(2))
    buy(seller_after)
    buy(seller_on)
    approved()
    _sell(seller_on, fund, "4000", clock, RECORD)
    _sell(seller_after, fund, "10000", clock, EX)  # sold out after the record date
    pay_day()
    paid = dict(DistributionPayment.objects.values_list("holding__user", "gross"))
    assert paid == {seller_after.pk: Decimal("123.00"), seller_on.pk: Decimal("73.80")}
    assert reconcile_cash() == []


# --- elections --------------------------------------------------------------------------------


def test_cash_is_the_default_election(holder, fund):
    assert selectors.current_election(holding=_holding(holder, fund)) == Election.CASH


def test_an_election_changed_after_the_record_date_applies_from_the_next_distribution(
    holder, fund, approved, pay_day, clock
):
    holding = _holding(holder, fund)
    approved()
    clock.set(EX, 10)  # after the record date
    election_set(holding=holding, actor=holder, election=Election.REINVEST)
    assert selectors.current_election(holding=holding) == Election.REINVEST
    pay_day()
    assert DistributionPayment.objects.get().election == Election.CASH
    assert not Lot.objects.filter(source=LotSource.REINVEST).exists()


def test_an_election_made_on_the_record_date_counts(holder, fund, approved, pay_day, clock):
    approved()
    clock.set(RECORD, 14)
    election_set(holding=_holding(holder, fund), actor=holder, election="reinvest")
    pay_day()
    assert DistributionPayment.objects.get().election == Election.REINVEST


def test_a_bad_election_is_refused(holder, fund):
    with pytest.raises(ValidationError) as exc_info:
        election_set(holding=_holding(holder, fund), actor=holder, election="units")
    assert _code(exc_info, "election") == "invalid_election"


# --- P&L --------------------------------------------------------------------------------------


def _position(user, fund):
    return next(p for p in portfolio_for(user=user).positions if p.product == fund)


def _nav_now(fund, day, nav):
    NavPrice.objects.update_or_create(product=fund, date=day, defaults={"nav": Decimal(nav)})
    fund.latest_nav, fund.latest_nav_date = Decimal(nav), day
    fund.save(update_fields=["latest_nav", "latest_nav_date"])


def test_a_cash_distribution_counts_as_return(holder, fund, approved, pay_day):
    approved()
    pay_day(nav="0.9877")
    _nav_now(fund, EX, "0.9877")  # the NAV fell by the distribution on the ex-date
    position = _position(holder, fund)
    assert position.distributions == Decimal("123.00")
    # 10,000 × 0.9877 = 9,877.00 value, cost 10,150.00, 123.00 received.
    assert position.pnl == Decimal("9877.00") - Decimal("10150.00") + Decimal("123.00")
    assert portfolio_for(user=holder).pnl == position.pnl


def test_a_reinvested_distribution_never_shows_as_a_loss(holder, fund, approved, pay_day):
    _nav_now(fund, MONDAY, "1.0000")
    before = _position(holder, fund).pnl
    election_set(holding=_holding(holder, fund), actor=holder, election="reinvest")
    approved(amount_per_unit="0.0500")
    pay_day(nav="0.9500")
    _nav_now(fund, EX, "0.9500")  # 1.0000 less the 0.0500 distributed
    position = _position(holder, fund)
    # 500.00 reinvested: 526.31 units at 0.9500 cost 499.99, 0.01 paid in cash.
    payment = DistributionPayment.objects.get()
    assert (payment.units, payment.reinvested, payment.cash) == (
        Decimal("526.31"),
        Decimal("499.99"),
        Decimal("0.01"),
    )
    reinvested = next(v.lot for v in position.lots if v.lot.source == LotSource.REINVEST)
    assert round(reinvested.units * Decimal("0.9500"), 2) >= reinvested.cost_remaining
    # The holder is exactly as well off as before the distribution (plus the 0.01 of cash).
    assert position.pnl == before
    assert position.distributions == Decimal("500.00")


def test_each_holder_gets_one_inbox_notice_of_the_payment(holder, fund, approved, pay_day):
    from orders.campaigns.models import InboxMessage, Topic

    approved()
    pay_day()
    pay_day()  # a rerun posts nothing again
    notice = InboxMessage.objects.get(topic=Topic.DISTRIBUTION_PAID)
    assert notice.user == holder
    assert "123.00" in notice.body
    assert notice.link == f"/me/portfolio/{fund.slug}/distributions/"
