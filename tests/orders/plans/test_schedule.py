"""The plan schedule's pure rules: frequencies, days, ends, and rolling to trading days."""

import datetime as dt

from orders.plans import schedule
from orders.plans.schedule import Rule

D = dt.date
HOLIDAYS = {D(2026, 12, 25), D(2027, 1, 1)}  # a Friday each


def trading(day):
    return day.weekday() < 5 and day not in HOLIDAYS


def dues(rule, start, count):
    out = []
    for day in schedule.due_dates(rule, start=start, is_trading=trading):
        out.append(day)
        if len(out) == count:
            break
    return out


def test_weekly_buys_every_week_on_its_weekday():
    rule = Rule("weekly", 3, D(2026, 12, 2), D(2026, 12, 1))  # Wednesdays
    assert dues(rule, D(2026, 12, 1), 3) == [D(2026, 12, 2), D(2026, 12, 9), D(2026, 12, 16)]


def test_fortnightly_buys_every_other_week_from_its_anchor():
    rule = Rule("fortnightly", 1, D(2026, 12, 7), D(2026, 12, 1))  # Mondays from 7 Dec
    assert dues(rule, D(2026, 12, 1), 3) == [D(2026, 12, 7), D(2026, 12, 21), D(2027, 1, 4)]
    assert not schedule.is_scheduled(rule, D(2026, 12, 14))


def test_monthly_on_a_weekend_day_rolls_to_monday():
    rule = Rule("monthly", 5, D(2026, 12, 5), D(2026, 12, 1))  # 5 Dec 2026 is a Saturday
    assert dues(rule, D(2026, 12, 1), 2) == [D(2026, 12, 7), D(2027, 1, 5)]


def test_a_holiday_rolls_to_the_next_trading_day():
    rule = Rule("monthly", 25, D(2026, 12, 25), D(2026, 12, 1))  # Christmas, a Friday holiday
    assert dues(rule, D(2026, 12, 1), 1) == [D(2026, 12, 28)]


def test_two_scheduled_dates_rolling_onto_one_day_buy_once():
    long_break = {D(2027, 1, d) for d in (4, 5, 6, 7, 8, 11, 12)}

    def closed(day):
        return day.weekday() < 5 and day not in long_break

    rule = Rule("weekly", 1, D(2027, 1, 4), D(2027, 1, 1))  # Mondays 4 and 11 Jan both closed
    got = []
    for day in schedule.due_dates(rule, start=D(2027, 1, 1), is_trading=closed):
        got.append(day)
        if len(got) == 2:
            break
    assert got == [D(2027, 1, 13), D(2027, 1, 18)]


def test_an_end_date_stops_the_schedule_and_counts_scheduled_dates():
    rule = Rule("monthly", 26, D(2026, 12, 26), D(2026, 12, 1), end_date=D(2026, 12, 26))
    # 26 Dec is a Saturday: the scheduled date is within the end, the purchase on Monday 28th.
    assert list(schedule.due_dates(rule, start=D(2026, 12, 1), is_trading=trading)) == [
        D(2026, 12, 28)
    ]


def test_the_window_of_a_monday_is_the_weekend_and_monday():
    assert schedule.rolled_window(D(2026, 12, 7), trading) == [
        D(2026, 12, 5),
        D(2026, 12, 6),
        D(2026, 12, 7),
    ]
    assert schedule.rolled_window(D(2026, 12, 28), trading) == [
        D(2026, 12, 25),
        D(2026, 12, 26),
        D(2026, 12, 27),
        D(2026, 12, 28),
    ]


def test_next_due_counts_a_weekend_date_that_rolls_onto_the_day_asked():
    rule = Rule("monthly", 5, D(2026, 12, 5), D(2026, 12, 1))
    assert schedule.next_due(rule, after=D(2026, 12, 6), is_trading=trading) == D(2026, 12, 7)
    assert schedule.next_due(rule, after=D(2026, 12, 8), is_trading=trading) == D(2027, 1, 5)


def test_the_schedule_ends_after_its_end_date():
    rule = Rule("weekly", 1, D(2026, 12, 7), D(2026, 12, 1), end_date=D(2026, 12, 10))
    assert schedule.next_due(rule, after=D(2026, 12, 8), is_trading=trading) is None
