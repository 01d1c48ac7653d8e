"""Money-market income (DESIGN §4): every calendar day from the confirmation day (T+1), each at
its own day's published yield; a missed or late run catches up exactly; and end of day never runs
for a date in the future."""

import datetime as dt
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from orders import services
from orders.models import Holding, Lot, Order
from orders.services.end_of_day import FUTURE_DATE
from orders.tasks import end_of_day_run
from products.models import DailyYield, FundType
from tests.factories import ProductFactory, investor_with_cash

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 11, 23)
TUESDAY, WEDNESDAY, THURSDAY = (MONDAY + dt.timedelta(days=n) for n in (1, 2, 3))
FRIDAY, SATURDAY, SUNDAY = (MONDAY + dt.timedelta(days=n) for n in (4, 5, 6))
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def money_market_fund():
    return ProductFactory(fund_type=FundType.MONEY_MARKET, risk_level=1)


def publish(product, day, income, seven_day="0.0185"):
    DailyYield.objects.create(
        product=product, date=day, income_per_10k=Decimal(income), seven_day_yield=seven_day
    )


def place(user, product, day, hour=10, **kwargs):
    order, _ = services.order_place(user=user, product=product, now=at(day, hour), **kwargs)
    return order


def income_lots(user, product) -> list[tuple[dt.date, Decimal]]:
    return list(
        Lot.objects.filter(holding__user=user, holding__product=product, source="income")
        .order_by("acquired_on")
        .values_list("acquired_on", "units")
    )


def test_a_missed_run_catches_up_every_day_each_at_its_own_yield():
    user, fund = investor_with_cash(cash="20000"), money_market_fund()
    place(user, fund, MONDAY, side="buy", amount="20000")
    services.end_of_day(run_date=MONDAY)
    for day, income in ((TUESDAY, "0.5000"), (WEDNESDAY, "0.6000"), (THURSDAY, "0.7000")):
        publish(fund, day, income)

    services.end_of_day(run_date=THURSDAY)  # the Tuesday and Wednesday runs never happened

    # 20,000 × 0.50 / 10,000; then 20,001.00 × 0.60 (1.20006); then 20,002.20 × 0.70 (1.40015)
    assert income_lots(user, fund) == [
        (TUESDAY, Decimal("1.00")),
        (WEDNESDAY, Decimal("1.20")),
        (THURSDAY, Decimal("1.40")),
    ]
    holding = Holding.objects.get(user=user, product=fund)
    assert (holding.units, holding.income_through) == (Decimal("20003.60"), THURSDAY)
    services.end_of_day(run_date=THURSDAY)
    services.end_of_day(run_date=WEDNESDAY)  # a late run of an earlier day adds nothing
    holding.refresh_from_db()
    assert holding.units == Decimal("20003.60")
    assert services.reconcile_cash() == []


def test_a_day_without_a_published_yield_waits_and_is_caught_up_when_it_arrives():
    user, fund = investor_with_cash(cash="10000"), money_market_fund()
    place(user, fund, MONDAY, side="buy", amount="10000")
    services.end_of_day(run_date=MONDAY)
    publish(fund, WEDNESDAY, "0.6000")
    services.end_of_day(run_date=TUESDAY)
    services.end_of_day(run_date=WEDNESDAY)  # Tuesday's yield is late: Wednesday waits too
    assert income_lots(user, fund) == []

    publish(fund, TUESDAY, "0.5000")
    services.end_of_day(run_date=WEDNESDAY)

    assert income_lots(user, fund) == [(TUESDAY, Decimal("0.50")), (WEDNESDAY, Decimal("0.60"))]


def test_a_friday_purchase_earns_nothing_for_the_weekend_before_it_was_held():
    friday_buyer = investor_with_cash(cash="10000")
    thursday_buyer = investor_with_cash(cash="10000")
    fund = money_market_fund()
    place(thursday_buyer, fund, THURSDAY, side="buy", amount="10000")  # confirmed Friday
    services.end_of_day(run_date=THURSDAY)
    place(friday_buyer, fund, FRIDAY, side="buy", amount="10000")  # confirmed Monday
    for day in (FRIDAY, SATURDAY, SUNDAY, NEXT_MONDAY):
        publish(fund, day, "0.5000")
        services.end_of_day(run_date=day)

    assert income_lots(friday_buyer, fund) == [(NEXT_MONDAY, Decimal("0.50"))]
    assert [day for day, _ in income_lots(thursday_buyer, fund)] == [
        FRIDAY,
        SATURDAY,
        SUNDAY,
        NEXT_MONDAY,
    ]


def test_units_sold_while_runs_were_missed_still_earn_the_days_before_their_sale():
    user, fund = investor_with_cash(cash="30000"), money_market_fund()
    place(user, fund, MONDAY, side="buy", amount="30000")
    services.end_of_day(run_date=MONDAY)
    sale = place(user, fund, TUESDAY, hour=16, side="sell", units="30000")  # trades Wednesday
    assert (sale.instant, sale.trade_date) == (False, WEDNESDAY)
    publish(fund, TUESDAY, "0.5000")
    publish(fund, WEDNESDAY, "0.5000")

    services.end_of_day(run_date=WEDNESDAY)  # no Tuesday run: the sale settles first

    assert Order.objects.get(pk=sale.pk).status == "settled"
    # Held all Tuesday; sold on Wednesday, so Wednesday pays only on what is left (nothing).
    assert income_lots(user, fund) == [(TUESDAY, Decimal("1.50"))]
    assert Holding.objects.get(user=user, product=fund).units == Decimal("1.50")
    assert services.reconcile_cash() == []


def test_end_of_day_refuses_a_date_in_the_future_in_service_command_and_task():
    user, fund = investor_with_cash(cash="10000"), money_market_fund()
    place(user, fund, MONDAY, side="buy", amount="10000")
    services.end_of_day(run_date=MONDAY)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        services.end_of_day(run_date=tomorrow)
    assert refused.value.code == "end_of_day_future_date"
    with pytest.raises(CommandError) as command:
        call_command("end_of_day", "--date", tomorrow.isoformat(), stdout=StringIO())
    assert str(command.value) == FUTURE_DATE.format(date=tomorrow, today=timezone.localdate())
    with pytest.raises(ValidationError):
        end_of_day_run.apply(args=[tomorrow.isoformat()]).get()
    assert not Holding.objects.filter(income_through__isnull=False).exists()
