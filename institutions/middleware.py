"""Two-factor authentication is required of platform staff and institution admins.

:func:`mfa_missing` is the one rule; this middleware applies it to every page and the API
authentication classes (``institutions.authentication``) apply it to every API request,
however it authenticated (session cookie or allauth's headless session token).
"""

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from .membership_flags import membership_flags

MFA_REQUIRED = _(
    "Your role needs two-factor authentication. Set up an authenticator app to continue."
)
# Paths a user without MFA may still reach: account pages (to set it up), assets, health.
EXEMPT_PREFIXES = ("/accounts/", "/_allauth/", "/static/", "/media/", "/healthz")


def mfa_required(user) -> bool:
    # The memberships' answer is cached per user (dropped when a membership or institution
    # changes), so the rule costs no query on an ordinary signed-in request.
    return user.is_staff or membership_flags(user).admin


def mfa_missing(user) -> bool:
    """True for a signed-in user whose role needs two-factor authentication and has none."""
    return bool(
        user is not None
        and user.is_authenticated
        and mfa_required(user)
        and not is_mfa_enabled(user)
    )


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if not request.path.startswith(EXEMPT_PREFIXES) and mfa_missing(user):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": MFA_REQUIRED}, status=403)
            messages.warning(request, MFA_REQUIRED)
            return redirect("mfa_activate_totp")
        return self.get_response(request)
