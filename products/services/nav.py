"""NAV prices: reading a NAV CSV and uploading its rows (forward pricing, priced NAVs kept)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from institutions.models import ProductKind
from marketplace.bulk import bulk_upsert
from marketplace.money import NAV_STEP, decimal_places

from ..models import NavPrice, Product, ProductEventKind
from ..signals import nav_published
from ._common import _event, _require_editor
from .prices import (
    UploadReport,
    judge_rows,
    parse_price_csv,
)
from .stats import product_stats_refresh

# Error messages (tests import these).
NOT_A_FUND = _("NAV prices are uploaded for funds only.")
MONEY_MARKET_NAV = _("A money-market fund's NAV is fixed at 1.0000.")
NAV_CSV_HEADER = 'The CSV needs the columns "date" and "nav" in its first line.'
NAV_FILE_TOO_BIG = _("The file is larger than {limit} MB.")

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


NavUploadReport = UploadReport


NAV_NOT_NUMBER = _("The NAV is not a number.")
NAV_NOT_POSITIVE = _("The NAV must be above zero.")
NAV_TOO_PRECISE = _("The NAV has more than 4 decimal places.")
NAV_TOO_BIG = _("The NAV is implausibly large.")
NAV_PRICED = _(
    "The NAV of this date ({nav}) already priced orders: an upload cannot change it. "
    "Ask platform staff for a NAV correction."
)
NAV_STAFF_REASON_REQUIRED = _("Give a reason: staff publishing a NAV is audited.")


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
    return parse_price_csv(data, columns=("date", "nav"), header_message=NAV_CSV_HEADER)


def _judge_nav(raw_nav: str) -> tuple[Decimal] | StrOrPromise:
    """The row's NAV, or why it is refused."""
    try:
        nav = Decimal(raw_nav)
    except InvalidOperation:
        return NAV_NOT_NUMBER
    if not nav.is_finite():
        return NAV_NOT_NUMBER
    if nav <= 0:
        return NAV_NOT_POSITIVE
    if decimal_places(nav) > 4:
        return NAV_TOO_PRECISE
    if nav >= Decimal("100000000"):
        return NAV_TOO_BIG
    return (nav.quantize(NAV_STEP),)


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
    results, good = judge_rows(
        rows,
        now=timezone.now(),
        result_for=lambda line, date, nav: NavRowResult(line, date, nav, outcome="rejected"),
        judge=_judge_nav,
    )
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
        for day, ((nav,), result) in good.items():
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
        if changed:
            nav_published.send(sender=Product, product_id=product.pk)
        _event(
            product,
            actor,
            ProductEventKind.NAV_UPLOADED,
            reason=reason,
            changes={**report.summary(), **({"by_staff": True} if by_staff else {})},
        )
        return report
    return NavUploadReport(rows=results)
