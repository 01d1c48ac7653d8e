"""Every write about products: listings and their review, NAV uploads, documents, articles."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, InstitutionStatus, Membership, ProductKind, Role
from marketplace.bulk import bulk_upsert
from marketplace.cache import bump_catalogue_version
from marketplace.dates import months_before
from marketplace.money import NAV_STEP, RATE_STEP, decimal_places
from marketplace.slugs import unique_slug
from marketplace.trading_hours import price_publishable

from ..documents import missing_documents
from ..fees import Tier, canonical_decimal, validate_tiers
from ..marketing import marketing_violations
from ..models import (
    TERMS_FIELDS,
    Article,
    ArticleStatus,
    FeeSchedule,
    FeeTier,
    FundTerms,
    FundType,
    InsuranceTerms,
    NavPrice,
    Product,
    ProductDocument,
    ProductEvent,
    ProductEventKind,
    ProductRevision,
    ProductStatus,
    RevisionStatus,
    SavingsTerms,
)

# Error messages (tests import these).
KIND_NOT_ALLOWED = "{institution} may not list {kind} products."
NOT_EDITOR = "Only editors and admins of {institution} can change its listings."
INSTITUTION_NOT_APPROVED = "{institution} is {status}: its listings cannot be changed."
FUND_TYPE_REQUIRED = "Choose the type of fund."
FUND_TYPE_ONLY_FUNDS = "Only funds have a fund type."
FUND_CODE_REQUIRED = "Funds need their 6-digit fund code."
FUND_CODE_TAKEN = "Fund code {code} is already listed."
TERMS_MISSING = "Fill in the {kind} terms."
NOT_EDITABLE = "A {status} product cannot be edited."
ILLEGAL_MOVE = "A {from_status} product cannot be {action}."
REASON_REQUIRED = "Give a reason; the institution will read it."
DOCUMENTS_MISSING = (
    "A {kind} product is published only with its {missing}: {institution} has not uploaded "
    "{them} yet."
)
REVISION_PENDING = "A change to this product is already waiting for review."
NOT_A_FUND = "NAV prices are uploaded for funds only."
MONEY_MARKET_NAV = "A money-market fund's NAV is fixed at 1.0000."
FILE_TOO_BIG = "The file is {size} MB; the limit is {limit} MB."
FILE_NOT_PDF = "Upload a PDF document (the file does not look like a PDF)."
NAV_CSV_HEADER = 'The CSV needs the columns "date" and "nav" in its first line.'
NAV_CSV_UNREADABLE = "The file is not a readable UTF-8 CSV."
NAV_CSV_BAD_LINE = "Line {line} of the file is not valid CSV ({error})."
NAV_FILE_TOO_BIG = "The file is larger than {limit} MB."

# One limit for NAV files, whether they come through the portal form or the API.
MAX_NAV_UPLOAD_MB = 20

MAX_DOCUMENT_MB = 10
# Changing these on a published product needs staff review (DESIGN §4).
MATERIAL_PRODUCT_FIELDS = ("risk_level", "min_purchase")
FREE_PRODUCT_FIELDS = ("name", "summary", "description")
TERMS_MODEL: dict[str, type[FundTerms | InsuranceTerms | SavingsTerms]] = {
    ProductKind.FUND: FundTerms,
    ProductKind.INSURANCE: InsuranceTerms,
    ProductKind.SAVINGS: SavingsTerms,
}

PAST_TENSE = {
    "submit": "submitted",
    "approve": "approved",
    "reject": "rejected",
    "withdraw": "withdrawn",
    "close": "closed",
}
PRODUCT_TRANSITIONS: dict[tuple[str, str], str] = {
    ("submit", ProductStatus.DRAFT): ProductStatus.IN_REVIEW,
    ("approve", ProductStatus.IN_REVIEW): ProductStatus.PUBLISHED,
    ("reject", ProductStatus.IN_REVIEW): ProductStatus.DRAFT,
    ("withdraw", ProductStatus.IN_REVIEW): ProductStatus.DRAFT,
    ("close", ProductStatus.PUBLISHED): ProductStatus.CLOSED,
}


# --- helpers ---------------------------------------------------------------------------------


def _require_editor(*, institution: Institution, actor) -> None:
    if institution.status != InstitutionStatus.APPROVED:
        raise PermissionDenied(
            INSTITUTION_NOT_APPROVED.format(
                institution=institution.name, status=institution.get_status_display().lower()
            )
        )
    membership = Membership.objects.filter(institution=institution, user=actor).first()
    if membership is None or not membership.has_role(Role.EDITOR):
        raise PermissionDenied(NOT_EDITOR.format(institution=institution.name))


def _jsonable(value: Any) -> Any:
    """A JSON-safe, canonical form: equal decimals compare equal (``0.001000`` == ``0.001``)."""
    if isinstance(value, Decimal):
        return canonical_decimal(value)
    if isinstance(value, dt.date):
        return str(value)
    return value


def _event(product, actor, kind, *, from_status="", to_status="", reason="", changes=None):
    """Audit row for every product write; public pages are refreshed after it commits."""
    bump_catalogue_version()
    return ProductEvent.objects.create(
        product=product,
        actor=actor,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        changes=changes or {},
    )


def _tiers_of(product: Product, schedule: str) -> list[Tier]:
    return [Tier.of(t) for t in product.fee_tiers.all() if t.schedule == schedule]


def _validate_product(product: Product, terms: Any, tiers: dict[str, list[Tier]]) -> None:
    """Everything a listing must satisfy, as field errors."""
    errors: dict[str, list[str]] = {}
    try:
        product.full_clean(exclude=["slug"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if product.kind == ProductKind.FUND:
        if not product.fund_type:
            errors.setdefault("fund_type", []).append(FUND_TYPE_REQUIRED)
        if not product.code:
            errors.setdefault("code", []).append(FUND_CODE_REQUIRED)
        money_market = product.fund_type == FundType.MONEY_MARKET
        for schedule in FeeSchedule.values:
            problems = validate_tiers(
                tiers.get(schedule, []), schedule=schedule, money_market=money_market
            )
            if problems:
                errors.setdefault(f"{schedule}_tiers", []).extend(problems)
    elif product.fund_type:
        errors.setdefault("fund_type", []).append(FUND_TYPE_ONLY_FUNDS)
    if terms is None:
        errors.setdefault("terms", []).append(TERMS_MISSING.format(kind=product.kind))
    else:
        try:
            terms.full_clean(exclude=["product"], validate_constraints=False)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if (
            product.kind == ProductKind.SAVINGS
            and terms.early_withdrawal_rate is not None
            and terms.annual_rate is not None
            and terms.early_withdrawal_rate > terms.annual_rate
        ):
            errors.setdefault("early_withdrawal_rate", []).append(
                "The early-withdrawal rate cannot be above the annual rate."
            )
    if errors:
        raise ValidationError(errors)


def _headline_fee(product: Product, tiers: dict[str, list[Tier]]) -> Decimal:
    subscription = sorted(tiers.get(FeeSchedule.SUBSCRIPTION, []), key=lambda t: t.lower)
    return subscription[0].rate if subscription else Decimal(0)


def _save_tiers(product: Product, tiers: dict[str, list[Tier]]) -> None:
    product.fee_tiers.all().delete()
    FeeTier.objects.bulk_create(
        FeeTier(
            product=product,
            schedule=schedule,
            lower=t.lower,
            upper=t.upper,
            rate=t.rate,
            fixed_fee=t.fixed_fee,
        )
        for schedule, rows in tiers.items()
        for t in rows
    )


def _save(product: Product) -> None:
    for attempt in range(3):
        try:
            with transaction.atomic():
                product.save()
            return
        except IntegrityError as exc:
            taken = Product.objects.filter(code=product.code).exclude(pk=product.pk)
            if product.code and taken.exists():
                raise ValidationError({"code": FUND_CODE_TAKEN.format(code=product.code)}) from exc
            if attempt == 2 or product.pk:
                raise
            # Another listing took the same slug a moment ago: make this one distinct.
            product.slug = f"{product.slug[:70]}-{secrets.token_hex(3)}"


# --- listings ------------------------------------------------------------------------------


@transaction.atomic
def product_create(
    *,
    institution: Institution,
    actor,
    kind: str,
    name: str,
    risk_level: int,
    summary: str,
    min_purchase: Decimal,
    description: str = "",
    fund_type: str = "",
    code: str | None = None,
    terms: dict[str, Any],
    fee_tiers: dict[str, list[Tier]] | None = None,
) -> Product:
    """A new listing, as a draft. Staff review it before it is first published."""
    _require_editor(institution=institution, actor=actor)
    if kind not in institution.allowed_kinds:
        raise ValidationError(
            {"kind": KIND_NOT_ALLOWED.format(institution=institution.name, kind=kind)}
        )
    fee_tiers = fee_tiers or {}
    product = Product(
        institution=institution,
        kind=kind,
        fund_type=fund_type or "",
        name=(name or "").strip(),
        slug=unique_slug(name or "", queryset=Product.objects.all(), fallback="product"),
        code=(code or "").strip() or None,
        risk_level=risk_level,
        summary=(summary or "").strip(),
        description=(description or "").strip(),
        min_purchase=min_purchase,
    )
    terms_obj = TERMS_MODEL[kind](**{k: terms.get(k) for k in TERMS_FIELDS[kind] if k in terms})
    _validate_product(product, terms_obj, fee_tiers)
    product.headline_fee_rate = _headline_fee(product, fee_tiers)
    if product.is_money_market:
        product.latest_nav = Decimal("1.0000")
    _save(product)
    terms_obj.product = product
    terms_obj.save()
    _save_tiers(product, fee_tiers)
    _event(product, actor, ProductEventKind.CREATED, to_status=product.status)
    return product


def product_terms(product: Product):
    return getattr(
        product,
        {"fund": "fund_terms", "insurance": "insurance_terms", "savings": "savings_terms"}[
            product.kind
        ],
        None,
    )


def _current_state(product: Product) -> dict[str, Any]:
    terms = product_terms(product)
    return {
        "product": {
            f: _jsonable(getattr(product, f))
            for f in (*FREE_PRODUCT_FIELDS, *MATERIAL_PRODUCT_FIELDS)
        },
        "terms": {f: _jsonable(getattr(terms, f)) for f in TERMS_FIELDS[product.kind]}
        if terms
        else {},
        "fee_tiers": {s: [t.as_dict() for t in _tiers_of(product, s)] for s in FeeSchedule.values},
    }


def _diff(old: dict, new: dict) -> dict[str, list]:
    changes = {}
    for section in ("product", "terms"):
        for key, value in new.get(section, {}).items():
            if old[section].get(key) != value:
                changes[key] = [old[section].get(key), value]
    for schedule, rows in new.get("fee_tiers", {}).items():
        if old["fee_tiers"].get(schedule) != rows:
            changes[f"{schedule}_tiers"] = [old["fee_tiers"].get(schedule), rows]
    return changes


def _apply_state(product: Product, state: dict) -> None:
    for key, value in state.get("product", {}).items():
        setattr(product, key, value)
    terms = product_terms(product)
    for key, value in state.get("terms", {}).items():
        setattr(terms, key, value)
    tiers = {s: [Tier.from_dict(t) for t in rows] for s, rows in state.get("fee_tiers", {}).items()}
    all_tiers = {s: tiers.get(s, _tiers_of(product, s)) for s in FeeSchedule.values}
    product.risk_level = int(product.risk_level)
    product.min_purchase = Decimal(str(product.min_purchase))
    _validate_product(product, terms, all_tiers)
    product.headline_fee_rate = _headline_fee(product, all_tiers)
    product.updated_at = timezone.now()
    _save(product)
    terms.save()
    if tiers:
        _save_tiers(product, all_tiers)


@dataclass
class UpdateResult:
    product: Product
    applied: dict[str, list] = field(default_factory=dict)
    revision: ProductRevision | None = None


@transaction.atomic
def product_update(
    *,
    product: Product,
    actor,
    changes: dict[str, Any],
    terms: dict[str, Any] | None = None,
    fee_tiers: dict[str, list[Tier]] | None = None,
) -> UpdateResult:
    """Edit a listing. A draft changes at once. On a published product the name, summary and
    description change at once (recorded), while fees, risk level and terms become a revision
    that staff review; the live product keeps its terms until then."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    _require_editor(institution=product.institution, actor=actor)
    if product.status in (ProductStatus.IN_REVIEW, ProductStatus.CLOSED):
        raise ValidationError(NOT_EDITABLE.format(status=product.get_status_display().lower()))
    old = _current_state(product)
    new = {
        "product": {
            k: _jsonable(v)
            for k, v in changes.items()
            if k in (*FREE_PRODUCT_FIELDS, *MATERIAL_PRODUCT_FIELDS)
        },
        "terms": {
            k: _jsonable(v) for k, v in (terms or {}).items() if k in TERMS_FIELDS[product.kind]
        },
        "fee_tiers": {s: [t.as_dict() for t in rows] for s, rows in (fee_tiers or {}).items()},
    }
    if "risk_level" in new["product"]:
        new["product"]["risk_level"] = int(new["product"]["risk_level"])
    diff = _diff(old, new)
    result = UpdateResult(product=product)
    if not diff:
        return result
    if product.status == ProductStatus.DRAFT:
        _apply_state(product, new)
        result.applied = diff
        _event(product, actor, ProductEventKind.CHANGED, changes=diff)
        return result
    # Published: free fields now, material ones through review.
    free = {k: v for k, v in new["product"].items() if k in FREE_PRODUCT_FIELDS}
    free_diff = {k: d for k, d in diff.items() if k in FREE_PRODUCT_FIELDS}
    material_diff = {k: d for k, d in diff.items() if k not in FREE_PRODUCT_FIELDS}
    if free_diff:
        if "description" in free_diff:
            _check_marketing(free.get("description", ""), field_name="description")
        _apply_state(product, {"product": free})
        result.applied = free_diff
        _event(product, actor, ProductEventKind.CHANGED, changes=free_diff)
    if material_diff:
        proposed = {
            "product": {k: v for k, v in new["product"].items() if k in MATERIAL_PRODUCT_FIELDS},
            "terms": new["terms"],
            "fee_tiers": new["fee_tiers"],
        }
        # Validate the proposal now so the editor hears about problems, not staff.
        with transaction.atomic():
            sid = transaction.savepoint()
            _apply_state(product, proposed)
            transaction.savepoint_rollback(sid)
        product.refresh_from_db()
        try:
            with transaction.atomic():
                result.revision = ProductRevision.objects.create(
                    product=product, proposed=proposed, changes=material_diff, submitted_by=actor
                )
        except IntegrityError as exc:
            raise ValidationError(REVISION_PENDING) from exc
        _event(product, actor, ProductEventKind.CHANGE_SUBMITTED, changes=material_diff)
    return result


