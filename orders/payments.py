"""The payment gateway interface and the built-in ``sandbox`` gateway.

A gateway charges a provider's payment-method token (never a card number) and pays out to the
investor. The sandbox behaves like providers' test modes: ``sandbox_ok`` succeeds at once,
``sandbox_declined`` is declined, ``sandbox_late`` stays pending until the provider calls back.
Callbacks are authenticated with an HMAC-SHA256 signature of the raw body. A real provider plugs
in by implementing :class:`PaymentGateway` and registering it in ``GATEWAYS``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings

SIGNATURE_HEADER = "HTTP_X_SANDBOX_SIGNATURE"


@dataclass(frozen=True)
class GatewayResult:
    status: str  # "succeeded" | "declined" | "pending" | "failed"
    provider_reference: str
    failure_reason: str = ""


class PaymentGateway(Protocol):
    name: str
    test_methods: dict[str, str]

    def charge(self, *, amount: Decimal, payment_method: str) -> GatewayResult: ...

    def payout(self, *, amount: Decimal) -> GatewayResult: ...


class SandboxGateway:
    name = "sandbox"
    test_methods = {
        "sandbox_ok": "Test card — payment succeeds",
        "sandbox_declined": "Test card — payment is declined",
        "sandbox_late": "Test bank transfer — confirms later",
    }

    @staticmethod
    def _reference() -> str:
        return f"sbx_{secrets.token_hex(12)}"

    def charge(self, *, amount: Decimal, payment_method: str) -> GatewayResult:
        if payment_method == "sandbox_ok":
            return GatewayResult("succeeded", self._reference())
        if payment_method == "sandbox_declined":
            return GatewayResult("declined", self._reference(), "The card was declined.")
        if payment_method == "sandbox_late":
            return GatewayResult("pending", self._reference())
        raise ValueError(f"Unknown payment method: {payment_method}")

    def payout(self, *, amount: Decimal) -> GatewayResult:
        return GatewayResult("succeeded", self._reference())


GATEWAYS: dict[str, PaymentGateway] = {"sandbox": SandboxGateway()}


def gateway(name: str = "sandbox") -> PaymentGateway:
    return GATEWAYS[name]


def sign(body: bytes) -> str:
    """The signature a provider sends with a callback (hex HMAC-SHA256 of the raw body)."""
    key = settings.PAYMENTS_SANDBOX_SECRET.encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def signature_is_valid(body: bytes, signature: str) -> bool:
    """Compared as bytes: a header with non-ASCII characters is a mismatch, not an error."""
    given = (signature or "").encode("utf-8", "surrogateescape")
    return hmac.compare_digest(sign(body).encode(), given)
