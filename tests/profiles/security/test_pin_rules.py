"""Setting and changing the trade PIN: six digits, not trivial, not the birth date or the login
password, only after identity verification; stored as a Django password hash in its own
table."""

import datetime as dt

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from profiles.security import rules, services
from profiles.security.models import TradePin
from profiles.security.pin_hash import pin_check, pin_hash
from tests.factories import (
    PASSWORD,
    TRADE_PIN,
    IdentityFactory,
    UserFactory,
    give_trade_pin,
    resident_id,
)

from .helpers import code_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified(db):
    born = dt.date(1990, 1, 1)
    user = UserFactory()
    IdentityFactory(user=user, document_number=resident_id(born, 7), date_of_birth=born)
    return user


@pytest.mark.parametrize("pin", ["", "12345", "1234567", "12a456", "١٢٣٤٥٦", " 1 2 3", "<b>12</b>"])
def test_a_pin_that_is_not_six_digits_is_refused_and_nothing_is_saved(verified, pin):
    with pytest.raises(ValidationError) as err:
        services.trade_pin_set(user=verified, pin=pin)
    assert code_of(err.value, "pin") == services.PIN_INVALID
    assert not TradePin.objects.filter(user=verified, pin_hash__gt="").exists()


@pytest.mark.parametrize(
    ("pin", "reason"),
    [
        ("000000", rules.SAME_DIGIT),
        ("777777", rules.SAME_DIGIT),
        ("123456", rules.RUN),
        ("654321", rules.RUN),
        ("012345", rules.RUN),
        ("890123", rules.RUN),
        ("121212", rules.PATTERN),
        ("123123", rules.PATTERN),
        ("900101", rules.BIRTH_DATE),  # YYMMDD of 1990-01-01
        ("010190", rules.BIRTH_DATE),  # DDMMYY / MMDDYY
        ("199001", rules.BIRTH_DATE),  # YYYYMM
    ],
)
def test_trivial_pins_are_refused_with_the_reason(verified, pin, reason):
    with pytest.raises(ValidationError) as err:
        services.trade_pin_set(user=verified, pin=pin)
    error = err.value.error_dict["pin"][0]
    assert error.code == services.PIN_TRIVIAL
    assert error.message == reason
    assert not TradePin.objects.filter(user=verified, pin_hash__gt="").exists()


def test_the_pin_is_set_only_after_identity_verification():
    user = UserFactory(identity=False)
    with pytest.raises(ValidationError) as err:
        services.trade_pin_set(user=user, pin=TRADE_PIN)
    assert code_of(err.value, "pin") == services.IDENTITY_REQUIRED
    assert not TradePin.objects.exists()
    IdentityFactory(user=user, status="review", verified_at=None)
    with pytest.raises(ValidationError):
        services.trade_pin_set(user=user, pin=TRADE_PIN)


def test_the_pin_is_stored_keyed_and_salted_in_its_own_table(verified):
    services.trade_pin_set(user=verified, pin=TRADE_PIN)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pin_hash FROM profiles_tradepin WHERE user_id = %s", [verified.pk])
        (raw,) = cursor.fetchone()
    assert TRADE_PIN not in raw
    assert raw.startswith("pin_hmac_sha256$")
    assert pin_check(TRADE_PIN, raw) == (True, False)
    assert pin_check("135790", raw) == (False, False)
    assert pin_hash(TRADE_PIN) != pin_hash(TRADE_PIN)  # salted: equal PINs look different
    verified.refresh_from_db()
    assert verified.check_password(PASSWORD)  # the login password is untouched
    assert not check_password(TRADE_PIN, verified.password)


def test_a_leaked_table_without_the_secret_key_does_not_give_the_pin(verified, settings):
    services.trade_pin_set(user=verified, pin=TRADE_PIN)
    raw = TradePin.objects.get(user=verified).pin_hash
    settings.SECRET_KEY = "another-deployment-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = []
    assert pin_check(TRADE_PIN, raw) == (False, False)


def test_a_pin_under_a_retiring_key_is_accepted_and_stored_again(verified, settings):
    services.trade_pin_set(user=verified, pin=TRADE_PIN)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-key-" + "y" * 50, [old_key]
    services.trade_confirm(user=verified, pin=TRADE_PIN)
    settings.SECRET_KEY_FALLBACKS = []
    assert pin_check(TRADE_PIN, TradePin.objects.get(user=verified).pin_hash) == (True, False)


def test_a_pin_stored_by_a_password_hasher_is_accepted_and_upgraded(verified):
    # PINs set before the keyed hash were Django password hashes.
    TradePin.objects.update_or_create(
        user=verified, defaults={"pin_hash": make_password(TRADE_PIN), "set_at": timezone.now()}
    )
    with pytest.raises(ValidationError):
        services.trade_confirm(user=verified, pin="135790")
    assert identify_hasher(TradePin.objects.get(user=verified).pin_hash)  # wrong: untouched
    services.trade_confirm(user=verified, pin=TRADE_PIN)
    record = TradePin.objects.get(user=verified)
    assert record.pin_hash.startswith("pin_hmac_sha256$")
    assert record.failed_attempts == 0
    assert pin_check(TRADE_PIN, record.pin_hash)[0]


