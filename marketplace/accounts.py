"""Account facts every app needs (shared base code, imports no domain app)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.utils.translation import gettext_lazy as _

EMAIL_NOT_VERIFIED = _("Verify your e-mail address first: we sent you a link when you signed up.")


def email_verified(user) -> bool:
    """True when the signed-in user has a verified e-mail address."""
    if not getattr(user, "is_authenticated", False):
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()
