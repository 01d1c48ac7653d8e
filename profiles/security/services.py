"""Writes of sign-in security: the trade PIN (set, change, reset, the one check money asks
for) and the devices an investor signs in from. See the package docstring for the rule that
every money operation calls :func:`trade_confirm`."""

from __future__ import annotations

import datetime as dt
import secrets

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.usersessions.adapter import get_adapter as sessions_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.tasks import enqueue
from profiles.identity.selectors import verified_identity

from . import rules
from .models import MAX_ATTEMPTS, KnownDevice, TradePin
from .pin_hash import pin_check, pin_hash

LOCK_MINUTES = 30
RESET_LINK_MINUTES = 30
RESET_SALT = "profiles.security.pin-reset"
FIELD = "trade_pin"  # the form field and the API's error key

# Error codes (the API returns them beside the message; tests assert them).
IDENTITY_REQUIRED = "identity_required"
PIN_INVALID = "trade_pin_invalid"
PIN_TRIVIAL = "trade_pin_trivial"
PIN_IS_PASSWORD = "trade_pin_is_password"  # noqa: S105 (an error code)
PIN_ALREADY_SET = "trade_pin_already_set"
PIN_UNCHANGED = "trade_pin_unchanged"
PIN_REQUIRED = "trade_pin_required"
PIN_WRONG = "trade_pin_wrong"
PIN_LOCKED = "trade_pin_locked"
PIN_NOT_SET = "trade_pin_not_set"
PASSWORD_WRONG = "password_wrong"  # noqa: S105 (an error code)
TOTP_REQUIRED = "totp_required"
TOTP_WRONG = "totp_wrong"
RESET_LINK_INVALID = "reset_link_invalid"

MESSAGES = {
    IDENTITY_REQUIRED: _("Verify your identity first: the trade PIN is set after verification."),
    PIN_IS_PASSWORD: _("Your trade PIN must not be your login password."),
    PIN_ALREADY_SET: _("You already have a trade PIN: change it or reset it instead."),
    PIN_UNCHANGED: _("The new PIN is the same as the current one."),
    PIN_REQUIRED: _("Enter your six-digit trade PIN to confirm."),
    PIN_NOT_SET: _(
        "Set a trade PIN first, on your security page (/me/security/): every purchase, sell "
        "and withdrawal asks for it."
    ),
    PASSWORD_WRONG: _("That is not your login password."),
    TOTP_REQUIRED: _("Enter the current code from your authenticator app."),
    TOTP_WRONG: _("That authenticator code is not right (or was already used)."),
    RESET_LINK_INVALID: _(
        "This reset link is not valid any more (used, replaced by a newer one, or older than "
        "30 minutes). Ask for a new one from your security page."
    ),
}


# PIN_NOT_SET for an investor who cannot set one yet: the first step is the identity.
PIN_NOT_SET_UNVERIFIED = _(
    "Verify your identity first, at /me/identity/: the trade PIN that confirms every purchase, "
    "sell and withdrawal is set after verification, on your security page (/me/security/)."
)


def _error(code: str, field: str = FIELD, message=None, **params) -> ValidationError:
    return ValidationError(
        {field: ValidationError(message or MESSAGES[code], code=code, params=params or None)}
    )


