"""NAV prices: reading a NAV CSV and uploading its rows (forward pricing, priced NAVs kept)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import ProductKind
from marketplace.bulk import bulk_upsert
from marketplace.money import NAV_STEP, decimal_places
from marketplace.trading_hours import price_publishable

from ..models import NavPrice, Product, ProductEventKind
from ._common import _event, _require_editor
from .stats import product_stats_refresh

# Error messages (tests import these).
NOT_A_FUND = "NAV prices are uploaded for funds only."
MONEY_MARKET_NAV = "A money-market fund's NAV is fixed at 1.0000."
NAV_CSV_HEADER = 'The CSV needs the columns "date" and "nav" in its first line.'
NAV_CSV_UNREADABLE = "The file is not a readable UTF-8 CSV."
NAV_CSV_BAD_LINE = "Line {line} of the file is not valid CSV ({error})."
NAV_FILE_TOO_BIG = "The file is larger than {limit} MB."

# One limit for NAV files, whether they come through the portal form or the API.
MAX_NAV_UPLOAD_MB = 20


@dataclass
class NavRowResult:
    line: int
    date: str
    nav: str
    outcome: str  # "added" | "updated" | "unchanged" | "rejected"
    message: str = ""
    code: str = ""


@dataclass
class NavUploadReport:
    rows: list[NavRowResult]

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
    def rejected(self) -> list[NavRowResult]:
        return [r for r in self.rows if r.outcome == "rejected"]


NAV_BAD_DATE = "Not a date: write it as YYYY-MM-DD."
NAV_FUTURE = "The date is in the future."
NAV_NOT_NUMBER = "The NAV is not a number."
NAV_NOT_POSITIVE = "The NAV must be above zero."
NAV_TOO_PRECISE = "The NAV has more than 4 decimal places."
NAV_TOO_BIG = "The NAV is implausibly large."
NAV_DUPLICATE = "The date appears more than once in the file (also on line {line})."
NAV_PRICED = _(
    "The NAV of this date ({nav}) already priced orders: an upload cannot change it. "
    "Ask platform staff for a NAV correction."
)
NAV_STAFF_REASON_REQUIRED = _("Give a reason: staff publishing a NAV is audited.")
# Forward pricing (DESIGN §4): the price of day D exists only after D's 15:00 cut-off.
PRICE_BEFORE_CUTOFF = (
    "The price of {date} can be uploaded only after its 15:00 cut-off (Asia/Shanghai)."
)


def nav_file_check_size(*, file) -> None:
    """Refuse a NAV file over :data:`MAX_NAV_UPLOAD_MB` (the portal form and the API alike)."""
    if file.size > MAX_NAV_UPLOAD_MB * 1024 * 1024:
        raise ValidationError(
            {
                "file": ValidationError(
                    NAV_FILE_TOO_BIG.format(limit=MAX_NAV_UPLOAD_MB), code="file_too_big"
                )
            }
        )


def parse_nav_csv(data: bytes | str) -> list[tuple[int, str, str]]:
    """CSV with a ``date,nav`` header → ``(line, date, nav)`` rows (strings, unjudged)."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError({"file": NAV_CSV_UNREADABLE}) from exc
    reader = csv.reader(io.StringIO(data))
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if "date" not in header or "nav" not in header:
            raise ValidationError({"file": NAV_CSV_HEADER})
        di, ni = header.index("date"), header.index("nav")
        rows = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            date = record[di].strip() if di < len(record) else ""
            nav = record[ni].strip() if ni < len(record) else ""
            rows.append((reader.line_num, date, nav))
    except csv.Error as exc:  # a field over the csv module's size limit, a NUL byte, …
        message = NAV_CSV_BAD_LINE.format(line=reader.line_num, error=exc)
        raise ValidationError({"file": ValidationError(message, code="csv_bad_line")}) from exc
    return rows


@transaction.atomic
def nav_upload(
    *, product: Product, actor, rows: list[tuple[int, str, str]], reason: str = ""
) -> NavUploadReport:
    """Judge every row, then save all the good ones in one transaction with bulk upserts.

    Rows are reported as added / updated / unchanged / rejected (with the reason). A 100,000-row
    file costs a handful of queries, not one per row. A NAV that already priced orders
    (``priced_at``) is never changed here: that row is refused (a staff-approved correction
    changes it). Platform staff may publish for any institution, suspended ones included, so
    that its investors' orders settle; they must give a ``reason``, kept on the audit row.
    """
    reason = (reason or "").strip()
    by_staff = False
    try:
        _require_editor(institution=product.institution, actor=actor)
    except PermissionDenied:
        if not getattr(actor, "is_staff", False):
            raise
        by_staff = True
        if not reason:
            raise ValidationError(
                {"reason": ValidationError(NAV_STAFF_REASON_REQUIRED, code="reason_required")}
            ) from None
    if product.kind != ProductKind.FUND:
        raise ValidationError({"product": NOT_A_FUND})
    if product.is_money_market:
        raise ValidationError({"product": MONEY_MARKET_NAV})
    now = timezone.now()
    today = timezone.localdate(now)
    results: list[NavRowResult] = []
    good: dict[dt.date, tuple[Decimal, NavRowResult]] = {}
    seen: dict[str, int] = {}
    for line, raw_date, raw_nav in rows:
        result = NavRowResult(line=line, date=raw_date, nav=raw_nav, outcome="rejected")
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
        try:
            nav = Decimal(raw_nav)
        except InvalidOperation:
            result.message = NAV_NOT_NUMBER
            continue
        if not nav.is_finite():
            result.message = NAV_NOT_NUMBER
        elif nav <= 0:
            result.message = NAV_NOT_POSITIVE
        elif decimal_places(nav) > 4:
            result.message = NAV_TOO_PRECISE
        elif nav >= Decimal("100000000"):
            result.message = NAV_TOO_BIG
        else:
            good[day] = (nav.quantize(NAV_STEP), result)
    if good:
        # Locked: end of day locks the NAVs it prices with, so a NAV is either changed before
        # it prices anything or refused here once it has.
        existing, priced = {}, set()
        for day, nav, priced_at in (
            NavPrice.objects.select_for_update()
            .filter(product=product, date__gte=min(good), date__lte=max(good))
            .values_list("date", "nav", "priced_at")
        ):
            existing[day] = nav
            if priced_at is not None:
                priced.add(day)
        changed = []
        for day, (nav, result) in good.items():
            if day not in existing:
                result.outcome = "added"
            elif existing[day] != nav and day in priced:
                result.message = str(NAV_PRICED.format(nav=existing[day]))
                result.code = "nav_priced"
                continue
            elif existing[day] != nav:
                result.outcome = "updated"
            else:
                result.outcome = "unchanged"
                continue
            changed.append((product.pk, day, nav))
        bulk_upsert(
            NavPrice,
            changed,
            fields=["product_id", "date", "nav"],
            unique_fields=["product", "date"],
            update_fields=["nav"],
        )
        report = NavUploadReport(rows=results)
        product_stats_refresh(product=product)
        _event(
            product,
            actor,
            ProductEventKind.NAV_UPLOADED,
            reason=reason,
            changes={
                "added": report.added,
                "updated": report.updated,
                "rejected": len(report.rejected),
                **({"by_staff": True} if by_staff else {}),
            },
        )
        return report
    return NavUploadReport(rows=results)
