"""The NAV figures kept on a product: latest NAV, the day's change, returns by period, maximum
drawdown and volatility, each computed from one read of the series."""

from __future__ import annotations

import bisect
import datetime as dt
from decimal import Decimal

from marketplace.cache import bump_catalogue_version
from marketplace.dates import months_before

from ..models import NavPrice, Product
from ..performance import annualised_volatility, max_drawdown, period_return

# The months of each period return kept on the product.
RETURN_PERIODS = {"return_1m": 1, "return_3m": 3, "return_6m": 6, "return_1y": 12, "return_3y": 36}
RISK_PERIODS = {"1y": 12, "3y": 36}
STATS_FIELDS = [
    "latest_nav",
    "latest_nav_date",
    "first_nav_date",
    "return_since_launch",
    "day_change",
    *RETURN_PERIODS,
    *(f"max_drawdown_{p}" for p in RISK_PERIODS),
    *(f"volatility_{p}" for p in RISK_PERIODS),
]


def _on_or_before(dates: list[dt.date], navs: list[Decimal], day: dt.date) -> Decimal | None:
    i = bisect.bisect_right(dates, day)
    return navs[i - 1] if i else None


def product_stats_refresh(*, product: Product) -> Product:
    """Recompute the denormalised NAV figures. A period's figure exists only where the series
    covers the whole period (its first NAV is on or before the period's start); otherwise it is
    ``None``, so a young fund never shows a return over a period it did not live through."""
    series = list(
        NavPrice.objects.filter(product=product).order_by("date").values_list("date", "nav")
    )
    if not series:
        return product
    dates = [d for d, _ in series]
    navs = [n for _, n in series]
    first, last = dates[0], dates[-1]
    latest = navs[-1]
    product.latest_nav, product.latest_nav_date, product.first_nav_date = latest, last, first
    product.return_since_launch = period_return(navs[0], latest)
    product.day_change = period_return(navs[-2], latest) if len(navs) > 1 else None
    for field, months in RETURN_PERIODS.items():
        start = months_before(last, months)
        covered = first <= start
        setattr(
            product,
            field,
            period_return(_on_or_before(dates, navs, start), latest) if covered else None,
        )
    for suffix, months in RISK_PERIODS.items():
        start = months_before(last, months)
        window = navs[max(bisect.bisect_right(dates, start) - 1, 0) :] if first <= start else []
        setattr(product, f"max_drawdown_{suffix}", max_drawdown(window) if window else None)
        setattr(product, f"volatility_{suffix}", annualised_volatility(window) if window else None)
    # Every caller changed the series (an upload, an approved NAV correction): the cards,
    # charts and pages that show it are rebuilt once this commits.
    bump_catalogue_version()
    Product.objects.filter(pk=product.pk).update(
        **{field: getattr(product, field) for field in STATS_FIELDS}
    )
    return product