def totp_of(user) -> TOTP | None:
    """The user's active allauth TOTP authenticator, or None."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return TOTP(authenticator) if authenticator else None


# How the investor reads the business time zone (not its tz database name).
TIME_ZONE_NAMES = {"Asia/Shanghai": _("Beijing time")}


def _locked_message(until: dt.datetime) -> str:
    when = date_format(timezone.localtime(until), "Y-m-d H:i")
    return _(
        "Too many wrong trade PINs: confirmation is locked until %(until)s (%(tz)s). Reset the "
        "PIN from your security page to unlock it sooner."
    ) % {"until": when, "tz": TIME_ZONE_NAMES.get(settings.TIME_ZONE, settings.TIME_ZONE)}


def _wrong_message(left: int) -> str:
    return ngettext(
        "Wrong trade PIN. %(left)d attempt left before it locks for 30 minutes.",
        "Wrong trade PIN. %(left)d attempts left before it locks for 30 minutes.",
        left,
    ) % {"left": left}


def _row_for_update(user) -> TradePin:
    record = TradePin.objects.select_for_update().filter(user=user).first()
    if record is None:  # the first answer or PIN of this investor: its row, then its lock
        record, _ = TradePin.objects.get_or_create(user=user)
        record = TradePin.objects.select_for_update().get(pk=record.pk)
    return record


# --- the one check ---------------------------------------------------------------------------


def trade_confirm(*, user, pin: str | None = None) -> None:
    """Confirm a movement of money with the trade PIN, or a current TOTP code where the
    investor has TOTP on. Returns on success (and clears the count of wrong attempts).

    Raises ``ValidationError({"trade_pin": …})`` with code ``trade_pin_required`` (nothing
    sent), ``trade_pin_invalid`` (not six digits; not counted), ``trade_pin_not_set``,
    ``trade_pin_wrong`` (params ``attempts_left``) or ``trade_pin_locked`` (params
    ``locked_until``). The fifth wrong answer in a row locks it for 30 minutes and e-mails the
    investor once. Attempts are counted under a row lock, so parallel wrong answers cannot
    pass five. Call it outside any transaction: the count must commit although it raises.
    """
    code = (pin or "").strip()
    if not code:
        raise _error(PIN_REQUIRED)
    if not rules.is_pin_shaped(code):
        raise _error(PIN_INVALID, message=rules.SHAPE)
    if _right_with_nothing_to_count(user=user, code=code):
        return
    outcome, value = _attempt(user=user, code=code, allow_totp=True)
    if outcome == "ok":
        return
    if outcome == PIN_WRONG:
        raise _error(PIN_WRONG, message=_wrong_message(value), attempts_left=value)
    if outcome == PIN_LOCKED:
        raise _error(PIN_LOCKED, message=_locked_message(value), locked_until=value.isoformat())
    if outcome == PIN_NOT_SET and verified_identity(user=user) is None:
        raise _error(PIN_NOT_SET, message=PIN_NOT_SET_UNVERIFIED)
    raise _error(outcome)


def _right_with_nothing_to_count(*, user, code: str) -> bool:
    """The common answer, checked with one read and no lock or write: a PIN is set, stored the
    current way, no wrong answer is counted, no lock (not even one that ran out), and ``code``
    is the PIN. Anything else is counted by :func:`_attempt` under the row's lock.

    Without the lock a right answer can pass while a concurrent wrong one is being counted:
    as if the right one had come first, which is what the count allows anyway (a right answer
    clears it). Wrong answers are all counted under the lock, so parallel guesses still cannot
    pass five; and this check never reads TOTP, so one query confirms a purchase."""
    fields = ("pin_hash", "failed_attempts", "locked_until")
    record = TradePin.objects.filter(user=user).only(*fields).first()
    if record is None or not record.is_set or record.failed_attempts:
        return False
    if record.locked_until is not None:
        return False
    right, restore = pin_check(code, record.pin_hash)
    return right and not restore


@transaction.atomic
def _attempt(*, user, code: str, allow_totp: bool):
    """One counted answer, committed whatever it was: ``("ok", None)``, ``(PIN_WRONG, attempts
    left)``, ``(PIN_LOCKED, until)`` or ``(PIN_NOT_SET, None)``."""
    now = timezone.now()
    record = _row_for_update(user)
    if record.locked_at(now):
        return PIN_LOCKED, record.locked_until
    if record.locked_until is not None:  # a lock that ran out: start counting afresh
        record.failed_attempts, record.locked_until = 0, None
    right, restore = pin_check(code, record.pin_hash) if record.is_set else (False, False)
    # TOTP is read only when the PIN did not answer (a right PIN needs no authenticator).
    totp = totp_of(user) if allow_totp and not right else None
    if not record.is_set and totp is None:
        record.save(update_fields=["failed_attempts", "locked_until"])
        return PIN_NOT_SET, None
    if not right and totp is not None:
        right, restore = totp.validate_code(code), False
    if right:
        record.failed_attempts = 0
        fields = ["failed_attempts", "locked_until"]
        if restore:  # an older hash or a retiring key: store it the current way
            record.pin_hash = pin_hash(code)
            fields.append("pin_hash")
        record.save(update_fields=fields)
        return "ok", None
    record.failed_attempts += 1
    if record.failed_attempts < MAX_ATTEMPTS:
        record.save(update_fields=["failed_attempts", "locked_until"])
        return PIN_WRONG, MAX_ATTEMPTS - record.failed_attempts
    record.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
    record.save(update_fields=["failed_attempts", "locked_until"])
    enqueue("profiles.security.tasks.pin_locked_notify", user.pk, record.locked_until.isoformat())
    return PIN_LOCKED, record.locked_until


# --- setting, changing and resetting the PIN -------------------------------------------------


def _check_new_pin(*, user, pin: str, identity, field: str = "pin") -> None:
    if not rules.is_pin_shaped(pin):
        raise _error(PIN_INVALID, field, rules.SHAPE)
    reason = rules.trivial_reason(pin, born=identity.date_of_birth)
    if reason is not None:
        raise _error(PIN_TRIVIAL, field, reason)
    if user.check_password(pin):
        raise _error(PIN_IS_PASSWORD, field)


def _require_identity(user, field: str = "pin"):
    identity = verified_identity(user=user)
    if identity is None:
        raise _error(IDENTITY_REQUIRED, field)
    return identity


def _store(record: TradePin, pin: str) -> TradePin:
    record.pin_hash = pin_hash(pin)
    record.set_at = timezone.now()
    record.failed_attempts, record.locked_until, record.reset_nonce = 0, None, ""
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def trade_pin_set(*, user, pin: str) -> TradePin:
    """Set the first trade PIN (after identity verification)."""
    identity = _require_identity(user)
    pin = (pin or "").strip()
    _check_new_pin(user=user, pin=pin, identity=identity)
    record = _row_for_update(user)
    if record.is_set:
        raise _error(PIN_ALREADY_SET, "pin")
    return _store(record, pin)


def trade_pin_change(*, user, current_pin: str, new_pin: str) -> TradePin:
    """Change the PIN: the current one is checked (a wrong one counts towards the lock)."""
    identity = _require_identity(user, "new_pin")
    current_pin, new_pin = (current_pin or "").strip(), (new_pin or "").strip()
    _check_new_pin(user=user, pin=new_pin, identity=identity, field="new_pin")
    if not rules.is_pin_shaped(current_pin):
        raise _error(PIN_INVALID, "current_pin", rules.SHAPE)
    outcome, value = _attempt(user=user, code=current_pin, allow_totp=False)
    if outcome == PIN_WRONG:
        raise _error(PIN_WRONG, "current_pin", _wrong_message(value), attempts_left=value)
    if outcome == PIN_LOCKED:
        raise _error(PIN_LOCKED, "current_pin", _locked_message(value))
    if outcome == PIN_NOT_SET:
        raise _error(PIN_NOT_SET, "current_pin")
    if new_pin == current_pin:
        raise _error(PIN_UNCHANGED, "new_pin")
    with transaction.atomic():
        return _store(_row_for_update(user), new_pin)


def _reset_token(user_id: int, nonce: str) -> str:
    return signing.dumps({"u": user_id, "n": nonce}, salt=RESET_SALT)


@transaction.atomic
def trade_pin_reset_request(*, user, password: str, totp_code: str = "") -> None:
    """Check the login password (and a TOTP code when TOTP is on), then e-mail a single-use
    link, good for 30 minutes, to the account's address. A newer request replaces the link."""
    if not user.check_password(password or ""):
        raise _error(PASSWORD_WRONG, "password")
    totp = totp_of(user)
    if totp is not None:
        totp_code = (totp_code or "").strip()
        if not totp_code:
            raise _error(TOTP_REQUIRED, "totp_code")
        if not totp.validate_code(totp_code):
            raise _error(TOTP_WRONG, "totp_code")
    _require_identity(user, "password")
    record = _row_for_update(user)
    record.reset_nonce = secrets.token_urlsafe(24)
    record.reset_requested_at = timezone.now()
    record.save(update_fields=["reset_nonce", "reset_requested_at"])
    enqueue("profiles.security.tasks.pin_reset_send", user.pk)


