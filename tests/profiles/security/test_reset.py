"""Resetting a forgotten PIN: the login password (and a TOTP code when TOTP is on), then a
single-use link, good for 30 minutes, e-mailed to the account's address; it lifts a lock."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from profiles.security import services
from profiles.security.models import TradePin
from profiles.security.pin_hash import pin_check
from tests.factories import PASSWORD, TRADE_PIN, IdentityFactory, UserFactory

from .helpers import code_of, totp_now

pytestmark = pytest.mark.django_db

NEW_PIN = "135792"


@pytest.fixture
def holder(db):
    user = UserFactory(trade_pin=True)
    IdentityFactory(user=user)
    return user


def emailed_link(capture, user, **kwargs) -> str:
    with capture(execute=True):
        services.trade_pin_reset_request(user=user, password=PASSWORD, **kwargs)
    assert mail.outbox[-1].to == [user.email]
    return re.search(r"https?://\S+/me/security/pin/reset/(\S+)/", mail.outbox[-1].body).group(1)


def test_a_wrong_login_password_is_refused_and_sends_nothing(
    holder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as err:
        services.trade_pin_reset_request(user=holder, password="not-it")
    assert code_of(err.value, "password") == services.PASSWORD_WRONG
    assert not mail.outbox
    assert not TradePin.objects.get(user=holder).reset_nonce


def test_with_totp_on_the_reset_needs_a_current_code(db, django_capture_on_commit_callbacks):
    user = UserFactory(trade_pin=True, mfa=True)
    IdentityFactory(user=user)
    with pytest.raises(ValidationError) as err:
        services.trade_pin_reset_request(user=user, password=PASSWORD)
    assert code_of(err.value, "totp_code") == services.TOTP_REQUIRED
    with pytest.raises(ValidationError) as err:
        services.trade_pin_reset_request(user=user, password=PASSWORD, totp_code="000000")
    assert code_of(err.value, "totp_code") == services.TOTP_WRONG
    assert not mail.outbox
    token = emailed_link(django_capture_on_commit_callbacks, user, totp_code=totp_now())
    assert services.reset_record(user=user, token=token) is not None


def test_the_link_sets_a_new_pin_once_and_lifts_the_lock(
    holder, clock, django_capture_on_commit_callbacks
):
    for _ in range(5):
        with pytest.raises(ValidationError):
            services.trade_confirm(user=holder, pin="975318")
    token = emailed_link(django_capture_on_commit_callbacks, holder)
    assert TRADE_PIN not in mail.outbox[-1].body
    services.trade_pin_reset_complete(user=holder, token=token, pin=NEW_PIN)
    record = TradePin.objects.get(user=holder)
    assert pin_check(NEW_PIN, record.pin_hash)[0]
    assert (record.failed_attempts, record.locked_until) == (0, None)
    services.trade_confirm(user=holder, pin=NEW_PIN)
    with pytest.raises(ValidationError) as err:
        services.trade_pin_reset_complete(user=holder, token=token, pin="864297")
    assert code_of(err.value, "pin") == services.RESET_LINK_INVALID
    assert pin_check(NEW_PIN, TradePin.objects.get(user=holder).pin_hash)[0]


def test_the_link_expires_after_30_minutes(holder, clock, django_capture_on_commit_callbacks):
    token = emailed_link(django_capture_on_commit_callbacks, holder)
    clock.advance(minutes=31)
    with pytest.raises(ValidationError) as err:
        services.trade_pin_reset_complete(user=holder, token=token, pin=NEW_PIN)
    assert code_of(err.value, "pin") == services.RESET_LINK_INVALID


def test_a_newer_link_replaces_the_older_and_a_link_is_for_its_own_user(
    holder, django_capture_on_commit_callbacks
):
    first = emailed_link(django_capture_on_commit_callbacks, holder)
    second = emailed_link(django_capture_on_commit_callbacks, holder)
    assert services.reset_record(user=holder, token=first) is None
    other = UserFactory(trade_pin=True)
    assert services.reset_record(user=other, token=second) is None
    assert services.reset_record(user=holder, token=second + "x") is None
    assert services.reset_record(user=holder, token=second) is not None


def test_a_trivial_pin_on_the_link_is_refused_and_the_link_stays_good(
    holder, django_capture_on_commit_callbacks
):
    token = emailed_link(django_capture_on_commit_callbacks, holder)
    with pytest.raises(ValidationError) as err:
        services.trade_pin_reset_complete(user=holder, token=token, pin="123456")
    assert code_of(err.value, "pin") == services.PIN_TRIVIAL
    assert pin_check(TRADE_PIN, TradePin.objects.get(user=holder).pin_hash)[0]
    assert services.reset_record(user=holder, token=token) is not None


def test_the_reset_through_the_pages(client, holder, django_capture_on_commit_callbacks):
    client.force_login(holder)
    wrong = client.post("/me/security/pin/reset/", {"password": "nope"})
    assert wrong.status_code == 400
    assert wrong.context["reset_form"].errors["password"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/me/security/pin/reset/", {"password": PASSWORD})
    assert sent.status_code == 302
    link = re.search(r"https?://[^/\s]+(/me/security/pin/reset/\S+/)", mail.outbox[-1].body)[1]
    page = client.get(link)
    assert page.status_code == 200
    assert b'id="pin-reset-form"' in page.content
    done = client.post(link, {"pin": NEW_PIN, "pin_again": NEW_PIN})
    assert done.status_code == 302
    again = client.get(link)
    assert again.status_code == 400
    assert b'id="reset-invalid"' in again.content
    assert pin_check(NEW_PIN, TradePin.objects.get(user=holder).pin_hash)[0]
