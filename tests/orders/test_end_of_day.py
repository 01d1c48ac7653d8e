"""End of day: confirmation at NAV(T) with DESIGN §4's formulas, FIFO redemptions,
money-market income and instant redemptions, savings maturity and early withdrawal, insurance
cancellation in the cooling-off period, and a second run that changes nothing."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from orders import services
from orders.models import CashEntry, Holding, Lot, LotMovement, Order, OrderEvent
from products.models import DailyYield, FeeSchedule, FeeTier, FundType, NavPrice, ProductKind
from tests.factories import ProductFactory, investor_with_cash

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 11, 23)
TUESDAY = dt.date(2026, 11, 24)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def buy(user, product, amount, day=MONDAY, **kwargs):
    order, _ = services.order_place(
        user=user, product=product, side="buy", amount=amount, now=at(day), **kwargs
    )
    return order


def sell(user, product, units, day=MONDAY, hour=10):
    order, _ = services.order_place(
        user=user, product=product, side="sell", units=units, now=at(day, hour)
    )
    return order


def today_is(monkeypatch, day: dt.date) -> None:
    """Move the clock to the evening of ``day`` (end of day refuses dates in the future)."""
    moment = at(day, 22)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


def nav(product, day, value):
    NavPrice.objects.create(product=product, date=day, nav=Decimal(value))


def balance(user) -> Decimal:
    return services.cash_account_for(user=user).balance


def state() -> list:
    """Everything end of day writes, to compare two runs."""
    return [
        list(Order.objects.order_by("pk").values()),
        list(OrderEvent.objects.order_by("pk").values_list("order", "to_status")),
        list(Lot.objects.order_by("pk").values()),
        list(LotMovement.objects.order_by("pk").values()),
        list(Holding.objects.order_by("pk").values("units", "reserved", "cost")),
        list(CashEntry.objects.order_by("pk").values_list("account", "kind", "amount")),
    ]


def flat_rate_fund(subscription="0.006", **kwargs):
    """A fund charging one subscription rate (DESIGN's worked example uses 0.6%)."""
    product = ProductFactory(**kwargs)
    FeeTier.objects.filter(product=product, schedule=FeeSchedule.SUBSCRIPTION).delete()
    FeeTier.objects.create(
        product=product, schedule=FeeSchedule.SUBSCRIPTION, lower=0, rate=Decimal(subscription)
    )
    return product


# --- subscriptions ---------------------------------------------------------------------------


def test_subscription_confirms_at_nav_of_its_trade_date_with_the_worked_example():
    user, product = investor_with_cash(cash="20000"), flat_rate_fund()
    order = buy(user, product, "10000")
    nav(product, MONDAY, "1.2345")
    nav(product, TUESDAY, "1.5000")  # a later NAV never prices it

    stats = services.end_of_day(run_date=TUESDAY)

    order.refresh_from_db()
    assert stats["confirmed"] == 1
    assert (order.status, order.fee, order.net_amount, order.nav) == (
        "confirmed",
        Decimal("59.64"),
        Decimal("9940.36"),
        Decimal("1.2345"),
    )
    # 9940.36 / 1.2345 = 8052.1344… → rounded down
    assert order.units == Decimal("8052.13")
    assert order.units * order.nav + order.fee <= order.amount
    holding = Holding.objects.get(user=user, product=product)
    assert (holding.units, holding.cost) == (Decimal("8052.13"), Decimal("10000"))
    lot = Lot.objects.get(order=order)
    assert (lot.acquired_on, lot.units_remaining) == (MONDAY, Decimal("8052.13"))
    assert order.events.last().to_status == "confirmed"


def test_without_nav_of_the_trade_date_the_order_stays_pending_until_it_arrives():
    user, product = investor_with_cash(), flat_rate_fund()
    order = buy(user, product, "1000")
    nav(product, TUESDAY, "1.1000")  # NAV(T+1) exists, NAV(T) does not

    stats = services.end_of_day(run_date=TUESDAY)
    order.refresh_from_db()
    assert (order.status, order.units, stats["waiting_for_nav"]) == ("pending", None, 1)

    nav(product, MONDAY, "1.0000")
    services.end_of_day(run_date=dt.date(2026, 11, 25))
    order.refresh_from_db()
    assert (order.status, order.nav) == ("confirmed", Decimal("1.0000"))


def test_orders_of_a_later_trade_date_wait_for_their_day():
    user, product = investor_with_cash(), flat_rate_fund()
    order = buy(user, product, "1000", day=TUESDAY)
    nav(product, TUESDAY, "1.0000")
    services.end_of_day(run_date=MONDAY)
    order.refresh_from_db()
    assert order.status == "pending"


def test_running_end_of_day_twice_changes_nothing_the_second_time():
    user, product = investor_with_cash(cash="50000"), flat_rate_fund()
    mmf = ProductFactory(fund_type=FundType.MONEY_MARKET, risk_level=1)
    savings = ProductFactory(kind=ProductKind.SAVINGS, risk_level=1)
    buy(user, product, "1000")
    buy(user, mmf, "20000")
    buy(user, savings, "5000")
    nav(product, MONDAY, "1.0500")
    services.end_of_day(run_date=MONDAY)
    sell(user, product, "100", day=TUESDAY)
    nav(product, TUESDAY, "1.0600")

    services.end_of_day(run_date=TUESDAY)
    first = state()
    again = services.end_of_day(run_date=TUESDAY)

    assert state() == first
    assert not again.get("confirmed")
    assert not again.get("settled")
    assert not again.get("income_holdings")
    assert services.reconcile_cash() == []


def test_end_of_day_command_takes_a_date_and_reports():
    user, product = investor_with_cash(), flat_rate_fund()
    buy(user, product, "1000")
    nav(product, MONDAY, "1.0000")
    from io import StringIO

    out = StringIO()
    call_command("end_of_day", "--date", "2026-11-23", stdout=out)
    assert "confirmed 1" in out.getvalue()
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("end_of_day", "--date", "23/11/2026")


# --- redemptions -------------------------------------------------------------------------------


def test_redemption_spans_lots_oldest_first_each_at_its_own_rate():
    user, product = investor_with_cash(cash="100000"), ProductFactory()
    old_day, recent_day = dt.date(2025, 10, 1), dt.date(2026, 11, 16)  # 418 and 8 days held
    buy(user, product, "10000", day=old_day)
    buy(user, product, "10000", day=recent_day)
    nav(product, old_day, "1.0000")
    nav(product, recent_day, "1.0000")
    services.end_of_day(run_date=recent_day)
    lots = list(Lot.objects.filter(holding__user=user).order_by("acquired_on"))
    first_units = lots[0].units  # 9852.21 (10000 / 1.015)

    order = sell(user, product, "12000")  # all of the first lot, 2147.79 of the second
    nav(product, MONDAY, "1.2000")
    services.end_of_day(run_date=MONDAY)
    order.refresh_from_db()

    old_part, recent_part = first_units, Decimal("12000") - first_units
    old_fee = (old_part * Decimal("1.2") * Decimal("0.0025")).quantize(Decimal("0.01"))
    recent_fee = (recent_part * Decimal("1.2") * Decimal("0.0075")).quantize(Decimal("0.01"))
    assert order.status == "settled"
    assert order.gross_amount == Decimal("14400.00")
    assert order.fee == old_fee + recent_fee
    assert order.amount == Decimal("14400.00") - old_fee - recent_fee
    moves = list(order.lot_movements.order_by("lot__acquired_on"))
    assert [(m.units, m.days_held, m.fee_rate) for m in moves] == [
        (old_part, 418, Decimal("0.0025")),
        (recent_part, 7, Decimal("0.0075")),
    ]
    assert sum(m.fee for m in moves) == order.fee
    holding = Holding.objects.get(user=user, product=product)
    assert holding.units == sum(lot.units for lot in lots) - Decimal("12000")
    assert holding.reserved == 0
    assert holding.units == sum(
        Lot.objects.filter(holding=holding).values_list("units_remaining", flat=True)
    )
    assert (
        CashEntry.objects.get(reference=f"order:{order.pk}", kind="redemption").amount
        == order.amount
    )
    assert services.reconcile_cash() == []


def test_cannot_sell_more_than_held_and_not_already_being_sold():
    user, product = investor_with_cash(), ProductFactory()
    buy(user, product, "1000")
    nav(product, MONDAY, "1.0000")
    services.end_of_day(run_date=MONDAY)
    held = Holding.objects.get(user=user).units  # 985.22
    sell(user, product, "900", day=TUESDAY)
    with pytest.raises(ValidationError) as err:
        sell(user, product, "100", day=TUESDAY)
    assert "at most 85.22" in err.value.message_dict["units"][0]
    assert held == Decimal("985.22")
    with pytest.raises(ValidationError) as err:
        sell(investor_with_cash(), product, "1")
    assert err.value.message_dict == {"product": [services.NOT_HELD]}


def test_cancelling_a_sell_releases_its_units(confirmed_order):
    user, product = confirmed_order.user, confirmed_order.product
    order = sell(user, product, "500", day=TUESDAY)
    assert Holding.objects.get(user=user).reserved == Decimal("500")
    services.order_cancel(order=order, actor=user, now=at(TUESDAY, 11))
    assert Holding.objects.get(user=user).reserved == 0


@pytest.mark.parametrize("units", ["0", "-1", "1.001", "abc", "1e400", "", "NaN"])
def test_bad_units_are_refused_and_save_nothing(units):
    user, product = investor_with_cash(), ProductFactory()
    buy(user, product, "1000")
    nav(product, MONDAY, "1.0000")
    services.end_of_day(run_date=MONDAY)
    before = Order.objects.count()
    with pytest.raises(ValidationError) as err:
        sell(user, product, units, day=TUESDAY)
    assert "units" in err.value.message_dict
    assert Order.objects.count() == before


# --- money-market funds ------------------------------------------------------------------------


def test_money_market_buys_at_one_and_earns_daily_income_as_units_once_a_day():
    user = investor_with_cash(cash="20000")
    mmf = ProductFactory(fund_type=FundType.MONEY_MARKET, risk_level=1)
    buy(user, mmf, "20000")
    services.end_of_day(run_date=MONDAY)  # confirms at 1.0000, no NAV upload needed
    holding = Holding.objects.get(user=user, product=mmf)
    assert holding.units == Decimal("20000")
    DailyYield.objects.create(
        product=mmf, date=TUESDAY, income_per_10k=Decimal("0.65"), seven_day_yield="0.0240"
    )

    services.end_of_day(run_date=TUESDAY)
    services.end_of_day(run_date=TUESDAY)
    holding.refresh_from_db()
    assert holding.units == Decimal("20001.30")
    assert Lot.objects.filter(holding=holding, source="income").count() == 1


def test_money_market_redemption_up_to_ten_thousand_a_day_is_instant():
    user = investor_with_cash(cash="30000")
    mmf = ProductFactory(fund_type=FundType.MONEY_MARKET, risk_level=1)
    buy(user, mmf, "30000")
    services.end_of_day(run_date=MONDAY)
    cash_before = balance(user)

    first = sell(user, mmf, "6000", day=TUESDAY)
    assert (first.status, first.instant, first.amount) == ("settled", True, Decimal("6000.00"))
    assert balance(user) == cash_before + Decimal("6000")
    second = sell(user, mmf, "5000", day=TUESDAY)  # 11,000 today: above the instant limit
    assert (second.status, second.instant) == ("pending", False)
    assert second.trade_date == TUESDAY
    services.end_of_day(run_date=TUESDAY)
    second.refresh_from_db()
    assert second.status == "settled"
    assert services.reconcile_cash() == []


# --- savings and insurance ------------------------------------------------------------------------


def test_savings_deposit_confirms_next_run_and_pays_interest_at_maturity(monkeypatch):
    user = investor_with_cash(cash="10000")
    savings = ProductFactory(kind=ProductKind.SAVINGS, risk_level=1)  # 12 months at 2.1%
    order = buy(user, savings, "10000")
    services.end_of_day(run_date=MONDAY)
    order.refresh_from_db()
    lot = Lot.objects.get(order=order)
    assert (order.status, lot.matures_on) == ("confirmed", dt.date(2027, 11, 23))

    today_is(monkeypatch, dt.date(2027, 11, 23))
    services.end_of_day(run_date=dt.date(2027, 11, 22))
    assert balance(user) == 0
    services.end_of_day(run_date=dt.date(2027, 11, 23))
    assert balance(user) == Decimal("10210.00")
    assert Holding.objects.get(user=user).units == 0
    assert services.reconcile_cash() == []


def test_early_savings_withdrawal_pays_the_early_rate_for_the_days_held(monkeypatch):
    user = investor_with_cash(cash="10000")
    savings = ProductFactory(kind=ProductKind.SAVINGS, risk_level=1)  # early rate 0.2%
    buy(user, savings, "10000")
    services.end_of_day(run_date=MONDAY)
    withdrawal_day = MONDAY + dt.timedelta(days=100)  # Tue 3 Mar 2027
    order = sell(user, savings, "4000", day=withdrawal_day)
    today_is(monkeypatch, withdrawal_day)
    services.end_of_day(run_date=withdrawal_day)
    order.refresh_from_db()
    # 4000 × 0.2% × 100 / 365 = 2.19
    assert (order.status, order.amount) == ("settled", Decimal("4002.19"))
    assert Holding.objects.get(user=user).units == Decimal("6000")


def test_insurance_can_be_cancelled_for_premium_less_fee_only_in_the_cooling_off_period(
    monkeypatch,
):
    user = investor_with_cash(cash="5000")
    policy = ProductFactory(kind=ProductKind.INSURANCE, risk_level=1)  # 1200, 15 days, fee 10
    buy(user, policy, "1200")
    buy(user, policy, "1200")
    services.end_of_day(run_date=MONDAY)
    with pytest.raises(ValidationError):
        sell(user, policy, "0.5", day=TUESDAY)
    order = sell(user, policy, "1", day=MONDAY + dt.timedelta(days=15))
    today_is(monkeypatch, MONDAY + dt.timedelta(days=16))
    services.end_of_day(run_date=MONDAY + dt.timedelta(days=16))
    order.refresh_from_db()
    assert (order.status, order.amount, order.fee) == ("settled", Decimal("1190.00"), Decimal("10"))
    with pytest.raises(ValidationError) as err:
        sell(user, policy, "1", day=MONDAY + dt.timedelta(days=16))
    assert "cooling-off" in err.value.message_dict["units"][0]
    assert services.reconcile_cash() == []


def test_reconcile_catches_orders_and_holdings_that_disagree_with_the_ledger():
    user, product = investor_with_cash(), ProductFactory()
    order = buy(user, product, "1000")
    nav(product, MONDAY, "1.0000")
    services.end_of_day(run_date=MONDAY)
    assert services.reconcile_cash() == []

    Holding.objects.filter(user=user).update(units=Decimal("1"))
    Order.objects.filter(pk=order.pk).update(amount=Decimal("999"))
    problems = "\n".join(services.reconcile_cash())
    assert "but its lots hold" in problems
    assert "money in live buy orders 999" in problems
    assert "holdings' cost" in problems
