"""Shared bits of the security tests."""

from __future__ import annotations

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.exceptions import ValidationError

from tests.factories import TOTP_SECRET


def totp_now(offset: int = 0) -> str:
    """The authenticator code of the current 30-second window (``offset`` windows away)."""
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30 + offset))


def code_of(exc: ValidationError, field: str = "trade_pin") -> str:
    return exc.error_dict[field][0].code
