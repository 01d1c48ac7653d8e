"""Compare up to four products side by side (``/products/compare/?p=a&p=b`` or ``?p=a,b``).

A selector module: it reads the compared products in one query and all their NAVs in one more,
whatever their number, and scales the NAV curves to 100 at the first day every charted fund has
a price, so the lines start together and their spread is the difference in performance.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.dates import months_before
from profiles.models import InvestorProfile
from profiles.selectors import suitability_for
from profiles.suitability import Suitability

from .charts import MAX_POINTS
from .models import NavPrice, Product, ProductKind
from .report_selectors import current_managers
from .selectors import PERFORMANCE_PERIODS, catalogue_queryset, has_track_record

MAX_COMPARED = 4
# Slugs read from the query string at most: the rest of a long or hostile list is not looked up.
MAX_REQUESTED = 20
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,80}$")

COMPARE_RANGES = {
    "3m": (pgettext_lazy("chart range", "3M"), 3),
    "6m": (pgettext_lazy("chart range", "6M"), 6),
    "1y": (pgettext_lazy("chart range", "1Y"), 12),
    "3y": (pgettext_lazy("chart range", "3Y"), 36),
}
DEFAULT_RANGE = "1y"
BASE = Decimal(100)
# The rows of figures kept on every fund (products.services.stats): label, field. The periods
# are the fund page's, with its labels.
RETURN_ROWS = [(label, field) for field, label in PERFORMANCE_PERIODS]
RISK_ROWS = [
    (_("Maximum drawdown, 1 year"), "max_drawdown_1y"),
    (_("Maximum drawdown, 3 years"), "max_drawdown_3y"),
    (_("Volatility, 1 year"), "volatility_1y"),
    (_("Volatility, 3 years"), "volatility_3y"),
]


def compare_slugs(*, values: list[str]) -> list[str]:
    """The slugs asked for, in order, once each: ``?p=a&p=b`` and ``?p=a,b`` alike. Anything that
    cannot be a slug is kept (so it is reported as unknown), cut to its first 80 characters."""
    slugs: list[str] = []
    for value in values:
        for part in value.split(","):
            slug = part.strip()[:80]
            if slug and slug not in slugs:
                slugs.append(slug)
            if len(slugs) >= MAX_REQUESTED:
                return slugs
    return slugs


def compare_chosen(*, values: list[str]) -> list[str]:
    """The products a visitor already chose to compare, carried through the catalogue as
    ``?compare=…`` (slug-shaped values only, at most MAX_COMPARED - 1, so one more fits)."""
    return [s for s in compare_slugs(values=values) if SLUG.match(s)][: MAX_COMPARED - 1]


@dataclass(frozen=True)
class Series:
    """One fund's line: its NAVs scaled to 100 at the common start (``points``: SVG polyline)."""

    product: Product
    index: int  # 1…4: the line's colour and dash (``compare-line--N``)
    points: str
    last: Decimal  # the scaled value on the last day (100 = unchanged)

    @property
    def change(self) -> Decimal:
        """The change over the chart's period, as a fraction (NAV only, before any purchase fee)."""
        return (self.last - BASE) / BASE


@dataclass(frozen=True)
class CompareChart:
    width: int
    height: int
    series: list[Series]
    start: dt.date
    end: dt.date
    low: Decimal
    high: Decimal
    base_y: str  # the y of the 100 line
    late_start: bool  # True: the common start is later than the period's start (a young fund)


@dataclass(frozen=True)
class Column:
    """One compared product, with what the page shows beside its figures."""

    product: Product
    index: int
    terms: object | None  # FundTerms / InsuranceTerms / SavingsTerms
    suitability: Suitability | None  # None for anonymous visitors
    charted: bool  # its NAV curve is on the chart
    managers: tuple[str, ...] = ()  # from its current approved periodic report

    @property
    def too_young(self) -> bool:
        """A NAV fund launched under six months ago: no past returns are shown for it."""
        p = self.product
        return p.is_fund and not p.is_money_market and not has_track_record(p)

    @property
    def manager(self) -> str:
        """The fund managers' names from the fund's current periodic report; "" until one is
        approved, and the page shows "—" beside the tenure it has."""
        return ", ".join(self.managers)


@dataclass(frozen=True)
class Comparison:
    columns: list[Column]
    unknown: list[str]  # asked for, but no published product has that slug
    dropped: list[Product]  # found, but past the first MAX_COMPARED
    range_key: str
    chart: CompareChart | None
    kinds: set[str] = field(default_factory=set)

    @property
    def products(self) -> list[Product]:
        return [c.product for c in self.columns]

    @property
    def enough(self) -> bool:
        return len(self.columns) >= 2

    @property
    def has_funds(self) -> bool:
        return ProductKind.FUND in self.kinds

    @property
    def has_nav_funds(self) -> bool:
        return any(c.product.is_fund and not c.product.is_money_market for c in self.columns)

    @property
    def has_money_market(self) -> bool:
        return any(c.product.is_money_market for c in self.columns)

    def _rows(
        self, rows, *, hide_young: bool = False
    ) -> list[tuple[str, list[tuple[Column, Decimal | None]]]]:
        return [
            (
                label,
                [
                    (c, None if hide_young and c.too_young else getattr(c.product, name))
                    for c in self.columns
                ],
            )
            for label, name in rows
        ]

    @property
    def return_rows(self):
        """``(label, [(column, value or None)…])`` per period: None where the fund has not lived
        through the whole period, and for every period of a fund under six months old."""
        return self._rows(RETURN_ROWS, hide_young=True)

    @property
    def risk_rows(self):
        return self._rows(RISK_ROWS)

    @property
    def uncharted(self) -> list[Product]:
        """Funds with a NAV curve in principle but none on the chart (fewer than two prices)."""
        return [
            c.product
            for c in self.columns
            if c.product.is_fund and not c.product.is_money_market and not c.charted
        ]


