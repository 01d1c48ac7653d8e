"""The payment gateway interface and the built-in ``sandbox`` gateway.

A gateway charges a provider's payment-method token (never a card number) and pays out to the
investor. The sandbox behaves like providers' test modes: ``sandbox_ok`` succeeds at once,
``sandbox_declined`` is declined, ``sandbox_late`` stays pending until the provider calls back.
Callbacks are authenticated with an HMAC-SHA256 signature of the raw body. A real provider plugs
in by implementing :class:`PaymentGateway` and registering it in ``GATEWAYS``.

The gateway in use is the ``PAYMENTS_GATEWAY`` setting. Production settings have none until one
is configured (deposits and withdrawals are then refused with :data:`NO_GATEWAY`), and the
sandbox there needs ``PAYMENTS_SANDBOX_IN_PRODUCTION`` (a "test mode" banner shows on every page
and ``check --deploy`` warns). Every call names the platform's own ``reference`` for the
payment, written before the call: a provider uses it as its idempotency key, so a retried
payout is never paid twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SIGNATURE_HEADER = "HTTP_X_SANDBOX_SIGNATURE"
NO_GATEWAY = _("Deposits and withdrawals are unavailable: no payment provider is configured yet.")

# A payout the provider left pending (or could not answer) is called this many times in all,
# 10 minutes apart, then 20, 40, …; after that it waits on the staff page of stuck payouts.
PAYOUT_MAX_ATTEMPTS = 5
PAYOUT_RETRY_BASE = dt.timedelta(minutes=10)


class GatewayError(Exception):
    """The provider could not be reached or gave no answer: the outcome is unknown."""


@dataclass(frozen=True)
class GatewayResult:
    status: str  # "succeeded" | "declined" | "pending" | "failed"
    provider_reference: str
    failure_reason: str = ""


class PaymentGateway(Protocol):
    name: str
    test_methods: dict[str, str]

    def charge(self, *, amount: Decimal, payment_method: str, reference: str) -> GatewayResult: ...

    def payout(self, *, amount: Decimal, reference: str) -> GatewayResult: ...


class SandboxGateway:
    name = "sandbox"
    test_methods = {
        "sandbox_ok": "Test card — payment succeeds",
        "sandbox_declined": "Test card — payment is declined",
        "sandbox_late": "Test bank transfer — confirms later",
    }

    def charge(self, *, amount: Decimal, payment_method: str, reference: str) -> GatewayResult:
        # The sandbox keeps the platform's reference as its own.
        if payment_method == "sandbox_ok":
            return GatewayResult("succeeded", reference)
        if payment_method == "sandbox_declined":
            return GatewayResult("declined", reference, "The card was declined.")
        if payment_method == "sandbox_late":
            return GatewayResult("pending", reference)
        raise ValueError(f"Unknown payment method: {payment_method}")

    def payout(self, *, amount: Decimal, reference: str) -> GatewayResult:
        return GatewayResult("succeeded", reference)


GATEWAYS: dict[str, PaymentGateway] = {"sandbox": SandboxGateway()}


def new_reference(prefix: str = "pay") -> str:
    """The platform's reference of a payment, written before the provider is called."""
    return f"{prefix}_{secrets.token_hex(12)}"


def active_gateway() -> PaymentGateway | None:
    """The gateway named by ``PAYMENTS_GATEWAY``, or None when none is configured."""
    name = settings.PAYMENTS_GATEWAY
    return GATEWAYS.get(name) if name else None


def gateway(name: str | None = None) -> PaymentGateway:
    """The named gateway (default: the configured one); refused when there is none."""
    provider = GATEWAYS.get(name) if name else active_gateway()
    if provider is None:
        raise ValidationError(NO_GATEWAY, code="payments_unavailable")
    return provider


def sandbox_in_use() -> bool:
    """True when the sandbox gateway is the one money goes through (the test-mode banner)."""
    return settings.PAYMENTS_GATEWAY == SandboxGateway.name


def sign(body: bytes) -> str:
    """The signature a provider sends with a callback (hex HMAC-SHA256 of the raw body)."""
    key = settings.PAYMENTS_SANDBOX_SECRET.encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def signature_is_valid(body: bytes, signature: str) -> bool:
    """Compared as bytes: a header with non-ASCII characters is a mismatch, not an error."""
    given = (signature or "").encode("utf-8", "surrogateescape")
    return hmac.compare_digest(sign(body).encode(), given)
