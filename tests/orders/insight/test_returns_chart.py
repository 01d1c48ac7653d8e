"""The value chart places each valuation by its date and holds a value until it changes."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817

from orders.insight.charts import value_chart


def test_points_are_placed_by_date_and_step_across_gaps():
    day = dt.date(2026, 11, 2)
    series = [
        (day, D(0)),
        (day + dt.timedelta(days=21), D(100)),
        (day + dt.timedelta(days=30), D(110)),
    ]
    chart = value_chart(value=series, contributions=series, width=316, height=116, pad=8)
    xs = [float(point.split(",")[0]) for point in chart.points.split()]
    # The base, the day before the purchase (still 0), the purchase (21/30 of 300 px), the
    # day before the last change (still 100), the last.
    assert xs == [8.0, 208.0, 218.0, 298.0, 308.0]
    assert chart.second == chart.points
    assert chart.low == D(0)
    assert chart.high == D(110)


def test_one_valuation_is_no_chart():
    assert value_chart(value=[(dt.date(2026, 1, 1), D(1))], contributions=[]) is None
