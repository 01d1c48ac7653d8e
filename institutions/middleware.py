"""Two-factor authentication is required of platform staff and institution admins."""

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect

from .selectors import user_is_institution_admin

MFA_REQUIRED = "Your role needs two-factor authentication. Set up an authenticator app to continue."
# Paths a user without MFA may still reach: account pages (to set it up), assets, health.
EXEMPT_PREFIXES = ("/accounts/", "/_allauth/", "/static/", "/media/", "/healthz")


def mfa_required(user) -> bool:
    return user.is_staff or user_is_institution_admin(user=user)


class RequireMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and mfa_required(user)
            and not is_mfa_enabled(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": MFA_REQUIRED}, status=403)
            messages.warning(request, MFA_REQUIRED)
            return redirect("mfa_activate_totp")
        return self.get_response(request)
