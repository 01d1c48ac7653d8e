"""The market's daily cut-off (DESIGN §4), one rule for every app.

Orders placed before 15:00 Asia/Shanghai on a trading day trade that day; and the price of day D
(a fund's NAV, a money-market fund's daily yield) may be published only once D's cut-off has
passed (forward pricing: nobody can know the price before ordering). ``orders.calendar`` builds
trading days on this; ``products`` checks uploads with it (and may not import ``orders``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

CUTOFF = dt.time(15, 0)


def cutoff_moment(day: dt.date) -> dt.datetime:
    """15:00 of ``day`` in the business time zone, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, CUTOFF))


def price_publishable(day: dt.date, *, now: dt.datetime | None = None) -> bool:
    """May the price of ``day`` be published at ``now``? Only at or after ``day``'s cut-off."""
    return (now or timezone.now()) >= cutoff_moment(day)
