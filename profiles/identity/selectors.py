"""Reads of an investor's identity, and the checks other apps call before money moves."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from profiles.identity.ages import age_on, is_elderly_age
from profiles.identity.models import Identity, IdentityEvent, IdentityStatus
from profiles.models import InvestorProfile

IDENTITY_URL = "/me/identity/"
IDENTITY_REQUIRED = _(
    "Verify your identity to invest: buying and topping up need a verified identity. "
    "Verify it at /me/identity/ — it takes a minute."
)


def verified_identity(*, user) -> Identity | None:
    """The user's verified identity, or None (not submitted, being checked, or rejected)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Identity.objects.filter(user=user, status=IdentityStatus.VERIFIED).first()


def identity_of(*, user) -> Identity | None:
    """The user's identity in whatever state, or None before any submission."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Identity.objects.filter(user=user).select_related("reviewed_by").first()


def identity_required(*, user) -> Identity:
    """The user's verified identity; refused (code ``identity_required``, on the ``identity``
    field) without one. Buying and depositing call this; selling and browsing do not."""
    identity = verified_identity(user=user)
    if identity is None:
        raise ValidationError(
            {"identity": ValidationError(IDENTITY_REQUIRED, code="identity_required")}
        )
    return identity


def investor_age(*, user) -> int | None:
    """The investor's age today: from the verified identity's date of birth, else from the
    profile's birth year (this year minus it) before verification; None when unknown."""
    identity = verified_identity(user=user)
    today = timezone.localdate()
    if identity is not None:
        return age_on(identity.date_of_birth, today)
    birth_year = (
        InvestorProfile.objects.filter(user=user).values_list("birth_year", flat=True).first()
    )
    return today.year - birth_year if birth_year else None


def is_elderly(*, user) -> bool:
    """65 or over: the elderly-investor warning and the C3 cap apply."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_elderly_age(investor_age(user=user))


def identities_in_review() -> QuerySet[Identity]:
    """The staff queue: identities waiting for a manual review, oldest first."""
    return (
        Identity.objects.filter(status=IdentityStatus.REVIEW)
        .select_related("user")
        .order_by("submitted_at", "id")
    )


def identity_events(*, identity: Identity) -> QuerySet[IdentityEvent]:
    return identity.events.select_related("actor")
