"""The identity-provider interface and the built-in ``sandbox`` provider.

A provider checks that a legal name belongs to a document (in the seed's market, against the
public-security authority's register) and answers ``verified``, ``review`` (it cannot decide:
a person at the platform looks at it) or ``failed`` (name and number do not match). A real
provider plugs in by implementing :class:`IdentityProvider` and registering it in ``PROVIDERS``.

The provider in use is the ``IDENTITY_PROVIDER`` setting. Production settings have none until
one is configured (verification is then refused with :data:`NO_PROVIDER`); the sandbox there
needs ``IDENTITY_SANDBOX_IN_PRODUCTION`` and ``check --deploy`` warns.

The sandbox, like a provider's test mode, decides by the number's last three digits (for an
18-character resident-ID-format number, the 3-digit sequence before its check character):
``999`` fails (name and number do not match), ``998`` needs a manual review, anything else is
verified. :func:`sandbox_test_numbers` lists ready-made numbers for the page and the README.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from .models import DocumentType

NO_PROVIDER = _(
    "Identity verification is unavailable: no identity provider is configured yet. Please try "
    "again later."
)
NAME_MISMATCH = _("The legal name and the document number do not match.")
NEEDS_REVIEW = _("The provider could not decide: a person at Fortune Market checks it.")
PROVIDER_DOWN = _("The provider did not answer: a person at Fortune Market checks it.")
# The platform's own reasons are stored in English (Identity.failure_reason, the events) and
# shown in the reader's language by reason_text; a staff member's or a real provider's own
# words are stored and shown as written.
PLATFORM_REASONS = (NAME_MISMATCH, NEEDS_REVIEW, PROVIDER_DOWN)


def english(message) -> str:
    """A translatable message as stored: in English, whatever the request's language."""
    with translation.override("en"):
        return str(message)


def reason_text(stored: str) -> str:
    """A stored reason in the active language (the platform's own ones; others as written)."""
    for message in PLATFORM_REASONS:
        if stored == english(message):
            return str(message)
    return stored


SANDBOX_FAIL = "999"
SANDBOX_REVIEW = "998"


class ProviderError(Exception):
    """The provider could not be reached or gave no answer."""


@dataclass(frozen=True)
class ProviderResult:
    status: str  # "verified" | "review" | "failed"
    reference: str
    reason: str = ""


class IdentityProvider(Protocol):
    name: str

    def verify(
        self,
        *,
        legal_name: str,
        document_type: str,
        document_number: str,
        date_of_birth: dt.date,
        nationality: str,
        reference: str,
    ) -> ProviderResult: ...


def _sequence(document_type: str, number: str) -> str:
    """The digits the sandbox decides by: a resident-ID-format number's sequence, else the
    number's last three characters."""
    if len(number) == 18 and number[:17].isdecimal():
        return number[14:17]
    return number[-3:]


class SandboxProvider:
    name = "sandbox"

    def verify(
        self,
        *,
        legal_name: str,
        document_type: str,
        document_number: str,
        date_of_birth: dt.date,
        nationality: str,
        reference: str,
    ) -> ProviderResult:
        sequence = _sequence(document_type, document_number)
        if sequence == SANDBOX_FAIL:
            return ProviderResult("failed", reference, english(NAME_MISMATCH))
        if sequence == SANDBOX_REVIEW:
            return ProviderResult("review", reference, english(NEEDS_REVIEW))
        return ProviderResult("verified", reference)


PROVIDERS: dict[str, IdentityProvider] = {"sandbox": SandboxProvider()}


def new_reference() -> str:
    """The platform's reference of a verification request, given to the provider."""
    return f"idv_{secrets.token_hex(12)}"


def active_provider() -> IdentityProvider | None:
    """The provider named by ``IDENTITY_PROVIDER``, or None when none is configured."""
    name = settings.IDENTITY_PROVIDER
    return PROVIDERS.get(name) if name else None


def provider() -> IdentityProvider:
    """The configured provider; verification is refused when there is none."""
    found = active_provider()
    if found is None:
        raise ValidationError(NO_PROVIDER, code="identity_unavailable")
    return found


def sandbox_in_use() -> bool:
    return settings.IDENTITY_PROVIDER == SandboxProvider.name


def _resident_id(birth: dt.date, sequence: str, region: str = "110101") -> str:
    body = f"{region}{birth:%Y%m%d}{sequence}"
    return body + ric.calc_check_digit(body + "0")  # stdnum expects (and ignores) a check slot


@dataclass(frozen=True)
class TestNumber:
    document_type: str
    number: str
    outcome: str
    __test__ = False  # not a pytest class


def sandbox_test_numbers() -> list[TestNumber]:
    """Numbers to try the sandbox with (resident IDs with a valid check character)."""
    adult, senior, minor = dt.date(1990, 3, 7), dt.date(1956, 3, 1), dt.date(2012, 5, 1)
    return [
        TestNumber(DocumentType.RESIDENT_ID, _resident_id(adult, "123"), _("verified")),
        TestNumber(DocumentType.RESIDENT_ID, _resident_id(adult, SANDBOX_REVIEW), _("review")),
        TestNumber(DocumentType.RESIDENT_ID, _resident_id(adult, SANDBOX_FAIL), _("failed")),
        TestNumber(DocumentType.RESIDENT_ID, _resident_id(senior, "456"), _("verified, aged 65+")),
        TestNumber(DocumentType.RESIDENT_ID, _resident_id(minor, "123"), _("refused: under 18")),
        TestNumber(DocumentType.PASSPORT, "E12345678", _("verified")),
        TestNumber(DocumentType.HK_MACAU_PERMIT, "H12345998", _("review")),
        TestNumber(DocumentType.TAIWAN_PERMIT, "12345999", _("failed")),
    ]