def test_the_pin_may_not_be_the_login_password(db):
    user = UserFactory(password="246813")
    IdentityFactory(user=user)
    with pytest.raises(ValidationError) as err:
        services.trade_pin_set(user=user, pin="246813")
    assert code_of(err.value, "pin") == services.PIN_IS_PASSWORD


def test_a_set_pin_is_changed_not_set_again(verified):
    services.trade_pin_set(user=verified, pin=TRADE_PIN)
    with pytest.raises(ValidationError) as err:
        services.trade_pin_set(user=verified, pin="975318")
    assert code_of(err.value, "pin") == services.PIN_ALREADY_SET
    assert pin_check(TRADE_PIN, TradePin.objects.get(user=verified).pin_hash)[0]


def test_changing_needs_the_current_pin_and_a_wrong_one_counts(verified):
    give_trade_pin(verified)
    with pytest.raises(ValidationError) as err:
        services.trade_pin_change(user=verified, current_pin="975318", new_pin="135792")
    assert code_of(err.value, "current_pin") == services.PIN_WRONG
    assert TradePin.objects.get(user=verified).failed_attempts == 1
    with pytest.raises(ValidationError) as err:
        services.trade_pin_change(user=verified, current_pin=TRADE_PIN, new_pin="111111")
    assert code_of(err.value, "new_pin") == services.PIN_TRIVIAL
    with pytest.raises(ValidationError) as err:
        services.trade_pin_change(user=verified, current_pin=TRADE_PIN, new_pin=TRADE_PIN)
    assert code_of(err.value, "new_pin") == services.PIN_UNCHANGED
    services.trade_pin_change(user=verified, current_pin=TRADE_PIN, new_pin="135792")
    record = TradePin.objects.get(user=verified)
    assert pin_check("135792", record.pin_hash)[0]
    assert record.failed_attempts == 0


def test_the_birth_date_forms_cover_the_usual_orders():
    assert rules.birth_date_forms(dt.date(1985, 7, 9)) == {
        "850709",
        "090785",
        "070985",
        "198507",
        "071985",
    }


def test_setting_the_pin_through_the_api(client, verified):
    client.force_login(verified)
    assert client.get("/api/v1/me/pin/").json()["state"] == "not_set"
    trivial = client.post("/api/v1/me/pin/", {"pin": "123456"}, content_type="application/json")
    assert trivial.status_code == 400
    assert trivial.json()["code"] == services.PIN_TRIVIAL
    assert trivial.json()["pin"]
    shape = client.post("/api/v1/me/pin/", {"pin": "12345x"}, content_type="application/json")
    assert shape.status_code == 400
    assert "pin" in shape.json()
    ok = client.post("/api/v1/me/pin/", {"pin": TRADE_PIN}, content_type="application/json")
    assert ok.status_code == 200, ok.content
    assert ok.json() == {
        "state": "set",
        "locked_until": None,
        "attempts_left": 5,
        "totp_alternative": False,
    }
    wrong = client.post(
        "/api/v1/me/pin/",
        {"pin": "135792", "current_pin": "975318"},
        content_type="application/json",
    )
    assert (wrong.status_code, wrong.json()["code"]) == (400, services.PIN_WRONG)
    changed = client.post(
        "/api/v1/me/pin/",
        {"pin": "135792", "current_pin": TRADE_PIN},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert pin_check("135792", TradePin.objects.get(user=verified).pin_hash)[0]


def test_setting_the_pin_on_the_security_page(client, verified):
    client.force_login(verified)
    page = client.get("/me/security/")
    assert page.status_code == 200
    assert b'data-pin-state="not_set"' in page.content
    mismatch = client.post("/me/security/pin/", {"pin": TRADE_PIN, "pin_again": "246811"})
    assert mismatch.status_code == 400
    assert mismatch.context["set_form"].errors["pin_again"]
    trivial = client.post("/me/security/pin/", {"pin": "111111", "pin_again": "111111"})
    assert trivial.status_code == 400
    assert trivial.context["set_form"].errors["pin"]
    assert not TradePin.objects.filter(user=verified, pin_hash__gt="").exists()
    ok = client.post("/me/security/pin/", {"pin": TRADE_PIN, "pin_again": TRADE_PIN})
    assert ok.status_code == 302
    assert b'data-pin-state="set"' in client.get("/me/security/").content


def test_the_security_page_asks_for_verification_before_the_pin(client):
    user = UserFactory(identity=False)
    client.force_login(user)
    page = client.get("/me/security/").content.decode()
    assert 'id="pin-needs-identity"' in page
    assert 'id="pin-set-form"' not in page
