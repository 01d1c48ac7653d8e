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

    def points(series: list[tuple[dt.date, Decimal]]) -> str:
        n = len(series) - 1
        coords = []
        for i, (_, amount) in enumerate(series):
            x = pad + (width - 2 * pad) * i / n
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
