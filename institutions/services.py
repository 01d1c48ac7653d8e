"""Every write about institutions: applications, review decisions, members, commission contracts."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from marketplace.cache import bump_catalogue_version
from marketplace.i18n import language_for
from marketplace.slugs import unique_slug
from marketplace.tasks import enqueue

from .models import (
    APPLICATION_SUBMITTED,
    INSTITUTION_TRANSITIONS,
    KINDS_BY_TYPE,
    CommissionContract,
    Institution,
    InstitutionEvent,
    InstitutionStatus,
    InstitutionType,
    Invitation,
    Membership,
    ProductKind,
    Role,
    UpfrontBasis,
)

# Error messages (tests import these rather than repeating the strings); each is raised with
# the code beside it, which the API returns and tests assert.
LICENCE_TAKEN = _("An institution with this licence number has already applied.")
REASON_REQUIRED = _("Give a reason; the applicant will read it.")
ILLEGAL_MOVE = _("An institution that is %(from_status)s cannot be %(to_status)s.")
KINDS_REQUIRED = _("Choose at least one kind of product.")
KIND_UNKNOWN = _("Unknown product kind: %(kind)s.")
PLATFORM_NOT_APPLICABLE = _("The platform institution cannot be applied for.")
NOT_STAFF_REVIEW = _("Only platform staff review institutions.")
NOT_ADMIN = _("Only an admin of this institution can manage its members.")
NOT_APPROVED = _("This institution is %(status)s; members cannot be changed.")
ALREADY_MEMBER = _("%(email)s is already a member of this institution.")
INVITATION_OPEN = _("An invitation to %(email)s is already open.")
INVITATION_INVALID = _("This invitation link is not valid.")
INVITATION_EXPIRED = _("This invitation expired on %(date)s. Ask the institution for a new one.")
INVITATION_USED = _("This invitation has already been used or withdrawn.")
INVITATION_WRONG_EMAIL = _(
    "This invitation was sent to %(email)s. Sign in with that address to accept."
)
LAST_ADMIN = _("An institution needs at least one admin; make someone else admin first.")
ROLE_UNKNOWN = _("Unknown role: %(role)s.")
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


# --- applications and review -------------------------------------------------------------


def _status_word(status: str):
    """A status as a word inside a sentence ("approved"), translated when the message is shown
    (the params of a ValidationError are rendered in the reader's language, not the raiser's)."""
    if status not in InstitutionStatus.values:
        return status
    return lazy(lambda: str(InstitutionStatus(status).label).lower(), str)()


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


# The brand is translated in an e-mail's text (财富市场); the From header keeps SITE_NAME.
gettext_noop("Fortune Market")


def _site_name() -> str:
    return translation.gettext(settings.SITE_NAME)


def _one_line(text: str) -> str:
    """An e-mail subject on one line: a name typed with a line break must not break the
    header (``BadHeaderError``)."""
    return " ".join(text.split())


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


# --- members --------------------------------------------------------------------------------


def _require_admin(*, institution: Institution, actor) -> None:
    if institution.status != InstitutionStatus.APPROVED:
        raise PermissionDenied(NOT_APPROVED % {"status": institution.get_status_display().lower()})
    if not Membership.objects.filter(institution=institution, user=actor, role=Role.ADMIN).exists():
        raise PermissionDenied(NOT_ADMIN)


@transaction.atomic
def invitation_create(*, institution: Institution, invited_by, email: str, role: str) -> Invitation:
    """An admin invites someone by e-mail; the link expires after INVITATION_TTL_DAYS."""
    _require_admin(institution=institution, actor=invited_by)
    email = (email or "").strip().lower()
    if Membership.objects.filter(institution=institution, user__email__iexact=email).exists():
        raise ValidationError(
            {
                "email": ValidationError(
                    ALREADY_MEMBER, code="already_member", params={"email": email}
                )
            }
        )
    now = timezone.now()
    # An expired open invitation gives way to the new one.
    Invitation.objects.filter(
        institution=institution,
        email=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__lte=now,
    ).update(revoked_at=now)
    invitation = Invitation(
        institution=institution,
        email=email,
        role=role,
        token=secrets.token_urlsafe(32),
        invited_by=invited_by,
        expires_at=now + dt.timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    invitation.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:
        raise ValidationError(
            {
                "email": ValidationError(
                    INVITATION_OPEN, code="invitation_open", params={"email": email}
                )
            }
        ) from exc
    enqueue("institutions.tasks.invitation_send", invitation.pk)
    return invitation


def _invitee_language(invitation: Invitation) -> str:
    """The invitee's language if they already have an account, else the inviting admin's
    (a colleague of the same institution is the best guess we have)."""
    invitee = (
        get_user_model().objects.filter(email__iexact=invitation.email).exclude(language="").first()
    )
    return language_for(invitee or invitation.invited_by)


def invitation_send_email(*, invitation_id: int) -> bool:
    """E-mail the invitation link. Does nothing (returns False) once it is no longer open."""
    invitation = (
        Invitation.objects.select_related("institution", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.status != "open":
        return False
    accept_url = settings.SITE_URL + reverse("institutions:invitation", args=[invitation.token])
    with translation.override(_invitee_language(invitation)):
        context = {
            "invitation": invitation,
            "accept_url": accept_url,
            "site_name": _site_name(),
        }
        subject = _one_line(render_to_string("institutions/email/invitation_subject.txt", context))
        body = render_to_string("institutions/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    return True


def invitations_purge_expired(*, older_than_days: int = 30) -> int:
    """Delete never-used invitations that expired more than ``older_than_days`` ago."""
    cutoff = timezone.now() - dt.timedelta(days=older_than_days)
    deleted, _ = Invitation.objects.filter(accepted_at__isnull=True, expires_at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, actor) -> Invitation:
    _require_admin(institution=invitation.institution, actor=actor)
    updated = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if not updated:
        raise ValidationError(INVITATION_USED, code="invitation_used")
    invitation.refresh_from_db()
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user) -> Membership:
    """The invitee, signed in with the invited and verified address, joins the institution."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("institution")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise ValidationError(INVITATION_INVALID, code="invitation_invalid")
    if invitation.status == "expired":
        raise ValidationError(
            INVITATION_EXPIRED,
            code="invitation_expired",
            params={"date": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d")},
        )
    if invitation.status != "open":
        raise ValidationError(INVITATION_USED, code="invitation_used")
    if not EmailAddress.objects.filter(
        user=user, email__iexact=invitation.email, verified=True
    ).exists():
        raise ValidationError(
            INVITATION_WRONG_EMAIL,
            code="invitation_wrong_email",
            params={"email": invitation.email},
        )
    if invitation.institution.status != InstitutionStatus.APPROVED:
        raise ValidationError(
            NOT_APPROVED,
            code="institution_not_approved",
            params={"status": _status_word(invitation.institution.status)},
        )
    membership, created = Membership.objects.get_or_create(
        user=user, institution=invitation.institution, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def _lock_admins(institution: Institution) -> list[Membership]:
    """Lock the institution's admin rows in primary-key order (no lost 'last admin' race)."""
    return list(
        Membership.objects.select_for_update()
        .filter(institution=institution, role=Role.ADMIN)
        .order_by("pk")
    )


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, actor) -> Membership:
    if role not in Role.values:
        raise ValidationError(
            {"role": ValidationError(ROLE_UNKNOWN, code="role_unknown", params={"role": role})}
        )
    admins = _lock_admins_checking(membership.institution, actor=actor)
    membership.refresh_from_db()
    if membership.role == Role.ADMIN and role != Role.ADMIN and len(admins) <= 1:
        raise ValidationError(LAST_ADMIN, code="last_admin")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor) -> None:
    """An admin removes a member (or a member leaves); the last admin always stays."""
    leaving = membership.user_id == actor.pk
    admins = _lock_admins_checking(membership.institution, actor=None if leaving else actor)
    membership.refresh_from_db()
    if membership.role == Role.ADMIN and len(admins) <= 1:
        raise ValidationError(LAST_ADMIN, code="last_admin")
    membership.delete()


def _lock_admins_checking(institution: Institution, *, actor) -> list[Membership]:
    """Lock the admin rows, then check (under the lock) that ``actor`` is still one of them."""
    if institution.status != InstitutionStatus.APPROVED:
        raise PermissionDenied(NOT_APPROVED % {"status": institution.get_status_display().lower()})
    admins = _lock_admins(institution)
    if actor is not None and actor.pk not in {a.user_id for a in admins}:
        raise PermissionDenied(NOT_ADMIN)
    return admins


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
    return contract