def reset_record(*, user, token: str) -> TradePin | None:
    """The user's PIN row when ``token`` is their current, unexpired reset link."""
    try:
        data = signing.loads(token or "", salt=RESET_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk:
        return None
    record = TradePin.objects.filter(user=user).first()
    fresh_after = timezone.now() - dt.timedelta(minutes=RESET_LINK_MINUTES)
    if (
        record is None
        or not record.reset_nonce
        or not secrets.compare_digest(record.reset_nonce, str(data.get("n", "")))
        or record.reset_requested_at is None
        or record.reset_requested_at < fresh_after
    ):
        return None
    return record


@transaction.atomic
def trade_pin_reset_complete(*, user, token: str, pin: str) -> TradePin:
    """Set a new PIN through the e-mailed link; uses the link up and clears any lock."""
    identity = _require_identity(user)
    if reset_record(user=user, token=token) is None:
        raise _error(RESET_LINK_INVALID, "pin")
    pin = (pin or "").strip()
    _check_new_pin(user=user, pin=pin, identity=identity)
    record = _row_for_update(user)
    if reset_record(user=user, token=token) is None:  # used up by a racing request
        raise _error(RESET_LINK_INVALID, "pin")
    return _store(record, pin)


# --- devices ---------------------------------------------------------------------------------


@transaction.atomic
def device_sign_in(*, user, device_id: str | None, user_agent: str, ip: str) -> tuple[str, bool]:
    """Remember the browser a user signed in from. Returns ``(device id for the cookie,
    whether a new-device notice was sent)``: the first device an account ever uses is
    recognised silently (the sign-in right after sign-up), any later unknown one is told."""
    now = timezone.now()
    user_agent = (user_agent or "")[:300]
    if (
        device_id
        and KnownDevice.objects.filter(user=user, device_id=device_id).update(
            last_seen_at=now, user_agent=user_agent
        )
        == 1
    ):
        return device_id, False
    first_ever = not KnownDevice.objects.filter(user=user).exists()
    device_id = device_id or secrets.token_urlsafe(24)
    KnownDevice.objects.get_or_create(
        user=user, device_id=device_id, defaults={"user_agent": user_agent}
    )
    if first_ever:
        return device_id, False
    enqueue("profiles.security.tasks.new_device_notify", user.pk, now.isoformat(), user_agent, ip)
    return device_id, True


# --- sessions --------------------------------------------------------------------------------


def sessions_end(*, user, current_key: str | None, session_ids: list[int] | None = None) -> bool:
    """End the user's signed-in sessions: all of them (``session_ids`` None) or the named ones
    (allauth's headless app tokens are these sessions, so they end too). Returns whether the
    current session was among them: the caller then signs the request out."""
    sessions = UserSession.objects.filter(user=user)
    if session_ids is not None:
        sessions = sessions.filter(pk__in=session_ids)
    sessions = list(sessions)
    sessions_adapter().end_sessions(sessions)
    return session_ids is None or any(s.session_key == current_key for s in sessions)
