"""The NAV figures kept on a product: latest NAV and its returns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Max, Min

from marketplace.dates import months_before
from marketplace.money import RATE_STEP

from ..models import NavPrice, Product


def _nav_on_or_before(product: Product, day: dt.date) -> Decimal | None:
    return (
        NavPrice.objects.filter(product=product, date__lte=day)
        .order_by("-date")
        .values_list("nav", flat=True)
        .first()
    )


def _return(latest: Decimal | None, start: Decimal | None) -> Decimal | None:
    if not start or latest is None:
        return None
    return ((latest / start) - 1).quantize(RATE_STEP)


def product_stats_refresh(*, product: Product) -> Product:
    """Recompute the denormalised NAV figures: latest NAV and returns over 6 months, 1 year and
    since launch, each only where the series covers the whole period."""
    span = NavPrice.objects.filter(product=product).aggregate(first=Min("date"), last=Max("date"))
    if span["last"] is None:
        return product
    latest = _nav_on_or_before(product, span["last"])
    first = NavPrice.objects.get(product=product, date=span["first"]).nav
    product.latest_nav, product.latest_nav_date, product.first_nav_date = (
        latest,
        span["last"],
        span["first"],
    )
    six, year = months_before(span["last"], 6), months_before(span["last"], 12)
    product.return_6m = (
        _return(latest, _nav_on_or_before(product, six)) if span["first"] <= six else None
    )
    product.return_1y = (
        _return(latest, _nav_on_or_before(product, year)) if span["first"] <= year else None
    )
    product.return_since_launch = _return(latest, first)
    Product.objects.filter(pk=product.pk).update(
        latest_nav=product.latest_nav,
        latest_nav_date=product.latest_nav_date,
        first_nav_date=product.first_nav_date,
        return_6m=product.return_6m,
        return_1y=product.return_1y,
        return_since_launch=product.return_since_launch,
    )
    return product
