"""CSV downloads of settlement statements (the same rows the pages show)."""

import io

from django.http import HttpResponse

from marketplace import csv_export

from . import selectors
from .models import Statement

CSV_HEADER = ["product", "code", "kind", *[key for key, _ in selectors.STATEMENT_COLUMNS]]


def statement_csv(statement: Statement) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv_export.writer(buffer)
    writer.writerow(CSV_HEADER)
    for row in selectors.statement_rows(statement=statement):
        writer.writerow([row[key] for key in CSV_HEADER])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"statement-{statement.institution.slug}-{statement.month:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
