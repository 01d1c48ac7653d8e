"""The mainland exchanges' public holidays (weekdays the market is closed), as published each
year by the State Council's notice on public holidays (国务院办公厅关于…部分节假日安排的通知)
and the exchanges' trading calendars. Weekends are closed anyway and make-up working days
(调休上班) that fall on a weekend are not trading days either, so only weekdays are listed.

A table, not a library: ``chinese_calendar`` would be one more runtime dependency for a few
dozen dates a year. Add the next year when its notice is published (usually in November);
``seed_demo`` loads the years the demo data covers into the staff-edited holiday table.
"""

from __future__ import annotations

import datetime as dt

NEW_YEAR = "New Year's Day"
SPRING_FESTIVAL = "Spring Festival"
QINGMING = "Qingming Festival"
LABOUR_DAY = "Labour Day"
DRAGON_BOAT = "Dragon Boat Festival"
MID_AUTUMN = "Mid-Autumn Festival"
NATIONAL_DAY = "National Day"


def _days(year: int, month: int, days: list[int], name: str) -> list[tuple[dt.date, str]]:
    return [(dt.date(year, month, day), name) for day in days]


# gov.cn notices: 2024 content_6911527, 2025 content_6986382, 2026 (November 2025).
MAINLAND_MARKET_HOLIDAYS: dict[dt.date, str] = dict(
    [
        # 2024
        *_days(2024, 1, [1], NEW_YEAR),
        *_days(2024, 2, [9, 12, 13, 14, 15, 16], SPRING_FESTIVAL),  # exchanges shut on the 9th too
        *_days(2024, 4, [4, 5], QINGMING),
        *_days(2024, 5, [1, 2, 3], LABOUR_DAY),
        *_days(2024, 6, [10], DRAGON_BOAT),
        *_days(2024, 9, [16, 17], MID_AUTUMN),
        *_days(2024, 10, [1, 2, 3, 4, 7], NATIONAL_DAY),
        # 2025
        *_days(2025, 1, [1], NEW_YEAR),
        *_days(2025, 1, [28, 29, 30, 31], SPRING_FESTIVAL),
        *_days(2025, 2, [3, 4], SPRING_FESTIVAL),
        *_days(2025, 4, [4], QINGMING),
        *_days(2025, 5, [1, 2, 5], LABOUR_DAY),
        *_days(2025, 6, [2], DRAGON_BOAT),
        *_days(2025, 10, [1, 2, 3, 7, 8], NATIONAL_DAY),
        *_days(2025, 10, [6], MID_AUTUMN),  # 1–8 October covers both festivals
        # 2026
        *_days(2026, 1, [1, 2], NEW_YEAR),
        *_days(2026, 2, [16, 17, 18, 19, 20, 23], SPRING_FESTIVAL),
        *_days(2026, 4, [6], QINGMING),
        *_days(2026, 5, [1, 4, 5], LABOUR_DAY),
        *_days(2026, 6, [19], DRAGON_BOAT),
        *_days(2026, 9, [25], MID_AUTUMN),
        *_days(2026, 10, [1, 2, 5, 6, 7], NATIONAL_DAY),
    ]
)
COVERED_YEARS = range(2024, 2027)


def is_market_holiday(day: dt.date) -> bool:
    return day in MAINLAND_MARKET_HOLIDAYS
