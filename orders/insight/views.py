"""The investor's returns pages: the period on the portfolio page, the realised-gains CSV of a
year and the printable yearly statement. Thin: parse, call one selector, render."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace import csv_export
from products.charts import LineChart

from . import returns, yearly
from .charts import value_chart

BAD_PERIOD = _("Choose one of the periods shown.")

REALISED_COLUMNS = [
    _("Date"),
    _("Product"),
    _("Code"),
    _("Kind"),
    _("Units"),
    _("Proceeds (CNY)"),
    _("Cost (CNY)"),
    _("Fee (CNY)"),
    _("Realised gain (CNY)"),
]


def period_from(params) -> tuple[str, str | None]:
    """The ``period`` asked for (the default when absent) and the error of a bad one."""
    value = params.get("period") or returns.DEFAULT_PERIOD
    if value not in returns.Period.values:
        return str(returns.DEFAULT_PERIOD), str(BAD_PERIOD)
    return value, None


def returns_context(request, *, first_trade_date: dt.date | None) -> dict:
    """What the portfolio page shows of the returns over the chosen period (the statements
    from the year of the investor's first order, ``Portfolio.first_trade_date``)."""
    period, error = period_from(request.GET)
    performance = returns.portfolio_performance(user=request.user, period=period)
    chart: LineChart | None = value_chart(
        value=[(v.on, v.value) for v in performance.series],
        contributions=performance.contributions,
    )
    return {
        "performance": performance,
        "periods": returns.Period.choices,
        "period_error": error,
        "value_chart": chart,
        "allocations": [
            (_("By kind"), performance.allocation("kind")),
            (_("By fund type"), performance.allocation("fund_type")),
            (_("By risk level"), performance.allocation("risk_level")),
        ],
        "statement_years": yearly.years_since(first_trade_date),
    }


def _year(year: int) -> int:
    if not yearly.FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year


@login_required
def realised_csv(request, year: int):
    rows = yearly.realised_in_year(user=request.user, year=_year(year))
    stream = io.StringIO()
    writer = csv_export.writer(stream)
    writer.writeheader(REALISED_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.on.isoformat(),
                row.product,
                row.code,
                row.kind,
                row.units,
                row.proceeds,
                row.cost,
                row.fee,
                row.gain,
            ]
        )
    totals = yearly.realised_totals(rows)
    writer.writerow(
        [
            str(_("Total")),
            "",
            "",
            "",
            totals.units,
            totals.proceeds,
            totals.cost,
            totals.fee,
            totals.gain,
        ]
    )
    response = HttpResponse(stream.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="realised-gains-{year}.csv"'
    return response


@login_required
def statement(request, year: int):
    return render(
        request,
        "orders/yearly_statement.html",
        {
            "statement": yearly.yearly_statement(user=request.user, year=_year(year)),
            "years": yearly.statement_years(user=request.user),
        },
    )
