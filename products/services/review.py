"""Review: a listing moves draft → in review → published → closed, and staff decide on revisions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..documents import missing_documents
from ..models import (
    FeeSchedule,
    Product,
    ProductEventKind,
    ProductRevision,
    ProductStatus,
    RevisionStatus,
)
from ..signals import product_risk_raised
from ._common import _event, _require_editor
from .listings import _apply_state, _check_marketing, _tiers_of, _validate_product, product_terms

# Error messages (tests import these).
ILLEGAL_MOVE = _("A {from_status} product cannot be {action}.")
REASON_REQUIRED = _("Give a reason; the institution will read it.")
DOCUMENTS_MISSING = (
    "A {kind} product is published only with its {missing}: {institution} has not uploaded "
    "{them} yet."
)

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
    old_risk = product.risk_level
    _apply_state(product, revision.proposed)
    revision.status = RevisionStatus.APPROVED
    revision.reviewed_by, revision.reviewed_at, revision.reason = actor, timezone.now(), reason
    revision.save()
    _event(
        product, actor, ProductEventKind.CHANGE_APPROVED, reason=reason, changes=revision.changes
    )
    if product.risk_level > old_risk:
        # Holders above whose level it now is are told (in orders, which listens).
        product_risk_raised.send(
            sender=Product, product_id=product.pk, old_level=old_risk, new_level=product.risk_level
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