def _charted(product: Product) -> bool:
    # Under six months of prices a fund shows no past performance at all (DESIGN §4): neither
    # its returns nor its line on the chart.
    return product.is_fund and not product.is_money_market and has_track_record(product)


def normalised_chart(
    *,
    products: list[Product],
    range_key: str,
    width: int = 720,
    height: int = 260,
    pad: int = 10,
) -> CompareChart | None:
    """The NAV curves of ``products`` (funds priced by NAV; the rest are skipped) over the range,
    each scaled to 100 at the common start: the first day of the period on which every one of
    them has a price. One query for all of them. None if fewer than one line has two points."""
    funds = [p for p in products if _charted(p)]
    if not funds:
        return None
    months = COMPARE_RANGES.get(range_key, COMPARE_RANGES[DEFAULT_RANGE])[1]
    end = max(p.latest_nav_date for p in funds)
    period_start = months_before(end, months)
    # The NAV on or before the period's start may be a few days earlier (a weekend, a holiday).
    rows = (
        NavPrice.objects.filter(
            product_id__in=[p.pk for p in funds],
            date__gte=period_start - dt.timedelta(days=10),
            date__lte=end,
        )
        .order_by("product_id", "date")
        .values_list("product_id", "date", "nav")
    )
    by_product: dict[int, list[tuple[dt.date, Decimal]]] = {p.pk: [] for p in funds}
    for product_id, day, nav in rows:
        by_product[product_id].append((day, nav))
    funds = [p for p in funds if len(by_product[p.pk]) >= 2]
    if not funds:
        return None

    def first_in_period(series: list[tuple[dt.date, Decimal]]) -> dt.date:
        dates = [d for d, _ in series]
        i = bisect.bisect_right(dates, period_start)
        return dates[i - 1] if i else dates[0]

    # Every line starts on the same day: the latest of the funds' first prices in the period.
    start = max(max(first_in_period(by_product[p.pk]) for p in funds), period_start)
    scaled: dict[int, list[tuple[dt.date, Decimal]]] = {}
    for p in funds:
        series = by_product[p.pk]
        dates = [d for d, _ in series]
        i = max(bisect.bisect_right(dates, start) - 1, 0)
        base_nav = series[i][1]
        if not base_nav:
            continue
        points = [(start, BASE)] + [(d, nav * BASE / base_nav) for d, nav in series[i + 1 :]]
        if len(points) >= 2:
            scaled[p.pk] = points
    if not scaled:
        return None
    values = [v for points in scaled.values() for _, v in points]
    low, high = min(values), max(values)
    spread = (high - low) or Decimal(1)
    span = max((end - start).days, 1)

    def y_of(value: Decimal) -> Decimal:
        return pad + (height - 2 * pad) * (1 - (value - low) / spread)

    def polyline(points: list[tuple[dt.date, Decimal]]) -> str:
        step = max(1, len(points) // MAX_POINTS)
        thinned = points[::step]
        if thinned[-1] != points[-1]:
            thinned.append(points[-1])
        coords = []
        for day, value in thinned:
            x = pad + (width - 2 * pad) * (day - start).days / span
            coords.append(f"{x:.1f},{y_of(value):.1f}")
        return " ".join(coords)

    index = {p.pk: n for n, p in enumerate(products, start=1)}
    return CompareChart(
        width=width,
        height=height,
        series=[
            Series(
                product=p,
                index=index[p.pk],
                points=polyline(scaled[p.pk]),
                last=scaled[p.pk][-1][1],
            )
            for p in funds
            if p.pk in scaled
        ],
        start=start,
        end=end,
        low=low,
        high=high,
        base_y=f"{y_of(BASE):.1f}",
        late_start=(start - period_start).days > 7,
    )


def comparison_for(
    *, values: list[str], range_key: str | None, profile: InvestorProfile | None, signed_in: bool
) -> Comparison:
    """What the compare page shows: the first MAX_COMPARED published products asked for, in the
    order asked; the slugs that match none; the products past the limit; the NAV chart.
    Three queries whatever the number of products (products with their terms, their current
    reports' managers, then NAVs)."""
    if range_key not in COMPARE_RANGES:
        range_key = DEFAULT_RANGE
    slugs = compare_slugs(values=values)
    valid = [s for s in slugs if SLUG.match(s)]
    found = {p.slug: p for p in catalogue_queryset().filter(slug__in=valid)} if valid else {}
    ordered = [found[s] for s in slugs if s in found]
    unknown = [s for s in slugs if s not in found]
    shown, dropped = ordered[:MAX_COMPARED], ordered[MAX_COMPARED:]
    managers = current_managers(products=shown)
    chart = normalised_chart(products=shown, range_key=range_key) if len(shown) >= 2 else None
    on_chart = {s.product.pk for s in chart.series} if chart else set()
    columns = [
        Column(
            product=p,
            index=n,
            terms=getattr(p, f"{p.kind}_terms", None),
            suitability=(
                suitability_for(profile=profile, product_risk=p.risk_level) if signed_in else None
            ),
            charted=p.pk in on_chart,
            managers=tuple(managers.get(p.pk, ())),
        )
        for n, p in enumerate(shown, start=1)
    ]
    return Comparison(
        columns=columns,
        unknown=unknown,
        dropped=dropped,
        range_key=range_key,
        chart=chart,
        kinds={p.kind for p in shown},
    )
