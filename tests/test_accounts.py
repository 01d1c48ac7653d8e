"""Accounts: e-mail login, mandatory verification, MFA required for staff and institution admins."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache

from institutions.models import Role
from profiles.models import User
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    InstitutionFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_signup_asks_only_email_and_password_and_sends_a_verification_link(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "New.Investor@Example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "new.investor@example.com"
    assert len(mail.outbox) == 1
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_unverified_user_cannot_log_in_until_verified(client):
    UserFactory(email="late@example.com", verified=False)
    response = client.post("/accounts/login/", {"login": "late@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert "confirm-email" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_staff_without_mfa_are_sent_to_set_it_up_before_anything_else(client):
    staff = StaffFactory(mfa=False)
    client.force_login(staff)
    for url in ("/staff/institutions/", "/", "/portal/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/api/v1/portal/members/").status_code == 403


def test_institution_admin_without_mfa_is_sent_to_set_it_up(client):
    admin = MembershipFactory(role=Role.ADMIN).user
    client.force_login(admin)
    assert client.get("/portal/")["Location"] == "/accounts/2fa/totp/activate/"


def test_editors_and_investors_are_not_forced_into_mfa(client):
    editor = MembershipFactory(role=Role.EDITOR).user
    client.force_login(editor)
    assert client.get("/portal/").status_code == 200


def test_staff_login_asks_for_the_totp_code(client):
    StaffFactory(email="ops@example.com")
    response = client.post("/accounts/login/", {"login": "ops@example.com", "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time() // 30)))
    ok = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert ok.status_code == 302
    assert client.session["_auth_user_id"]


def test_login_failures_are_rate_limited_even_for_the_right_password(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,3/5m/key"}
    cache.clear()
    UserFactory(email="target@example.com")
    for _ in range(3):
        client.post("/accounts/login/", {"login": "target@example.com", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"login": "target@example.com", "password": PASSWORD}
    )
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_headless_app_session_token_authenticates_the_rest_api(client):
    user = UserFactory(email="app@example.com")
    institution = InstitutionFactory()
    MembershipFactory(user=user, institution=institution, role=Role.ANALYST)
    response = client.post(
        "/_allauth/app/v1/auth/login",
        {"email": "app@example.com", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    token = response.json()["meta"]["session_token"]
    api = client.__class__()
    me = api.get("/api/v1/portal/institution/", HTTP_X_SESSION_TOKEN=token)
    assert me.status_code == 200
    assert me.json()["slug"] == institution.slug
    assert api.get("/api/v1/portal/institution/").status_code in (401, 403)


def _sign_in(client, email, **extra):
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD, **extra})


def test_institution_members_land_on_the_portal_after_signing_in(client):
    MembershipFactory(user=UserFactory(email="editor@bank.example"), role=Role.EDITOR)
    assert _sign_in(client, "editor@bank.example")["Location"] == "/portal/"


def test_investors_land_on_their_home_and_next_still_wins(client):
    UserFactory(email="saver@example.com")
    assert _sign_in(client, "saver@example.com")["Location"] == "/me/"
    client.logout()
    MembershipFactory(user=UserFactory(email="analyst@bank.example"), role=Role.ANALYST)
    response = _sign_in(client, "analyst@bank.example", next="/products/")
    assert response["Location"] == "/products/"


def test_staff_land_on_the_staff_pages_after_their_totp_code(client):
    StaffFactory(email="ops2@example.com")
    assert _sign_in(client, "ops2@example.com")["Location"] == "/accounts/2fa/authenticate/"
    code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time() // 30)))
    assert client.post("/accounts/2fa/authenticate/", {"code": code})["Location"] == "/staff/"


def test_one_attackers_failed_logins_behind_the_proxy_never_block_another_user(client, settings):
    """Behind the TLS proxy every request comes from its address: the per-IP limit must key
    on the client's address the proxy adds to X-Forwarded-For."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    cache.clear()
    UserFactory(email="victim@example.com")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(15):  # many accounts, so only the per-IP limit can trip
        client.post(
            "/accounts/login/",
            {"login": f"guess{n}@example.com", "password": "wrong"},
            # A forged first entry is ignored: the proxy's own (last) entry is the client.
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.9",
            **proxy,
        )
    blocked = client.post(
        "/accounts/login/",
        {"login": "guess0@example.com", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        **proxy,
    )
    assert b"Too many failed login attempts" in blocked.content
    victim = client.__class__()
    response = victim.post(
        "/accounts/login/",
        {"login": "victim@example.com", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.44",
        **proxy,
    )
    assert response.status_code == 302
    assert victim.session["_auth_user_id"]