def _check_marketing(text: str, *, field_name: str) -> None:
    problems = marketing_violations(text)
    if problems:
        raise ValidationError({field_name: problems})


def _move(product: Product, *, action: str, actor, reason: str = "") -> Product:
    locked = Product.objects.select_for_update().select_related("institution").get(pk=product.pk)
    to_status = PRODUCT_TRANSITIONS.get((action, locked.status))
    if to_status is None:
        raise ValidationError(
            ILLEGAL_MOVE.format(
                from_status=locked.get_status_display().lower(),
                action=PAST_TENSE[action],
            )
        )
    from_status = locked.status
    locked.status = to_status
    if to_status == ProductStatus.PUBLISHED and locked.published_at is None:
        locked.published_at = timezone.now()
    locked.updated_at = timezone.now()
    locked.save(update_fields=["status", "published_at", "updated_at"])
    kind = {
        "submit": ProductEventKind.SUBMITTED,
        "approve": ProductEventKind.APPROVED,
        "reject": ProductEventKind.REJECTED,
        "withdraw": ProductEventKind.CHANGED,
        "close": ProductEventKind.CLOSED,
    }[action]
    _event(locked, actor, kind, from_status=from_status, to_status=to_status, reason=reason)
    product.refresh_from_db()
    return locked


@transaction.atomic
def product_submit(*, product: Product, actor) -> Product:
    """Draft → in review, once the listing is complete and its description passes the
    marketing rules."""
    _require_editor(institution=product.institution, actor=actor)
    product = Product.objects.select_related("institution").get(pk=product.pk)
    terms = product_terms(product)
    _validate_product(product, terms, {s: _tiers_of(product, s) for s in FeeSchedule.values})
    _check_marketing(product.description, field_name="description")
    _check_marketing(product.summary, field_name="summary")
    return _move(product, action="submit", actor=actor)


