"""Platform revenue: commission entries by day, institution and product kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from products.models import ProductKind

from ..models import CommissionEntry


@dataclass
class RevenueReport:
    start: dt.date
    end: dt.date
    by_day: list[tuple[dt.date, Decimal]]
    by_institution: list[tuple[str, Decimal]]
    by_kind: list[tuple[str, Decimal]]
    total: Decimal


def revenue_report(*, days: int = 30, today: dt.date | None = None) -> RevenueReport:
    """Platform revenue (commission entries, corrections included) over the last ``days``: per
    day (every day, zero where nothing was earned), per institution and per product kind."""
    end = today or timezone.localdate()
    start = end - dt.timedelta(days=days - 1)
    entries = CommissionEntry.objects.filter(accrual_date__gte=start, accrual_date__lte=end)
    per_day = dict(
        entries.values("accrual_date").annotate(t=Sum("amount")).values_list("accrual_date", "t")
    )
    by_day = [
        (start + dt.timedelta(days=i), per_day.get(start + dt.timedelta(days=i)) or Decimal(0))
        for i in range(days)
    ]
    by_institution = list(
        entries.values("institution__name")
        .annotate(t=Sum("amount"))
        .order_by("-t")
        .values_list("institution__name", "t")
    )
    kinds = dict(ProductKind.choices)
    by_kind = [
        (str(kinds.get(kind, kind)), total)  # in the language of the request
        for kind, total in entries.values("product__kind")
        .annotate(t=Sum("amount"))
        .order_by("-t")
        .values_list("product__kind", "t")
    ]
    return RevenueReport(
        start=start,
        end=end,
        by_day=by_day,
        by_institution=by_institution,
        by_kind=by_kind,
        total=sum((t for _, t in by_day), Decimal(0)),
    )
