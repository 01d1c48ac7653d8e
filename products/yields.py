"""A money-market fund's daily yield series: upload (CSV or rows, judged row by row like NAV
uploads), the denormalised "latest" figures, and the series the product page and API show.

A money-market fund's NAV is fixed at 1.0000; what it publishes each calendar day is the income
per 10,000 units (CNY, 4 dp) and the 7-day annualised yield (a rate fraction). End of day
credits each day's income at that day's own figure (``orders.services.end_of_day``), so a day is
uploaded once its 15:00 cut-off has passed (forward pricing) and never changed once credited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from institutions.models import ProductKind
from marketplace.bulk import bulk_upsert
from marketplace.money import NAV_STEP, RATE_STEP, decimal_places

from .models import DailyYield, Product, ProductEventKind
from .selectors import NAV_RANGES
from .services._common import _event, _require_editor
from .services.prices import UploadReport, judge_rows, parse_price_csv

# Error messages (tests import these).
NOT_MONEY_MARKET = _("Daily yields are uploaded for money-market funds only.")
YIELD_CSV_HEADER = _(
    'The CSV needs the columns "date", "income_per_10k" and "seven_day_yield" in its first line.'
)
YIELD_INCOME_NOT_NUMBER = _("The income per 10,000 units is not a number.")
YIELD_INCOME_RANGE = _("The income per 10,000 units must be between 0 and 10.")
YIELD_INCOME_TOO_PRECISE = _("The income per 10,000 units has more than 4 decimal places.")
YIELD_RATE_NOT_NUMBER = _("The 7-day yield is not a number.")
YIELD_RATE_RANGE = _(
    "The 7-day yield is a fraction between 0 and 1 (0.0185 for 1.85%), not a percentage."
)
YIELD_RATE_TOO_PRECISE = _("The 7-day yield has more than 6 decimal places.")
YIELD_ALREADY_CREDITED = _(
    "Income of this day has already been credited at {income}; it cannot be changed."
)

INCOME_MAX = Decimal(10)
CSV_COLUMNS = ("date", "income_per_10k", "seven_day_yield")


@dataclass
class YieldRowResult:
    line: int
    date: str
    income_per_10k: str
    seven_day_yield: str
    outcome: str  # "added" | "updated" | "unchanged" | "rejected"
    message: str = ""


YieldUploadReport = UploadReport


def parse_yield_csv(data: bytes | str) -> list[tuple[int, str, str, str]]:
    """CSV with a ``date,income_per_10k,seven_day_yield`` header → ``(line, date, income,
    seven_day_yield)`` rows (strings, unjudged)."""
    return parse_price_csv(data, columns=CSV_COLUMNS, header_message=YIELD_CSV_HEADER)


def _decimal(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _judge(raw_income: str, raw_rate: str) -> tuple[Decimal, Decimal] | Promise:
    """The row's two figures, or why they are refused."""
    income = _decimal(raw_income)
    if income is None:
        return YIELD_INCOME_NOT_NUMBER
    if not 0 <= income <= INCOME_MAX:
        return YIELD_INCOME_RANGE
    if decimal_places(income) > 4:
        return YIELD_INCOME_TOO_PRECISE
    rate = _decimal(raw_rate)
    if rate is None:
        return YIELD_RATE_NOT_NUMBER
    if not 0 <= rate < 1:
        return YIELD_RATE_RANGE
    if decimal_places(rate) > 6:
        return YIELD_RATE_TOO_PRECISE
    return income.quantize(NAV_STEP), rate.quantize(RATE_STEP)


@transaction.atomic
def yield_upload(
    *, product: Product, actor, rows: list[tuple[int, str, str, str]]
) -> YieldUploadReport:
    """Judge every row, then save the good ones in one transaction with a bulk upsert.

    A row is refused when its date is not past its 15:00 cut-off (forward pricing), or when end
    of day has already credited income of that day at a different figure. Rows are reported as
    added / updated / unchanged / rejected (with the reason), as NAV uploads are.
    """
    _require_editor(institution=product.institution, actor=actor)
    if product.kind != ProductKind.FUND or not product.is_money_market:
        raise ValidationError({"product": NOT_MONEY_MARKET}, code="not_money_market")
    results, good = judge_rows(
        rows,
        now=timezone.now(),
        result_for=lambda *cells: YieldRowResult(*cells, outcome="rejected"),
        judge=_judge,
    )
    if not good:
        return YieldUploadReport(rows=results)
    existing = {
        day: (income, rate)
        for day, income, rate in DailyYield.objects.filter(
            product=product, date__gte=min(good), date__lte=max(good)
        ).values_list("date", "income_per_10k", "seven_day_yield")
    }
    # ``holdings`` is the reverse name of orders.Holding.product (products imports no orders).
    credited_through = product.holdings.aggregate(last=Max("income_through"))["last"]
    changed = []
    for day, ((income, rate), result) in good.items():
        if day not in existing:
            result.outcome = "added"
        elif existing[day] == (income, rate):
            result.outcome = "unchanged"
            continue
        elif existing[day][0] != income and credited_through and day <= credited_through:
            result.message = str(YIELD_ALREADY_CREDITED).format(income=existing[day][0])
            continue
        else:
            result.outcome = "updated"
        changed.append((product.pk, day, income, rate))
    bulk_upsert(
        DailyYield,
        changed,
        fields=["product_id", "date", "income_per_10k", "seven_day_yield"],
        unique_fields=["product", "date"],
        update_fields=["income_per_10k", "seven_day_yield"],
    )
    report = YieldUploadReport(rows=results)
    if changed:
        yield_stats_refresh(product=product)
        _event(
            product,
            actor,
            ProductEventKind.YIELD_UPLOADED,
            changes=report.summary(),
        )
    return report


def yield_stats_refresh(*, product: Product) -> Product:
    """Copy the latest day of the series onto the product (what catalogue cards show)."""
    latest = (
        DailyYield.objects.filter(product=product)
        .order_by("-date")
        .values_list("date", "income_per_10k", "seven_day_yield")
        .first()
    )
    if latest is None:
        return product
    (
        product.latest_yield_date,
        product.latest_income_per_10k,
        product.latest_seven_day_yield,
    ) = latest
    Product.objects.filter(pk=product.pk).update(
        latest_yield_date=product.latest_yield_date,
        latest_income_per_10k=product.latest_income_per_10k,
        latest_seven_day_yield=product.latest_seven_day_yield,
    )
    return product


# --- reads ----------------------------------------------------------------------------------


def yield_series(
    *, product: Product, range_key: str = "1y", end: dt.date | None = None
) -> list[tuple[dt.date, Decimal, Decimal]]:
    """``(date, income_per_10k, seven_day_yield)`` oldest first, over a ``NAV_RANGES`` period
    ending on the latest published day."""
    qs = DailyYield.objects.filter(product=product)
    days = NAV_RANGES.get(range_key, NAV_RANGES["1y"])[1]
    end = end or product.latest_yield_date
    if days and end:
        qs = qs.filter(date__gt=end - dt.timedelta(days=days))
    return list(qs.order_by("date").values_list("date", "income_per_10k", "seven_day_yield"))
