"""The payment gateway interface and the built-in ``sandbox`` gateway.

A gateway binds an investor's bank card (it checks the number and that the card is in the
investor's verified name, and answers with its own token for the card, a fingerprint and the
last four digits: the platform never keeps the number), charges a card's token and pays out to
one. Callbacks are authenticated with an HMAC-SHA256 signature of the raw body. A real provider
plugs in by implementing :class:`PaymentGateway` and registering it in ``GATEWAYS``.

The sandbox behaves like providers' test modes: a small table of test card numbers
(:data:`SANDBOX_CARDS`), each with a behaviour that its token carries as a prefix:
``sandbox_ok`` charges succeed at once, ``sandbox_declined`` charges are declined,
``sandbox_late`` charges stay pending until the bank calls back; one card is refused at binding
because the name on it is not the investor's, one because it is a credit card.

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
from typing import NamedTuple, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SIGNATURE_HEADER = "HTTP_X_SANDBOX_SIGNATURE"
NO_GATEWAY = _("Deposits and withdrawals are unavailable: no payment provider is configured yet.")

# A payout the provider left pending (or could not answer) is called this many times in all,
# 10 minutes apart, then 20, 40, …; after that it waits on the staff page of stuck payouts.
PAYOUT_MAX_ATTEMPTS = 5
PAYOUT_RETRY_BASE = dt.timedelta(minutes=10)

# Why a provider refuses to bind a card (CardBindResult.failure_code).
NAME_MISMATCH = "card_name_mismatch"
CARD_UNKNOWN = "card_unknown"
NOT_DEBIT = "card_not_debit"


class GatewayError(Exception):
    """The provider could not be reached or gave no answer: the outcome is unknown."""


@dataclass(frozen=True)
class GatewayResult:
    status: str  # "succeeded" | "declined" | "pending" | "failed"
    provider_reference: str
    failure_reason: str = ""


@dataclass(frozen=True)
class CardBindResult:
    """What the provider says of a card it was asked to bind. ``fingerprint`` is the same
    for the same card number every time (the provider's keyed hash of it), ``token`` new each
    time; neither reveals the number."""

    status: str  # "bound" | "refused"
    token: str = ""
    fingerprint: str = ""
    last4: str = ""
    bank_name: str = ""
    kind: str = ""  # "debit" | "credit"
    failure_code: str = ""
    failure_reason: str = ""


class PaymentGateway(Protocol):
    name: str

    def bind_card(
        self,
        *,
        card_number: str,
        holder_name: str,
        document_type: str,
        document_number: str,
        reference: str,
    ) -> CardBindResult: ...

    def unbind_card(self, *, token: str) -> None: ...

    def charge(self, *, amount: Decimal, token: str, reference: str) -> GatewayResult: ...

    def payout(self, *, amount: Decimal, token: str, reference: str) -> GatewayResult: ...


class SandboxCard(NamedTuple):
    number: str
    behaviour: str  # the token's prefix, or the failure code binding answers with
    bank_name: str
    kind: str
    label: str

    @property
    def grouped(self) -> str:
        """The number in groups of four, as printed on a card."""
        return " ".join(self.number[i : i + 4] for i in range(0, len(self.number), 4))


# The sandbox's test cards (Luhn-valid, China UnionPay style). Shown on the cards page when
# the sandbox is in use.
SANDBOX_CARDS: tuple[SandboxCard, ...] = (
    SandboxCard(
        "6222020000000015",
        "sandbox_ok",
        "Sandbox Commercial Bank",
        "debit",
        _("Debit card — payments succeed"),
    ),
    SandboxCard(
        "6222020000000023",
        "sandbox_declined",
        "Sandbox Commercial Bank",
        "debit",
        _("Debit card — payments are declined"),
    ),
    SandboxCard(
        "6222020000000000034",
        "sandbox_late",
        "Sandbox Savings Bank",
        "debit",
        _("Debit card — payments confirm later (bank transfer)"),
    ),
    SandboxCard(
        "6222020000000049",
        NAME_MISMATCH,
        "Sandbox Commercial Bank",
        "debit",
        _("Binding refused — the name on the card is someone else's"),
    ),
    SandboxCard(
        "6252020000000059",
        NOT_DEBIT,
        "Sandbox Commercial Bank",
        "credit",
        _("Binding refused — a credit card"),
    ),
)
SANDBOX_BEHAVIOURS = ("sandbox_ok", "sandbox_declined", "sandbox_late")


class SandboxGateway:
    name = "sandbox"
    cards = {card.number: card for card in SANDBOX_CARDS}

    def bind_card(
        self,
        *,
        card_number: str,
        holder_name: str,
        document_type: str,
        document_number: str,
        reference: str,
    ) -> CardBindResult:
        card = self.cards.get(card_number)
        if card is None:
            return CardBindResult(
                "refused",
                failure_code=CARD_UNKNOWN,
                failure_reason=_("The bank does not know this card number: check it."),
            )
        if card.behaviour == NAME_MISMATCH:
            return CardBindResult(
                "refused",
                failure_code=NAME_MISMATCH,
                failure_reason=_(
                    "The bank says this card is not in your verified name: bind a card of your own."
                ),
            )
        return CardBindResult(
            "bound",
            token=f"{card.behaviour}.{secrets.token_hex(12)}",
            fingerprint=self.fingerprint(card_number),
            last4=card_number[-4:],
            bank_name=card.bank_name,
            kind=card.kind,
        )

    @staticmethod
    def fingerprint(card_number: str) -> str:
        """Keyed (a bare hash of a 16-digit number with a known prefix is easily reversed)."""
        key = settings.PAYMENTS_SANDBOX_SECRET.encode()
        return hmac.new(key, b"card:" + card_number.encode(), hashlib.sha256).hexdigest()

    def unbind_card(self, *, token: str) -> None:
        return None

    @staticmethod
    def behaviour(token: str) -> str:
        return token.split(".", 1)[0]

    def charge(self, *, amount: Decimal, token: str, reference: str) -> GatewayResult:
        # The sandbox keeps the platform's reference as its own.
        behaviour = self.behaviour(token)
        if behaviour == "sandbox_ok":
            return GatewayResult("succeeded", reference)
        if behaviour == "sandbox_declined":
            return GatewayResult("declined", reference, "The card was declined.")
        if behaviour == "sandbox_late":
            return GatewayResult("pending", reference)
        raise ValueError("Unknown card token")

    def payout(self, *, amount: Decimal, token: str, reference: str) -> GatewayResult:
        if self.behaviour(token) == "sandbox_declined":
            return GatewayResult("declined", reference, "The bank refused the transfer.")
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