@transaction.atomic
def product_withdraw(*, product: Product, actor) -> Product:
    _require_editor(institution=product.institution, actor=actor)
    return _move(product, action="withdraw", actor=actor, reason="Withdrawn from review.")


def _require_staff(actor) -> None:
    if not actor.is_staff:
        raise PermissionDenied("Only platform staff review products.")


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    return reason


@transaction.atomic
def product_approve(*, product: Product, actor, reason: str) -> Product:
    """In review → published, only with the documents its kind requires (REQUIRED_DOCUMENTS)."""
    _require_staff(actor)
    reason = _reason(reason)
    locked = Product.objects.select_for_update().select_related("institution").get(pk=product.pk)
    missing = missing_documents(product=locked)
    if missing:
        raise ValidationError(
            DOCUMENTS_MISSING.format(
                kind=locked.get_kind_display().lower(),
                missing=" and ".join(m.lower() for m in missing),
                institution=locked.institution.name,
                them="them" if len(missing) > 1 else "it",
            ),
            code="documents_missing",
        )
    return _move(product, action="approve", actor=actor, reason=reason)


@transaction.atomic
def product_reject(*, product: Product, actor, reason: str) -> Product:
    _require_staff(actor)
    return _move(product, action="reject", actor=actor, reason=_reason(reason))


