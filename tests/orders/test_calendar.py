"""Trading days and the 15:00 Asia/Shanghai cut-off."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from orders import services
from orders.calendar import confirmation_date, next_trading_day, trade_date_for
from orders.models import Holiday
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


MONDAY = dt.date(2026, 11, 23)


def test_before_cut_off_on_a_trading_day_trades_that_day():
    assert trade_date_for(at(MONDAY, 14, 59)) == MONDAY


def test_at_or_after_cut_off_trades_next_trading_day():
    assert trade_date_for(at(MONDAY, 15, 0)) == MONDAY + dt.timedelta(days=1)


def test_weekend_orders_trade_on_monday():
    friday = MONDAY - dt.timedelta(days=3)
    assert trade_date_for(at(friday, 16)) == MONDAY
    assert trade_date_for(at(friday + dt.timedelta(days=1), 10)) == MONDAY


def test_holidays_are_skipped_and_utc_is_converted():
    Holiday.objects.create(date=MONDAY, name="Test holiday")
    sunday_utc = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)  # Monday 09:00 in Shanghai
    assert trade_date_for(sunday_utc) == MONDAY + dt.timedelta(days=1)
    assert next_trading_day(MONDAY - dt.timedelta(days=1)) == MONDAY + dt.timedelta(days=1)
    assert confirmation_date(MONDAY - dt.timedelta(days=3)) == MONDAY + dt.timedelta(days=1)


def test_staff_add_holidays_but_not_weekends_or_twice():
    staff = StaffFactory()
    services.holiday_add(actor=staff, date=MONDAY, name="Test")
    with pytest.raises(ValidationError, match="already a holiday"):
        services.holiday_add(actor=staff, date=MONDAY, name="Again")
    with pytest.raises(ValidationError, match="weekend"):
        services.holiday_add(actor=staff, date=MONDAY - dt.timedelta(days=1), name="Sunday")
    assert Holiday.objects.count() == 1
