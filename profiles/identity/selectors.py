"""Reads of an investor's identity."""

from __future__ import annotations

from profiles.identity.models import Identity, IdentityStatus


def verified_identity(*, user) -> Identity | None:
    """The user's verified identity, or None (not submitted, being checked, or rejected)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Identity.objects.filter(user=user, status=IdentityStatus.VERIFIED).first()