@transaction.atomic
def product_close(*, product: Product, actor, reason: str) -> Product:
    """Stop selling a product (editors of its institution, or staff)."""
    if not actor.is_staff:
        _require_editor(institution=product.institution, actor=actor)
    return _move(product, action="close", actor=actor, reason=_reason(reason))


@transaction.atomic
def revision_approve(*, revision: ProductRevision, actor, reason: str) -> ProductRevision:
    _require_staff(actor)
    reason = _reason(reason)
    revision = ProductRevision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != RevisionStatus.PENDING:
        raise ValidationError("This change has already been reviewed.")
    product = Product.objects.select_for_update().get(pk=revision.product_id)
    _apply_state(product, revision.proposed)
    revision.status = RevisionStatus.APPROVED
    revision.reviewed_by, revision.reviewed_at, revision.reason = actor, timezone.now(), reason
    revision.save()
    _event(
        product, actor, ProductEventKind.CHANGE_APPROVED, reason=reason, changes=revision.changes
    )
    return revision


@transaction.atomic
def revision_reject(*, revision: ProductRevision, actor, reason: str) -> ProductRevision:
    _require_staff(actor)
    reason = _reason(reason)
    updated = ProductRevision.objects.filter(pk=revision.pk, status=RevisionStatus.PENDING).update(
        status=RevisionStatus.REJECTED, reviewed_by=actor, reviewed_at=timezone.now(), reason=reason
    )
    if not updated:
        raise ValidationError("This change has already been reviewed.")
    revision.refresh_from_db()
    _event(
        revision.product,
        actor,
        ProductEventKind.CHANGE_REJECTED,
        reason=reason,
        changes=revision.changes,
    )
    return revision


