"""Listings: creating a product, editing it (a draft at once, a published one through a
revision for staff) and reading its terms."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, ProductKind
from marketplace.slugs import unique_slug

from ..fees import Tier, canonical_decimal, validate_tiers
from ..marketing import marketing_violations
from ..models import (
    TERMS_FIELDS,
    FeeSchedule,
    FeeTier,
    FundTerms,
    FundType,
    InsuranceTerms,
    Product,
    ProductEventKind,
    ProductRevision,
    ProductStatus,
    SavingsTerms,
)
from ._common import _event, _require_editor

# Error messages (tests import these).
KIND_NOT_ALLOWED = _("{institution} may not list {kind} products.")
FUND_TYPE_REQUIRED = _("Choose the type of fund.")
FUND_TYPE_ONLY_FUNDS = _("Only funds have a fund type.")
FUND_CODE_REQUIRED = _("Funds need their 6-digit fund code.")
FUND_CODE_TAKEN = _("Fund code {code} is already listed.")
TERMS_MISSING = _("Fill in the {kind} terms.")
NOT_EDITABLE = _("A {status} product cannot be edited.")
REVISION_PENDING = _("A change to this product is already waiting for review.")

# Changing these on a published product needs staff review (DESIGN §4).
MATERIAL_PRODUCT_FIELDS = ("risk_level", "min_purchase")
# ``name``/``summary`` are the active language's (django-modeltranslation); the portal form and
# the API name the columns of each language. Both languages are free fields alike.
BILINGUAL_FIELDS = ("name_zh_hans", "name_en", "summary_zh_hans", "summary_en")
FREE_PRODUCT_FIELDS = ("name", "summary", *BILINGUAL_FIELDS, "description")
TERMS_MODEL: dict[str, type[FundTerms | InsuranceTerms | SavingsTerms]] = {
    ProductKind.FUND: FundTerms,
    ProductKind.INSURANCE: InsuranceTerms,
    ProductKind.SAVINGS: SavingsTerms,
}


def _jsonable(value: Any) -> Any:
    """A JSON-safe, canonical form: equal decimals compare equal (``0.001000`` == ``0.001``)."""
    if isinstance(value, Decimal):
        return canonical_decimal(value)
    if isinstance(value, dt.date):
        return str(value)
    return value


def _tiers_of(product: Product, schedule: str) -> list[Tier]:
    return [Tier.of(t) for t in product.fee_tiers.all() if t.schedule == schedule]


def _validate_product(product: Product, terms: Any, tiers: dict[str, list[Tier]]) -> None:
    """Everything a listing must satisfy, as field errors."""
    errors: dict[str, list] = {}  # messages: str or lazy translations
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
            # The untranslated ``name`` column (what queries of other models read, e.g.
            # ``Order.objects.values("product__name")``) holds the English, else the Chinese.
            with (
                transaction.atomic(),
                translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE),
            ):
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


@transaction.atomic
def product_create(
    *,
    institution: Institution,
    actor,
    kind: str,
    risk_level: int,
    min_purchase: Decimal,
    name: str = "",
    summary: str = "",
    name_zh_hans: str = "",
    name_en: str = "",
    summary_zh_hans: str = "",
    summary_en: str = "",
    description: str = "",
    fund_type: str = "",
    code: str | None = None,
    terms: dict[str, Any],
    fee_tiers: dict[str, list[Tier]] | None = None,
) -> Product:
    """A new listing, as a draft. Staff review it before it is first published.

    Names and summaries come per language (``name_zh_hans``, ``name_en``, …); a plain ``name`` /
    ``summary`` is the active language's. One language is enough: pages fall back to it."""
    _require_editor(institution=institution, actor=actor)
    if kind not in institution.allowed_kinds:
        raise ValidationError(
            {"kind": KIND_NOT_ALLOWED.format(institution=institution.name, kind=kind)}
        )
    fee_tiers = fee_tiers or {}
    names = _per_language("name", name, zh_hans=name_zh_hans, en=name_en)
    summaries = _per_language("summary", summary, zh_hans=summary_zh_hans, en=summary_en)
    product = Product(
        institution=institution,
        kind=kind,
        fund_type=fund_type or "",
        **names,
        **summaries,
        # A readable slug from the English name; a Chinese-only name gets the fallback.
        slug=unique_slug(
            names["name_en"] or names["name_zh_hans"],
            queryset=Product.objects.all(),
            fallback="product",
        ),
        code=(code or "").strip() or None,
        risk_level=risk_level,
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


def _per_language(field_name: str, value: str, **by_language: str) -> dict[str, str]:
    """``{"name_zh_hans": …, "name_en": …}``: the explicit columns, and a plain ``value`` in the
    active language's column when that one is empty."""
    columns = {f"{field_name}_{code}": (text or "").strip() for code, text in by_language.items()}
    active = (translation.get_language() or settings.MODELTRANSLATION_DEFAULT_LANGUAGE).lower()
    column = f"{field_name}_{active.replace('-', '_')}"
    if column not in columns:
        column = f"{field_name}_{settings.MODELTRANSLATION_DEFAULT_LANGUAGE}"
    if (value or "").strip() and not columns[column]:
        columns[column] = value.strip()
    return columns


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
