"""The MFA rule of staff and institution admins holds on every way into the API: the session
cookie, allauth's headless session token, and any other authentication class configured."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.module_loading import import_string
from rest_framework.views import APIView

from institutions.authentication import MFAEnforcingAuthentication
from institutions.middleware import MFA_REQUIRED
from institutions.models import Invitation, Role
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    InstitutionFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _headless_token(email: str, *, totp: bool = False) -> str:
    client = Client()
    response = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": email, "password": PASSWORD},
        content_type="application/json",
    )
    token = response.json()["meta"]["session_token"]
    if totp:
        assert response.status_code == 401  # the 2FA stage is pending
        code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time() // 30)))
        response = client.post(
            "/_allauth/app/v1/auth/2fa/authenticate",
            {"code": code},
            content_type="application/json",
            HTTP_X_SESSION_TOKEN=token,
        )
        token = response.json()["meta"].get("session_token", token)
    assert response.status_code == 200, response.content
    return token


def _admin(*, mfa: bool):
    institution = InstitutionFactory()
    user = UserFactory(mfa=mfa)
    MembershipFactory(user=user, institution=institution, role=Role.ADMIN)
    return user, institution


def _assert_refused(response):
    assert response.status_code == 403
    assert response.json()["detail"] == str(MFA_REQUIRED)


def test_institution_admin_without_mfa_cannot_use_the_api_with_a_headless_session_token():
    admin, _ = _admin(mfa=False)
    token = _headless_token(admin.email)
    api = Client()
    _assert_refused(api.get("/api/v1/portal/members/", HTTP_X_SESSION_TOKEN=token))
    invite = api.post(
        "/api/v1/portal/invitations/",
        {"email": "new-admin@example.com", "role": Role.ADMIN},
        content_type="application/json",
        HTTP_X_SESSION_TOKEN=token,
    )
    _assert_refused(invite)
    assert not Invitation.objects.exists()


def test_staff_without_mfa_cannot_use_the_api_with_a_headless_session_token():
    staff = StaffFactory(mfa=False)
    MembershipFactory(user=staff, role=Role.EDITOR)
    token = _headless_token(staff.email)
    api = Client()
    _assert_refused(api.get("/api/v1/portal/products/", HTTP_X_SESSION_TOKEN=token))
    # Even views open to everyone (their own permission_classes) refuse them.
    _assert_refused(api.get("/api/v1/products/", HTTP_X_SESSION_TOKEN=token))


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_without_mfa_cannot_use_the_api_with_the_session_cookie(client, role):
    user = StaffFactory(mfa=False) if role == "staff" else _admin(mfa=False)[0]
    client.force_login(user)
    response = client.get("/api/v1/portal/members/")
    _assert_refused(response)


@pytest.mark.parametrize("cls_path", settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"])
def test_every_configured_api_authentication_class_applies_the_mfa_rule(cls_path):
    assert issubclass(import_string(cls_path), MFAEnforcingAuthentication)


def _api_views(resolver=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "cls", None)
            if view_class is not None and issubclass(view_class, APIView):
                yield view_class


def test_no_api_view_replaces_the_mfa_enforcing_authentication():
    views = list(_api_views())
    assert len(views) > 20
    for view_class in views:
        for authenticator in view_class().get_authenticators():
            assert isinstance(authenticator, MFAEnforcingAuthentication), view_class


def test_institution_admin_with_mfa_uses_the_api_with_a_headless_session_token():
    admin, institution = _admin(mfa=True)
    token = _headless_token(admin.email, totp=True)
    response = Client().get("/api/v1/portal/institution/", HTTP_X_SESSION_TOKEN=token)
    assert response.status_code == 200
    assert response.json()["slug"] == institution.slug
