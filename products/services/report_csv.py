"""A fund's periodic report as one CSV file (the portal's upload and the API's ``file``):
``record,name,code,value,date,note``, one line per fact. Every bad cell is named by its line and
column, and a file with any is refused whole: nothing of it reaches the service."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from marketplace import csv_export

from ..report_models import AssetClass
from .reports import (
    CSV_BAD_PERIOD,
    DATE_IN_FUTURE,
    MAX_HOLDINGS,
    NOT_A_DATE,
    REQUIRED,
    RETURN_RANGE,
    TOO_MANY_HOLDINGS,
    HoldingRow,
    ManagerRow,
    ReportData,
    percent_problem,
)

MAX_REPORT_CSV_BYTES = 256 * 1024

CSV_UNREADABLE = _("The file is not a readable UTF-8 CSV.")
CSV_TOO_BIG = _("The file is larger than 256 KB.")
CSV_HEADER = _('The first line must be the header "record,name,code,value,date,note".')
CSV_CELL = _("Line {line}, column {column}: {message}")
CSV_LINE = _("Line {line}: {message}")
CSV_BAD_LINE = _("Line {line} of the file is not valid CSV ({error}).")
CSV_UNKNOWN_RECORD = _(
    'Unknown record "{record}": use period, fund_size, benchmark, manager, holding or allocation.'
)
CSV_ONCE = _('Give exactly one "{record}" line (the file has {count}).')
CSV_UNKNOWN_CLASS = _('Unknown asset class "{name}": use stocks, bonds, cash or other.')
CSV_CLASS_TWICE = _('The asset class "{name}" appears twice (also on line {line}).')
NOT_A_NUMBER = _("Not a number.")

CSV_COLUMNS = ("record", "name", "code", "value", "date", "note")

_PERIOD_TEXT = re.compile(r"^\s*(\d{4})\s*[- ]?\s*(q[1-4]|h1|annual|fy)\s*$", re.IGNORECASE)


def _cell(line: int, column: str, message) -> ValidationError:
    return ValidationError(
        CSV_CELL.format(line=line, column=column, message=message), code="csv_cell"
    )


def parse_report_csv(data: bytes | str, *, today: dt.date | None = None) -> ReportData:
    """The one-file report (see :data:`CSV_TEMPLATE`) → :class:`ReportData`. Any unreadable
    cell raises one ``ValidationError({"file": [...]})`` naming every bad line and column."""
    if isinstance(data, bytes):
        if len(data) > MAX_REPORT_CSV_BYTES:
            raise ValidationError({"file": ValidationError(CSV_TOO_BIG, code="too_big")})
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                {"file": ValidationError(CSV_UNREADABLE, code="unreadable")}
            ) from exc
    reader = csv.reader(io.StringIO(data))
    problems: list[ValidationError] = []
    found: dict[str, list] = {"period": [], "fund_size": [], "benchmark": []}
    managers, holdings, allocation, class_line = [], [], {}, {}
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if tuple(header[: len(CSV_COLUMNS)]) != CSV_COLUMNS:
            raise ValidationError({"file": ValidationError(CSV_HEADER, code="header")})
        for record in reader:
            if not any(c.strip() for c in record):
                continue
            line = reader.line_num
            cells = dict(zip(CSV_COLUMNS, [c.strip() for c in record] + [""] * 6, strict=False))
            kind = cells["record"].lower()
            bad = len(problems)

            def number(column, required=True, line=line, cells=cells):
                text = cells[column].replace(",", "")
                if not text:
                    if required:
                        problems.append(_cell(line, column, REQUIRED))
                    return None
                try:
                    value = Decimal(text)
                except InvalidOperation:
                    problems.append(_cell(line, column, NOT_A_NUMBER))
                    return None
                if not value.is_finite():
                    problems.append(_cell(line, column, NOT_A_NUMBER))
                    return None
                return value

            def date(column, line=line, cells=cells):
                try:
                    return dt.date.fromisoformat(cells[column])
                except ValueError:
                    problems.append(_cell(line, column, NOT_A_DATE if cells[column] else REQUIRED))
                    return None

            def text(column, line=line, cells=cells):
                if not cells[column]:
                    problems.append(_cell(line, column, REQUIRED))
                return cells[column]

            if kind == "period":
                match = _PERIOD_TEXT.match(cells["name"])
                if not match:
                    problems.append(_cell(line, "name", CSV_BAD_PERIOD))
                else:
                    period = match.group(2).lower().replace("fy", "annual")
                    found["period"].append((line, int(match.group(1)), period))
            elif kind == "fund_size":
                size, day = number("value"), date("date")
                found["fund_size"].append((line, size, day))
            elif kind == "benchmark":
                name, bench = text("name"), number("value", required=False)
                if bench is not None:
                    problem = percent_problem(
                        bench, low=Decimal(-100), high=Decimal(1000), range_message=RETURN_RANGE
                    )
                    if problem:
                        problems.append(_cell(line, "value", problem))
                found["benchmark"].append((line, name, bench))
            elif kind == "manager":
                name, since = text("name"), date("date")
                if since and today and since > today:
                    problems.append(_cell(line, "date", DATE_IN_FUTURE))
                managers.append(ManagerRow(name, since, cells["note"]))
            elif kind == "holding":
                name, code, weight = text("name"), text("code"), number("value")
                if weight is not None and (problem := percent_problem(weight)):
                    problems.append(_cell(line, "value", problem))
                holdings.append(HoldingRow(name, code, weight))
            elif kind == "allocation":
                asset = cells["name"].lower()
                weight = number("value")
                if asset not in AssetClass.values:
                    problems.append(_cell(line, "name", CSV_UNKNOWN_CLASS.format(name=asset)))
                elif asset in class_line:
                    message = CSV_CLASS_TWICE.format(name=asset, line=class_line[asset])
                    problems.append(_cell(line, "name", message))
                elif weight is not None and (problem := percent_problem(weight)):
                    problems.append(_cell(line, "value", problem))
                else:
                    class_line[asset] = line
                    allocation[asset] = weight
            else:
                message = CSV_UNKNOWN_RECORD.format(record=cells["record"])
                problems.append(_cell(line, "record", message))
            if len(problems) > bad and len(problems) > 50:
                break
    except csv.Error as exc:
        message = CSV_BAD_LINE.format(line=reader.line_num, error=exc)
        raise ValidationError({"file": ValidationError(message, code="csv_bad_line")}) from exc
    for record, rows in found.items():
        if len(rows) != 1:
            problems.append(
                ValidationError(CSV_ONCE.format(record=record, count=len(rows)), code="csv_once")
            )
    if len(holdings) > MAX_HOLDINGS:
        message = TOO_MANY_HOLDINGS.format(n=MAX_HOLDINGS)
        problems.append(ValidationError(message, code="too_many_holdings"))
    if problems:
        raise ValidationError({"file": problems})
    (_, year, period), (_, size, size_date), (_, bench_name, bench) = (
        found["period"][0],
        found["fund_size"][0],
        found["benchmark"][0],
    )
    return ReportData(
        year=year,
        period=period,
        fund_size=size,
        fund_size_date=size_date,
        benchmark_name=bench_name,
        benchmark_return_percent=bench,
        managers=managers,
        holdings=holdings,
        allocation={a: v for a, v in allocation.items() if v is not None},
    )


def report_csv(data: ReportData) -> str:
    """A report written in the CSV format :func:`parse_report_csv` reads (the template)."""
    out = io.StringIO()
    writer = csv_export.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(["period", f"{data.year} {data.period.upper()}", "", "", "", ""])
    writer.writerow(["fund_size", "", "", f"{data.fund_size}", data.fund_size_date, ""])
    bench = "" if data.benchmark_return_percent is None else f"{data.benchmark_return_percent}"
    writer.writerow(["benchmark", data.benchmark_name, "", bench, "", ""])
    for m in data.managers:
        writer.writerow(["manager", m.name, "", "", m.since, m.bio])
    for h in data.holdings:
        writer.writerow(["holding", h.name, h.code, f"{h.percent_of_nav}", "", ""])
    for asset in AssetClass.values:
        if asset in data.allocation:
            writer.writerow(["allocation", asset, "", f"{data.allocation[asset]}", "", ""])
    return out.getvalue()
