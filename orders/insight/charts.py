"""The portfolio's value and the money put in, on one scale, as server-side SVG."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from products.charts import LineChart


@dataclass(frozen=True)
class ValueChart(LineChart):
    """``products.charts.LineChart`` of the value, plus ``second``: the contributions' line,
    scaled on the same axis."""

    second: str = ""


def value_chart(
    *,
    value: list[tuple[dt.date, Decimal]],
    contributions: list[tuple[dt.date, Decimal]],
    width: int = 720,
    height: int = 240,
    pad: int = 8,
) -> ValueChart | None:
    if len(value) < 2:
        return None
    amounts = [amount for _, amount in (*value, *contributions)]
    low, high = min(amounts), max(amounts)  # both lines on one scale
    spread = (high - low) or Decimal(1)

    first_day = value[0][0]
    span = max((value[-1][0] - first_day).days, 1)

    def points(series: list[tuple[dt.date, Decimal]]) -> str:
        # x by date, not by index: the days between two valuations are often unequal (a
        # period that starts before the first purchase, weekends, a NAV published late).
        # A value holds until the next day it changed: a step, not a slope across the gap.
        stepped: list[tuple[dt.date, Decimal]] = []
        for day, amount in series:
            if stepped and (day - stepped[-1][0]).days > 1:
                stepped.append((day - dt.timedelta(days=1), stepped[-1][1]))
            stepped.append((day, amount))
        coords = []
        for day, amount in stepped:
            x = pad + (width - 2 * pad) * (day - first_day).days / span
            y = pad + (height - 2 * pad) * (1 - (amount - low) / spread)
            coords.append(f"{x:.1f},{y:.1f}")
        return " ".join(coords)

    line = points(value)
    return ValueChart(
        width=width,
        height=height,
        points=line,
        area=f"{pad:.1f},{height - pad:.1f} {line} {width - pad:.1f},{height - pad:.1f}",
        low=low,
        high=high,
        start=value[0][0],
        end=value[-1][0],
        first=value[0][1],
        last=value[-1][1],
        second=points(contributions),
    )
