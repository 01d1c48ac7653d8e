"""How a trade PIN is stored: HMAC-SHA256 under a key derived from ``SECRET_KEY``, with a
random salt per PIN (``pin_hmac_sha256$<salt>$<hex>``).

A PIN has six digits: a million possibilities. A slow password hash cannot protect so few
against someone holding the table (a million guesses × any cost is hours), and it made every
order wait for it: Django's PBKDF2 at 1,000,000 iterations took 1.6 s a check in the load test,
held under the PIN row's lock, capping order placement at a few a second. What protects a PIN
is the five-attempt lock-out online and, offline, a key that is not in the database: a leaked
table without ``SECRET_KEY`` is worth nothing, and with it the check is microseconds either
way. PINs stored by Django's password hashers before this are still accepted and re-stored in
this form at their next right answer; so is one stored under a key in ``SECRET_KEY_FALLBACKS``.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.utils.crypto import constant_time_compare, salted_hmac

ALGORITHM = "pin_hmac_sha256"
_KEY_SALT = "profiles.security.trade-pin"


def _digest(pin: str, salt: str, secret: str) -> str:
    return salted_hmac(_KEY_SALT, f"{salt}${pin}", secret=secret, algorithm="sha256").hexdigest()


def pin_hash(pin: str) -> str:
    """The stored form of ``pin`` under the current ``SECRET_KEY``."""
    salt = secrets.token_hex(12)
    return f"{ALGORITHM}${salt}${_digest(pin, salt, settings.SECRET_KEY)}"


def pin_check(pin: str, encoded: str) -> tuple[bool, bool]:
    """``(right, restore)``: whether ``pin`` is the PIN ``encoded`` stores, and whether a right
    one should be stored again (an older hash, or a key that is being rotated out)."""
    if not encoded:
        return False, False
    algorithm, _, rest = encoded.partition("$")
    if algorithm != ALGORITHM:
        return check_password(pin, encoded), True
    salt, _, digest = rest.partition("$")
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    for index, key in enumerate(keys):
        if constant_time_compare(_digest(pin, salt, key), digest):
            return True, index > 0
    return False, False
