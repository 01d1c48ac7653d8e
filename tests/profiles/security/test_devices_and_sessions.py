"""Sign-in from a new device sends a notice (not the first sign-in after sign-up, not a known
device); the security page lists the sessions and signs them out, one or everywhere."""

import pytest
from allauth.usersessions.models import UserSession
from django.core import mail
from django.test import Client

from profiles.security.devices import describe
from profiles.security.models import KnownDevice
from profiles.security.signals import COOKIE
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def sign_in(client, user, agent):
    response = client.post(
        "/accounts/login/",
        {"login": user.email, "password": PASSWORD},
        HTTP_USER_AGENT=agent,
    )
    assert response.status_code == 302, response.content[:500]
    return response


def new_sign_in_mails():
    return [m for m in mail.outbox if m.subject == "New sign-in to your account"]


def test_the_first_sign_in_is_silent_a_new_device_is_told_a_known_one_is_not(
    user, django_capture_on_commit_callbacks
):
    laptop, phone = Client(), Client()
    with django_capture_on_commit_callbacks(execute=True):
        first = sign_in(laptop, user, FIREFOX)
    assert COOKIE in first.cookies
    assert first.cookies[COOKIE]["httponly"]
    assert not new_sign_in_mails()  # the account's first device: the sign-in after sign-up

    with django_capture_on_commit_callbacks(execute=True):
        sign_in(phone, user, CHROME)
    (notice,) = new_sign_in_mails()
    assert notice.to == [user.email]
    assert "Chrome on Windows" in notice.body
    assert "127.0.0.1" in notice.body
    assert "/me/security/" in notice.body

    laptop.post("/accounts/logout/")  # (Client.logout() would drop every cookie)
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(laptop, user, FIREFOX)  # the laptop's cookie is recognised
    assert len(new_sign_in_mails()) == 1
    assert KnownDevice.objects.filter(user=user).count() == 2


def test_a_forged_device_cookie_counts_as_a_new_device(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(Client(), user, FIREFOX)
    forged = Client()
    forged.cookies[COOKIE] = KnownDevice.objects.get(user=user).device_id  # unsigned
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(forged, user, FIREFOX)
    assert len(new_sign_in_mails()) == 1


def test_one_browser_shared_by_two_accounts_is_new_to_each(db, django_capture_on_commit_callbacks):
    first, second = UserFactory(), UserFactory()
    shared = Client()
    with django_capture_on_commit_callbacks(execute=True):
        sign_in(Client(), second, CHROME)  # second's own first device
        sign_in(shared, first, FIREFOX)
        shared.post("/accounts/logout/")
        sign_in(shared, second, FIREFOX)
    assert [m.to for m in new_sign_in_mails()] == [[second.email]]


@pytest.mark.parametrize(
    ("agent", "name"),
    [
        (FIREFOX, "Firefox on Linux"),
        (CHROME, "Chrome on Windows"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iOS",
        ),
        (CHROME.replace("Safari/537.36", "Safari/537.36 Edg/131.0.0.0"), "Edge on Windows"),
        ("", "An unnamed device"),
        ("curl/8.5", "An unknown browser"),
    ],
)
def test_devices_are_named_from_the_user_agent(agent, name):
    assert describe(agent) == name


def _signed_in_twice(user):
    here, there = Client(HTTP_USER_AGENT=FIREFOX), Client(HTTP_USER_AGENT=CHROME)
    sign_in(here, user, FIREFOX)
    sign_in(there, user, CHROME)
    return here, there


def test_the_security_page_lists_the_sessions_with_this_device_first(user):
    here, there = _signed_in_twice(user)
    rows = here.get("/me/security/").context["sessions"]
    assert [(r.device, r.is_current) for r in rows] == [
        ("Firefox on Linux", True),
        ("Chrome on Windows", False),
    ]
    assert b"This device" in here.get("/me/security/").content


def test_signing_out_one_session_ends_that_one_only(user):
    here, there = _signed_in_twice(user)
    other = UserSession.objects.get(user=user, user_agent=CHROME)
    assert here.post("/me/security/sessions/end/", {"session": other.pk}).status_code == 302
    assert there.get("/me/security/").status_code == 302  # sent to sign in
    assert here.get("/me/security/").status_code == 200


def test_sign_out_everywhere_ends_every_session_this_one_too(user):
    here, there = _signed_in_twice(user)
    response = here.post("/me/security/sessions/end/", {"everywhere": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert there.get("/me/security/").status_code == 302
    assert here.get("/me/security/").status_code == 302
    assert not UserSession.objects.filter(user=user).exists()


def test_another_users_session_cannot_be_ended(user):
    stranger = UserFactory()
    theirs, mine = Client(HTTP_USER_AGENT=CHROME), Client(HTTP_USER_AGENT=FIREFOX)
    sign_in(theirs, stranger, CHROME)
    sign_in(mine, user, FIREFOX)
    session = UserSession.objects.get(user=stranger)
    mine.post("/me/security/sessions/end/", {"session": session.pk})
    assert theirs.get("/me/security/").status_code == 200


def test_a_bad_session_value_is_a_clear_message_and_ends_nothing(user):
    here, there = _signed_in_twice(user)
    for bad in ({"session": "abc"}, {}, {"session": "-1"}):
        response = here.post("/me/security/sessions/end/", bad, follow=True)
        assert b"Choose a session to sign out." in response.content
    assert UserSession.objects.filter(user=user).count() == 2


def test_the_security_page_shows_totp_and_links_to_set_it_up(client, db):
    off, on = UserFactory(), UserFactory(mfa=True)
    client.force_login(off)
    assert b"/accounts/2fa/totp/activate/" in client.get("/me/security/").content
    client.force_login(on)
    page = client.get("/me/security/")
    assert page.context["totp"] is True
