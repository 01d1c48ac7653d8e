"""Server-side SVG charts, so the NAV history shows without JavaScript (and under a strict CSP)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

MAX_POINTS = 400


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: str  # SVG polyline points
    area: str  # SVG polygon points (the shaded area under the line)
    low: Decimal
    high: Decimal
    start: dt.date
    end: dt.date
    first: Decimal
    last: Decimal

    @property
    def rising(self) -> bool:
        return self.last >= self.first


def line_chart(
    series: list[tuple[dt.date, Decimal]], *, width: int = 720, height: int = 240, pad: int = 8
) -> LineChart | None:
    """Scale a date/value series into an SVG polyline (thinned to at most MAX_POINTS)."""
    if len(series) < 2:
        return None
    step = max(1, len(series) // MAX_POINTS)
    thinned = series[::step]
    if thinned[-1] != series[-1]:
        thinned.append(series[-1])
    values = [v for _, v in thinned]
    low, high = min(values), max(values)
    spread = (high - low) or Decimal(1)
    n = len(thinned) - 1
    coords = []
    for i, (_, value) in enumerate(thinned):
        x = pad + (width - 2 * pad) * i / n
        y = pad + (height - 2 * pad) * (1 - (value - low) / spread)
        coords.append(f"{x:.1f},{y:.1f}")
    area = (
        f"{pad:.1f},{height - pad:.1f} "
        + " ".join(coords)
        + f" {width - pad:.1f},{height - pad:.1f}"
    )
    return LineChart(
        width=width,
        height=height,
        points=" ".join(coords),
        area=area,
        low=low,
        high=high,
        start=series[0][0],
        end=series[-1][0],
        first=series[0][1],
        last=series[-1][1],
    )
