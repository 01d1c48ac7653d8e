"""Institutions' applications and staff review: apply, the status moves (approve, reject, suspend,
reinstate) with their audit events, and the e-mail of each decision."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from marketplace.cache import bump_catalogue_version
from marketplace.i18n import language_for
from marketplace.slugs import unique_slug
from marketplace.tasks import enqueue

from ..models import (
    APPLICATION_SUBMITTED,
    INSTITUTION_TRANSITIONS,
    KINDS_BY_TYPE,
    Institution,
    InstitutionEvent,
    InstitutionStatus,
    InstitutionType,
    Membership,
    ProductKind,
    Role,
)
from ._common import _one_line, _site_name, _status_word

# Error messages (tests import these rather than repeating the strings); each is raised with
# the code beside it, which the API returns and tests assert.
LICENCE_TAKEN = _("An institution with this licence number has already applied.")
REASON_REQUIRED = _("Give a reason; the applicant will read it.")
ILLEGAL_MOVE = _("An institution that is %(from_status)s cannot be %(to_status)s.")
KINDS_REQUIRED = _("Choose at least one kind of product.")
KIND_UNKNOWN = _("Unknown product kind: %(kind)s.")
PLATFORM_NOT_APPLICABLE = _("The platform institution cannot be applied for.")
NOT_STAFF_REVIEW = _("Only platform staff review institutions.")
# --- applications and review -------------------------------------------------------------


def _clean_kinds(kinds: list[str], field: str) -> list[str]:
    if not kinds:
        raise ValidationError({field: ValidationError(KINDS_REQUIRED, code="kinds_required")})
    for kind in kinds:
        if kind not in ProductKind.values:
            raise ValidationError(
                {field: ValidationError(KIND_UNKNOWN, code="kind_unknown", params={"kind": kind})}
            )
    return [k for k in ProductKind.values if k in set(kinds)]


@transaction.atomic
def institution_apply(
    *,
    applicant,
    name: str,
    type: str,  # noqa: A002 - the domain's word
    licence_number: str,
    registered_address: str,
    website: str = "",
    contact_name: str,
    contact_email: str,
    requested_kinds: list[str],
    description: str,
) -> Institution:
    """An applicant asks to sell on the platform; staff review it next."""
    if type == InstitutionType.PLATFORM:
        raise ValidationError(
            {"type": ValidationError(PLATFORM_NOT_APPLICABLE, code="platform_not_applicable")}
        )
    institution = Institution(
        name=name.strip(),
        slug=unique_slug(name, queryset=Institution.objects.all(), fallback="institution"),
        type=type,
        licence_number=licence_number.strip().upper(),
        registered_address=registered_address.strip(),
        website=website.strip(),
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip().lower(),
        requested_kinds=_clean_kinds(requested_kinds, "requested_kinds"),
        description=description.strip(),
        applicant=applicant,
    )
    institution.full_clean(validate_unique=False)
    for attempt in range(3):
        try:
            with transaction.atomic():
                institution.save()
            break
        except IntegrityError as exc:
            if Institution.objects.filter(licence_number=institution.licence_number).exists():
                raise ValidationError(
                    {"licence_number": ValidationError(LICENCE_TAKEN, code="licence_taken")}
                ) from exc
            if attempt == 2:
                raise
            # Another application took the same slug a moment ago: make this one distinct.
            institution.slug = f"{institution.slug[:70]}-{secrets.token_hex(3)}"
    event = InstitutionEvent.objects.create(
        institution=institution,
        actor=applicant,
        from_status="",
        to_status=InstitutionStatus.APPLIED,
        reason=APPLICATION_SUBMITTED,
    )
    enqueue("institutions.tasks.institution_event_notify", event.pk)
    return institution


@transaction.atomic
def institution_transition(
    *,
    institution: Institution,
    to_status: str,
    actor,
    reason: str,
    granted_kinds: list[str] | None = None,
) -> InstitutionEvent:
    """Move an institution along its lifecycle; refuse illegal moves; audit and notify."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED, code="reason_required")})
    if not actor.is_staff:
        raise PermissionDenied(NOT_STAFF_REVIEW)
    locked = Institution.objects.select_for_update().get(pk=institution.pk)
    if to_status not in INSTITUTION_TRANSITIONS.get(locked.status, frozenset()):
        raise ValidationError(
            ILLEGAL_MOVE,
            code="illegal_transition",
            params={
                "from_status": _status_word(locked.status),
                "to_status": _status_word(to_status),
            },
        )
    event = InstitutionEvent(
        institution=locked,
        actor=actor,
        from_status=locked.status,
        to_status=to_status,
        reason=reason,
    )
    event.full_clean()
    first_approval = (
        locked.status == InstitutionStatus.APPLIED and to_status == InstitutionStatus.APPROVED
    )
    locked.status = to_status
    locked.status_changed_at = timezone.now()
    if granted_kinds is not None:
        extra = set(_clean_kinds(granted_kinds, "granted_kinds")) if granted_kinds else set()
        locked.granted_kinds = sorted(extra - KINDS_BY_TYPE[locked.type])
    locked.save(update_fields=["status", "status_changed_at", "granted_kinds"])
    event.save()
    bump_catalogue_version()  # an institution's status decides whether its products show
    if first_approval and locked.applicant_id:
        Membership.objects.get_or_create(
            user_id=locked.applicant_id, institution=locked, defaults={"role": Role.ADMIN}
        )
    enqueue("institutions.tasks.institution_event_notify", event.pk)
    institution.refresh_from_db()
    return event


def institution_approve(*, institution: Institution, actor, reason: str, granted_kinds=None):
    return institution_transition(
        institution=institution,
        to_status=InstitutionStatus.APPROVED,
        actor=actor,
        reason=reason,
        granted_kinds=granted_kinds,
    )


def institution_reject(*, institution: Institution, actor, reason: str):
    return institution_transition(
        institution=institution, to_status=InstitutionStatus.REJECTED, actor=actor, reason=reason
    )


def institution_suspend(*, institution: Institution, actor, reason: str):
    return institution_transition(
        institution=institution, to_status=InstitutionStatus.SUSPENDED, actor=actor, reason=reason
    )


def institution_reinstate(*, institution: Institution, actor, reason: str):
    return institution_transition(
        institution=institution, to_status=InstitutionStatus.APPROVED, actor=actor, reason=reason
    )


@transaction.atomic
def institution_event_notify(*, event_id: int) -> bool:
    """E-mail the applicant about one status event, once. Returns False if already sent."""
    event = (
        InstitutionEvent.objects.select_for_update(of=("self",))
        .select_related("institution", "institution__applicant")
        .filter(pk=event_id, notified_at__isnull=True)
        .first()
    )
    if event is None:
        return False
    institution = event.institution
    recipients = sorted(
        {institution.contact_email}
        | ({institution.applicant.email} if institution.applicant else set())
    )
    # Written in the applicant's language (the contact address reads the same e-mail).
    with translation.override(language_for(institution.applicant)):
        context = {
            "event": event,
            "institution": institution,
            "site_name": _site_name(),
            "site_url": settings.SITE_URL,
        }
        subject = _one_line(render_to_string("institutions/email/decision_subject.txt", context))
        body = render_to_string("institutions/email/decision_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    event.notified_at = timezone.now()
    event.save(update_fields=["notified_at"])
    return True
