"""The one check money asks for: the PIN (or a current TOTP code), five wrong in a row lock it
for 30 minutes and e-mail the investor once, a right one resets the count."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from profiles.security import selectors, services
from profiles.security.models import TradePin
from tests.factories import TRADE_PIN, UserFactory

from .helpers import code_of, totp_now

pytestmark = pytest.mark.django_db

WRONG = "975318"


def refusal(user, pin):
    with pytest.raises(ValidationError) as err:
        services.trade_confirm(user=user, pin=pin)
    return err.value.error_dict["trade_pin"][0]


@pytest.fixture
def holder(db):
    return UserFactory(trade_pin=True)


def test_the_right_pin_confirms(holder):
    services.trade_confirm(user=holder, pin=TRADE_PIN)
    services.trade_confirm(user=holder, pin=f" {TRADE_PIN} ")


def test_a_wrong_pin_is_refused_with_the_attempts_left(holder):
    error = refusal(holder, WRONG)
    assert error.code == services.PIN_WRONG
    assert error.params["attempts_left"] == 4
    assert "4 attempts left" in error.messages[0]
    assert refusal(holder, WRONG).params["attempts_left"] == 3


def test_no_pin_sent_or_one_not_six_digits_is_refused_and_not_counted(holder):
    assert refusal(holder, None).code == services.PIN_REQUIRED
    assert refusal(holder, "").code == services.PIN_REQUIRED
    assert refusal(holder, "12ab56").code == services.PIN_INVALID
    assert refusal(holder, "1234567").code == services.PIN_INVALID
    assert not TradePin.objects.get(user=holder).failed_attempts


def test_no_pin_set_says_so_with_where_to_set_it(user):
    error = refusal(user, TRADE_PIN)
    assert error.code == services.PIN_NOT_SET
    assert "/me/security/" in error.messages[0]


def test_a_right_pin_with_nothing_counted_is_one_read_and_no_write(
    holder, django_assert_num_queries
):
    services.trade_confirm(user=holder, pin=TRADE_PIN)
    with django_assert_num_queries(1):  # no lock, no TOTP lookup, no update
        services.trade_confirm(user=holder, pin=TRADE_PIN)


def test_a_right_pin_resets_the_count(holder):
    for _ in range(4):
        refusal(holder, WRONG)
    services.trade_confirm(user=holder, pin=TRADE_PIN)
    assert TradePin.objects.get(user=holder).failed_attempts == 0
    assert refusal(holder, WRONG).params["attempts_left"] == 4


def test_five_wrong_lock_for_30_minutes_even_the_right_pin(
    holder, clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        codes = [refusal(holder, WRONG).code for _ in range(5)]
    assert codes == [services.PIN_WRONG] * 4 + [services.PIN_LOCKED]
    locked = refusal(holder, TRADE_PIN)
    assert locked.code == services.PIN_LOCKED
    until = clock() + dt.timedelta(minutes=30)
    assert dt.datetime.fromisoformat(locked.params["locked_until"]) == until
    assert "2026-11-23 10:30" in locked.messages[0]  # Asia/Shanghai, as the investor reads it
    status = selectors.trade_pin_status(user=holder)
    assert (status.state, status.locked_until) == ("locked", until)

    clock.advance(minutes=29, seconds=59)
    assert refusal(holder, TRADE_PIN).code == services.PIN_LOCKED
    clock.advance(seconds=2)
    services.trade_confirm(user=holder, pin=TRADE_PIN)  # unlocked after 30 minutes
    assert selectors.trade_pin_status(user=holder).state == "set"


def test_after_a_lock_runs_out_the_count_starts_afresh(holder, clock):
    for _ in range(5):
        refusal(holder, WRONG)
    clock.advance(minutes=31)
    assert refusal(holder, WRONG).params["attempts_left"] == 4


def test_the_lock_e_mails_the_investor_once(holder, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(9):
            refusal(holder, WRONG)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [holder.email]
    assert "locked" in message.subject
    assert "2026-11-23 10:30" in message.body
    assert "/me/security/" in message.body
    assert TRADE_PIN not in message.body


def test_the_lock_notice_task_run_twice_sends_once(
    holder, clock, django_capture_on_commit_callbacks
):
    from profiles.security import notices

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            refusal(holder, WRONG)
    until = TradePin.objects.get(user=holder).locked_until.isoformat()
    assert not notices.pin_locked_send(user_id=holder.pk, locked_until=until)
    assert len(mail.outbox) == 1


def test_with_totp_on_a_current_code_confirms_instead_of_the_pin(db):
    user = UserFactory(mfa=True, trade_pin=True)
    code = totp_now()
    services.trade_confirm(user=user, pin=code)
    services.trade_confirm(user=user, pin=TRADE_PIN)
    # A code is good once (allauth remembers it) and counts as wrong the second time.
    assert refusal(user, code).code == services.PIN_WRONG


def test_with_totp_on_and_no_pin_the_code_alone_confirms(db):
    user = UserFactory(mfa=True)
    services.trade_confirm(user=user, pin=totp_now())
    assert refusal(user, "975318").code == services.PIN_WRONG


def test_without_totp_a_totp_shaped_code_is_just_a_wrong_pin(holder):
    assert refusal(holder, totp_now()).code == services.PIN_WRONG


def test_a_wrong_pin_on_the_change_form_counts_towards_the_same_lock(holder, clock):
    from profiles.models import Identity  # noqa: F401
    from tests.factories import IdentityFactory

    IdentityFactory(user=holder)
    for _ in range(4):
        refusal(holder, WRONG)
    with pytest.raises(ValidationError) as err:
        services.trade_pin_change(user=holder, current_pin=WRONG, new_pin="135792")
    assert code_of(err.value, "current_pin") == services.PIN_LOCKED
