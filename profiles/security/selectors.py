"""Reads of sign-in security: the trade PIN's state, TOTP, the signed-in sessions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.utils import timezone

from .devices import describe
from .models import MAX_ATTEMPTS, KnownDevice, TradePin


@dataclass(frozen=True)
class PinStatus:
    state: str  # "not_set", "set" or "locked"
    locked_until: dt.datetime | None
    attempts_left: int
    set_at: dt.datetime | None

    @property
    def is_set(self) -> bool:
        return self.state != "not_set"


def trade_pin_status(*, user) -> PinStatus:
    record = TradePin.objects.filter(user=user).first()
    now = timezone.now()
    if record is None:
        return PinStatus("not_set", None, MAX_ATTEMPTS, None)
    if record.locked_at(now):
        return PinStatus("locked", record.locked_until, 0, record.set_at)
    failed = 0 if record.locked_until else record.failed_attempts
    state = "set" if record.is_set else "not_set"
    return PinStatus(state, None, MAX_ATTEMPTS - failed, record.set_at)


def totp_active(*, user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


@dataclass(frozen=True)
class SessionRow:
    id: int
    device: str
    ip: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    is_current: bool


def sessions_for(*, user, current_key: str | None) -> list[SessionRow]:
    """The user's signed-in sessions, newest activity first (ended ones are dropped)."""
    sessions = UserSession.objects.purge_and_list(user)
    rows = [
        SessionRow(
            id=s.pk,
            device=describe(s.user_agent),
            ip=s.ip,
            created_at=s.created_at,
            last_seen_at=s.last_seen_at,
            is_current=bool(current_key) and s.session_key == current_key,
        )
        for s in sessions
    ]
    return sorted(rows, key=lambda r: (not r.is_current, -r.last_seen_at.timestamp()))


def known_devices(*, user):
    return KnownDevice.objects.filter(user=user)
