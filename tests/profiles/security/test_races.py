"""Parallel wrong PINs cannot pass five: counted under a row lock, raced with real threads
against real PostgreSQL."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from profiles.security import services
from profiles.security.models import TradePin
from tests.factories import TRADE_PIN, UserFactory
from tests.integration.test_races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _outcome(user, pin):
    try:
        services.trade_confirm(user=user, pin=pin)
    except ValidationError as exc:
        return exc.error_dict["trade_pin"][0].code
    return "ok"


def test_twelve_wrong_pins_at_once_count_five_lock_once_and_e_mail_once():
    user = UserFactory(trade_pin=True)
    results = race([lambda: _outcome(user, "975318") for _ in range(12)])
    assert results.count(services.PIN_WRONG) == 4
    assert results.count(services.PIN_LOCKED) == 8
    record = TradePin.objects.get(user=user)
    assert record.failed_attempts == 5
    assert record.locked_until is not None
    assert len(mail.outbox) == 1
    assert _outcome(user, TRADE_PIN) == services.PIN_LOCKED


def test_a_first_attempt_racing_itself_creates_one_row():
    user = UserFactory(mfa=True)  # no PIN row yet: the first answers create it
    results = race([lambda: _outcome(user, "975318") for _ in range(6)])
    assert TradePin.objects.filter(user=user).count() == 1
    assert results.count(services.PIN_WRONG) == 4
    assert results.count(services.PIN_LOCKED) == 2
