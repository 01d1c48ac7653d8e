"""allauth's account adapter: where each role lands after signing in."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from .selectors import memberships_for_user


def landing_url_for(user) -> str | None:
    """Platform staff land on /staff/, institution members on /portal/; investors (None) on
    the default LOGIN_REDIRECT_URL."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_staff:
        return reverse("staff_orders:home")
    if memberships_for_user(user=user).exists():
        return reverse("portal:dashboard")
    return None


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        """A ``?next=`` still wins (allauth checks it first); otherwise land by role."""
        return landing_url_for(request.user) or super().get_login_redirect_url(request)