# --- NAV prices ------------------------------------------------------------------------------


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


# --- documents ------------------------------------------------------------------------------


@transaction.atomic
def document_add(*, product: Product, actor, kind: str, title: str, file) -> ProductDocument:
    """Attach a PDF (prospectus, policy wording, …) of at most MAX_DOCUMENT_MB."""
    _require_editor(institution=product.institution, actor=actor)
    if file.size > MAX_DOCUMENT_MB * 1024 * 1024:
        raise ValidationError(
            {"file": FILE_TOO_BIG.format(size=round(file.size / 1048576, 1), limit=MAX_DOCUMENT_MB)}
        )
    head = file.read(5)
    file.seek(0)
    if head != b"%PDF-":
        raise ValidationError({"file": FILE_NOT_PDF})
    document = ProductDocument(
        product=product,
        kind=kind,
        title=(title or "").strip(),
        file=file,
        original_name=os.path.basename(file.name or "")[:255],
        size=file.size,
        content_type="application/pdf",
        uploaded_by=actor,
    )
    document.full_clean(exclude=["file"])
    document.save()
    _event(product, actor, ProductEventKind.DOCUMENT_ADDED, changes={"document": document.title})
    return document


# --- articles -------------------------------------------------------------------------------


@transaction.atomic
def article_save(
    *,
    institution: Institution,
    actor,
    title: str,
    body: str,
    kind: str,
    product: Product | None = None,
    article: Article | None = None,
) -> Article:
    """Create or edit a draft article (a published one is withdrawn before editing)."""
    _require_editor(institution=institution, actor=actor)
    if product is not None and product.institution_id != institution.pk:
        raise ValidationError({"product": "Choose one of your own products."})
    if article is None:
        article = Article(institution=institution, author=actor)
    elif article.status == ArticleStatus.PUBLISHED:
        raise ValidationError("Withdraw the article before editing it.")
    article.title, article.body, article.kind, article.product = (
        (title or "").strip(),
        (body or "").strip(),
        kind,
        product,
    )
    article.full_clean()
    article.save()
    return article


@transaction.atomic
def article_publish(*, article: Article, actor) -> Article:
    """Publish after the marketing check; a violation quotes the offending sentence."""
    _require_editor(institution=article.institution, actor=actor)
    problems = marketing_violations(article.title) + marketing_violations(article.body)
    if problems:
        raise ValidationError({"body": problems})
    article.status = ArticleStatus.PUBLISHED
    article.published_at = timezone.now()
    article.save(update_fields=["status", "published_at"])
    bump_catalogue_version()
    return article


@transaction.atomic
def article_withdraw(*, article: Article, actor) -> Article:
    _require_editor(institution=article.institution, actor=actor)
    article.status = ArticleStatus.WITHDRAWN
    article.save(update_fields=["status"])
    bump_catalogue_version()
    return article
