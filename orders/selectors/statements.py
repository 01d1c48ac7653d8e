"""Institution statements: lists, rows as shown and exported, and totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet, Sum

from institutions.models import Institution
from marketplace.dates import month_start

from ..models import Statement
from ..statement_figures import COLUMNS, PAYABLE_FIELDS, STATEMENT_FIELDS, StatementFigures

STATEMENT_COLUMNS = COLUMNS


def statements_for_institution(*, institution: Institution) -> QuerySet[Statement]:
    return Statement.objects.filter(institution=institution).order_by("-month")


def _statement_row(product: str, code: str, kind: str, figures: StatementFigures) -> dict:
    return {
        "product": product,
        "code": code,
        "kind": kind,
        **figures._asdict(),
        "commission": figures.commission,
    }


def statement_rows(*, statement: Statement) -> list[dict]:
    """The statement as rows (one per product, with its name, code and kind as they were at
    closing, then ``Total``): what the page, the printable page and the CSV all show, so they
    cannot disagree."""
    rows = [
        _statement_row(
            line.product_name, line.product_code, line.get_product_kind_display(), line.figures
        )
        for line in statement.lines.all()
    ]
    rows.append(_statement_row("Total", "", "", statement.figures))
    return rows


def statements_for_staff(*, month: dt.date | None = None) -> QuerySet[Statement]:
    qs = Statement.objects.select_related("institution", "paid_by")
    if month is not None:
        qs = qs.filter(month=month_start(month))
    return qs.order_by("-month", "institution__name")


def statement_totals(statements: QuerySet[Statement]) -> dict:
    """The statements' figures added up, by the statement's field names (and ``commission``)."""
    fields = [*STATEMENT_FIELDS.values(), *PAYABLE_FIELDS]
    sums = statements.aggregate(**{f: Sum(f) for f in fields})
    totals = {f: sums[f] or Decimal(0) for f in fields}
    figures = StatementFigures(*(totals[STATEMENT_FIELDS[n]] for n in StatementFigures._fields))
    totals["commission"] = figures.commission
    return totals
