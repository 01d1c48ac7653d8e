"""What every daily price upload shares (a fund's NAV, a money-market fund's yield): reading
the CSV, judging each row's date (a real date, once per file, not in the future, past its
15:00 cut-off: forward pricing) and the row-by-row report."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marketplace.trading_hours import price_publishable

NAV_CSV_UNREADABLE = _("The file is not a readable UTF-8 CSV.")
NAV_CSV_BAD_LINE = _("Line {line} of the file is not valid CSV ({error}).")
NAV_BAD_DATE = _("Not a date: write it as YYYY-MM-DD.")
NAV_FUTURE = _("The date is in the future.")
NAV_DUPLICATE = _("The date appears more than once in the file (also on line {line}).")
# Forward pricing (DESIGN §4): the price of day D exists only after D's 15:00 cut-off.
PRICE_BEFORE_CUTOFF = (
    "The price of {date} can be uploaded only after its 15:00 cut-off (Asia/Shanghai)."
)


@dataclass
class UploadReport:
    """Every row of an upload with its outcome, in file order."""

    rows: list[Any] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def added(self) -> int:
        return self.count("added")

    @property
    def updated(self) -> int:
        return self.count("updated")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    @property
    def rejected(self) -> list[Any]:
        return [r for r in self.rows if r.outcome == "rejected"]

    def summary(self) -> dict[str, int]:
        """What the product's audit row records of the upload."""
        return {"added": self.added, "updated": self.updated, "rejected": len(self.rejected)}


def parse_price_csv(
    data: bytes | str, *, columns: Sequence[str], header_message: str | Promise
) -> list[tuple[Any, ...]]:
    """CSV whose header names ``columns`` (in any order, others ignored) → ``(line, *cells)``
    rows of stripped strings, unjudged; blank lines are skipped. An unreadable file or a line
    the csv module refuses (a field over its size limit, a NUL byte) is a 400 naming the line."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                {"file": ValidationError(NAV_CSV_UNREADABLE, code="unreadable")}
            ) from exc
    reader = csv.reader(io.StringIO(data))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if any(column not in header for column in columns):
            raise ValidationError({"file": ValidationError(str(header_message), code="header")})
        index = [header.index(column) for column in columns]
        rows = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            cells = [record[i].strip() if i < len(record) else "" for i in index]
            rows.append((reader.line_num, *cells))
    except csv.Error as exc:
        message = NAV_CSV_BAD_LINE.format(line=reader.line_num, error=exc)
        raise ValidationError({"file": ValidationError(message, code="csv_bad_line")}) from exc
    return rows


def judge_rows(
    rows: Sequence[Sequence[Any]],
    *,
    now: dt.datetime,
    result_for: Callable[..., Any],
    judge: Callable[..., tuple | str | Promise],
) -> tuple[list[Any], dict[dt.date, tuple[tuple, Any]]]:
    """Judge ``(line, date, *figures)`` rows: the date by the rules every price shares, then
    the figures by ``judge`` (a tuple of clean values, or why they are refused). Returns every
    row's result (``result_for(line, date, *figures)``, rejected until saved) and the good rows
    by day: ``{day: (values, result)}``. A date given twice refuses both rows."""
    today = timezone.localdate(now)
    results: list[Any] = []
    good: dict[dt.date, tuple[tuple, Any]] = {}
    seen: dict[str, int] = {}
    for line, raw_date, *figures in rows:
        result = result_for(line, raw_date, *figures)
        results.append(result)
        try:
            day = dt.date.fromisoformat(raw_date)
        except ValueError:
            result.message = NAV_BAD_DATE
            continue
        if raw_date in seen:
            result.message = NAV_DUPLICATE.format(line=seen[raw_date])
            first = good.pop(day, None)
            if first:
                first[1].outcome, first[1].message = "rejected", NAV_DUPLICATE.format(line=line)
            continue
        seen[raw_date] = line
        if day > today:
            result.message = NAV_FUTURE
            continue
        if not price_publishable(day, now=now):
            result.message = PRICE_BEFORE_CUTOFF.format(date=day)
            continue
        judged = judge(*figures)
        if not isinstance(judged, tuple):
            result.message = str(judged)
            continue
        good[day] = (judged, result)
    return results, good
