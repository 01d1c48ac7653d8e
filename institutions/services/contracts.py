"""Commission contracts: what the platform earns from an institution, set by staff per product
kind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.cache import bump_catalogue_version

from ..models import (
    CommissionContract,
    Institution,
    InstitutionStatus,
    ProductKind,
    UpfrontBasis,
)
from .applications import KIND_UNKNOWN

# Error messages (tests import these rather than repeating the strings); each is raised with
# the code beside it, which the API returns and tests assert.


UPFRONT_BASIS_REQUIRED = _("Choose how the upfront commission is computed.")
UPFRONT_RATE_RANGE = _("Upfront rate must be between 0 and %(max)s.")
TRAIL_RATE_RANGE = _("Trail rate is a share of the management fee between 0 and 0.5 (50%).")
CONTRACT_STARTS_LATER = _(
    "A contract for this kind already starts on %(date)s; a new one must start after it."
)
CONTRACT_BEFORE_APPROVAL = _("Contracts can only be set for approved or suspended institutions.")
NOT_STAFF_CONTRACT = _("Only platform staff set commission contracts.")

UPFRONT_RATE_MAX: dict[str, Decimal] = {
    UpfrontBasis.AMOUNT: Decimal("0.05"),
    UpfrontBasis.FRONT_FEE: Decimal("1"),
}


# --- commission contracts --------------------------------------------------------------------


@transaction.atomic
def commission_contract_create(
    *,
    institution: Institution,
    product_kind: str,
    upfront_basis: str,
    upfront_rate: Decimal,
    trail_rate: Decimal,
    valid_from: dt.date,
    actor,
    note: str = "",
) -> CommissionContract:
    """Put a new contract in force from ``valid_from``; the open one before it ends the day before.

    Contracts are never edited: orders snapshot the one in force, and a change of terms is a
    new contract.
    """
    if not actor.is_staff:
        raise PermissionDenied(NOT_STAFF_CONTRACT)
    locked = Institution.objects.select_for_update().get(pk=institution.pk)
    if locked.status not in (InstitutionStatus.APPROVED, InstitutionStatus.SUSPENDED):
        raise ValidationError(CONTRACT_BEFORE_APPROVAL, code="contract_before_approval")
    errors: dict[str, ValidationError] = {}
    if upfront_basis not in UpfrontBasis.values:
        errors["upfront_basis"] = ValidationError(
            UPFRONT_BASIS_REQUIRED, code="upfront_basis_required"
        )
    else:
        top = UPFRONT_RATE_MAX[upfront_basis]
        if not (Decimal(0) <= upfront_rate <= top):
            errors["upfront_rate"] = ValidationError(
                UPFRONT_RATE_RANGE, code="upfront_rate_range", params={"max": top}
            )
    if not (Decimal(0) <= trail_rate <= Decimal("0.5")):
        errors["trail_rate"] = ValidationError(TRAIL_RATE_RANGE, code="trail_rate_range")
    if product_kind not in ProductKind.values:
        errors["product_kind"] = ValidationError(
            KIND_UNKNOWN, code="kind_unknown", params={"kind": product_kind}
        )
    if errors:
        raise ValidationError(errors)
    later = (
        CommissionContract.objects.filter(
            institution=locked, product_kind=product_kind, valid_from__gte=valid_from
        )
        .order_by("valid_from")
        .first()
    )
    if later is not None:
        raise ValidationError(
            {
                "valid_from": ValidationError(
                    CONTRACT_STARTS_LATER,
                    code="contract_starts_later",
                    params={"date": later.valid_from.isoformat()},
                )
            }
        )
    CommissionContract.objects.filter(
        institution=locked, product_kind=product_kind, valid_from__lt=valid_from
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from)).update(
        valid_to=valid_from - dt.timedelta(days=1)
    )
    contract = CommissionContract(
        institution=locked,
        product_kind=product_kind,
        upfront_basis=upfront_basis,
        upfront_rate=upfront_rate,
        trail_rate=trail_rate,
        valid_from=valid_from,
        note=note.strip(),
        created_by=actor,
    )
    contract.full_clean()
    contract.save()
    bump_catalogue_version()  # product pages say what the platform earns (products.fragments)
    return contract
