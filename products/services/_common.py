"""What every product write shares: the editor check and the audit row."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, InstitutionStatus, Membership, Role
from marketplace.cache import bump_catalogue_version

from ..models import ProductEvent

# Error messages (tests import these).
NOT_EDITOR = _("Only editors and admins of {institution} can change its listings.")
INSTITUTION_NOT_APPROVED = _("{institution} is {status}: its listings cannot be changed.")


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
