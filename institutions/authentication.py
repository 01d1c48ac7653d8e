"""The REST API's authentication classes: each applies the MFA rule of ``middleware.mfa_missing``.

The rule is enforced where a request is authenticated, not in a permission class, because views
replace ``permission_classes`` (the catalogue's ``AllowAny``, the portal's tenant permission)
while every view authenticates through these classes: a staff member or institution admin
without TOTP is refused on every API view, by every way of signing in.
"""

from allauth.headless.contrib.rest_framework.authentication import (
    XSessionTokenAuthentication as AllauthXSessionTokenAuthentication,
)
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.django_allauth import XSessionTokenAuthenticationScheme
from rest_framework import authentication, exceptions

from .middleware import MFA_REQUIRED, mfa_missing

MFA_REQUIRED_CODE = "mfa_required"


class MFARequired(exceptions.PermissionDenied):
    default_detail = MFA_REQUIRED
    default_code = MFA_REQUIRED_CODE


class MFAEnforcingAuthentication:
    """Mixin: after the wrapped class authenticates a user, refuse one whose role needs MFA."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and mfa_missing(result[0]):
            raise MFARequired()
        return result


class SessionAuthentication(MFAEnforcingAuthentication, authentication.SessionAuthentication):
    pass


class XSessionTokenAuthentication(MFAEnforcingAuthentication, AllauthXSessionTokenAuthentication):
    def authenticate_header(self, request) -> str:
        """Name a scheme, so that DRF answers a request without credentials 401 (with this
        challenge), as HTTP means, instead of the 403 it gives when no class names one."""
        return 'X-Session-Token realm="api"'


# The OpenAPI schema describes them as the classes they wrap.
class MFASessionScheme(SessionScheme):
    target_class = SessionAuthentication


class MFAXSessionTokenScheme(XSessionTokenAuthenticationScheme):
    target_class = XSessionTokenAuthentication
