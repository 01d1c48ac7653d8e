"""An institution's members: invitations (create, send, revoke, accept, purge) and role changes and
removals, always keeping one admin."""

from __future__ import annotations

import datetime as dt
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from marketplace.i18n import language_for
from marketplace.tasks import enqueue

from ..models import (
    Institution,
    InstitutionStatus,
    Invitation,
    Membership,
    Role,
)
from ._common import _one_line, _site_name, _status_word

# Error messages (tests import these rather than repeating the strings); each is raised with
# the code beside it, which the API returns and tests assert.


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
