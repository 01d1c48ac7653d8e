"""Binding, choosing and unbinding the investor's bank cards.

A card is bound through the payment gateway in the investor's verified legal name (the gateway
checks the name; the investor never types it). The platform keeps the gateway's token,
fingerprint and the last four digits; the number itself is checked (digits, length, the Luhn
check digit), handed to the gateway and forgotten. Each investor has at most one default bound
card; the first one bound becomes it, and unbinding it makes the most recently bound other one
the default. Changes to one investor's cards are serialised by a lock on the user's row.
"""

from __future__ import annotations

import logging
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from stdnum import luhn
from stdnum.exceptions import ValidationError as NumberError

from profiles.identity.selectors import verified_identity

from ..models import PaymentStatus
from . import errors
from .gateway import GATEWAYS, GatewayError, gateway, new_reference
from .models import BankCard, CardKind, CardStatus

logger = logging.getLogger(__name__)

MAX_BOUND_CARDS = 10
_SEPARATORS = re.compile(r"[\s\-]+")
_CARD_DIGITS = re.compile(r"^[0-9]{16,19}$")


def _fail(which: tuple, *, field: str | None = None, **values) -> ValidationError:
    code, message = which
    error = ValidationError(str(message).format(**values), code=code)
    return ValidationError({field: error}) if field else error


def card_number_clean(raw: str) -> str:
    """The digits of a card number as typed (spaces and hyphens allowed), checked for length
    and the Luhn check digit; ``ValidationError`` on field ``card_number`` otherwise."""
    number = _SEPARATORS.sub("", str(raw or ""))
    if not _CARD_DIGITS.match(number):
        raise _fail(errors.NUMBER_INVALID, field="card_number")
    try:
        luhn.validate(number)
    except NumberError as exc:
        raise _fail(errors.NUMBER_CHECKSUM, field="card_number") from exc
    return number


def _lock_user(user) -> None:
    """Serialise changes to one user's cards. ``FOR NO KEY UPDATE``: rows that only refer to
    the user (a payment being written, holding a card lock) do not wait for it, so a payment
    and an unbind never deadlock."""
    get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).first()


def card_bind(*, user, card_number: str, gateway_name: str | None = None) -> BankCard:
    """Bind a debit card in the user's verified name; the first bound becomes the default.

    The gateway is called before anything is written (a refused or unreachable bind saves
    nothing). A card that is already bound to this account is refused, and the
    token the gateway just made for it is released.
    """
    identity = verified_identity(user=user)
    if identity is None:
        raise _fail(errors.IDENTITY_REQUIRED)
    number = card_number_clean(card_number)
    provider = gateway(gateway_name)
    try:
        result = provider.bind_card(
            card_number=number,
            holder_name=identity.legal_name,
            document_type=identity.document_type,
            document_number=identity.document_number,
            reference=new_reference("bind"),
        )
    except GatewayError as exc:
        logger.warning("Card binding for user %s: the gateway gave no answer", user.pk)
        raise _fail(errors.UNAVAILABLE) from exc
    if result.status != "bound":
        raise ValidationError(
            {"card_number": ValidationError(result.failure_reason, code=result.failure_code)}
        )
    if result.kind != CardKind.DEBIT:
        _release(provider, result.token)
        raise _fail(errors.NOT_DEBIT, field="card_number")
    try:
        with transaction.atomic():
            _lock_user(user)
            bound = BankCard.objects.filter(user=user, status=CardStatus.BOUND)
            if bound.count() >= MAX_BOUND_CARDS:
                raise _fail(errors.LIMIT, field="card_number", limit=MAX_BOUND_CARDS)
            card = BankCard(
                user=user,
                gateway=provider.name,
                token=result.token,
                fingerprint=result.fingerprint,
                last4=result.last4,
                bank_name=result.bank_name[:100],
                kind=CardKind.DEBIT,
                holder_name=identity.legal_name,
                is_default=not bound.filter(is_default=True).exists(),
            )
            card.save()
    except IntegrityError as exc:  # the same card is bound already (bank_card_bound_once)
        _release(provider, result.token)
        raise _fail(errors.ALREADY_BOUND, field="card_number") from exc
    except ValidationError:
        _release(provider, result.token)
        raise
    return card


def _release(provider, token: str) -> None:
    """Tell the gateway to forget a token we do not keep (best effort: it holds no money)."""
    try:
        provider.unbind_card(token=token)
    except GatewayError:
        logger.warning("The gateway did not confirm releasing a card token")


def _locked_card(*, user, card: BankCard) -> BankCard:
    _lock_user(user)
    locked = BankCard.objects.select_for_update().filter(pk=card.pk, user=user).first()
    if locked is None or locked.status != CardStatus.BOUND:
        raise _fail(errors.NOT_BOUND)
    return locked


@transaction.atomic
def card_set_default(*, user, card: BankCard) -> BankCard:
    """Make one of the user's bound cards the default (the previous default stops being it)."""
    card = _locked_card(user=user, card=card)
    if not card.is_default:
        BankCard.objects.filter(user=user, is_default=True).update(is_default=False)
        card.is_default = True
        card.save(update_fields=["is_default"])
    return card


def card_unbind(*, user, card: BankCard) -> BankCard:
    """Unbind a card (its payments keep it). Refused while a withdrawal to it or a top-up from it
    is pending. Unbinding the default makes the most recently bound other card the default."""
    with transaction.atomic():
        card = _locked_card(user=user, card=card)
        if card.payments.filter(status=PaymentStatus.PENDING).exists():
            raise _fail(errors.IN_USE)
        was_default = card.is_default
        card.status = CardStatus.UNBOUND
        card.is_default = False
        card.unbound_at = timezone.now()
        card.save(update_fields=["status", "is_default", "unbound_at"])
        if was_default:
            successor = (
                BankCard.objects.filter(user=user, status=CardStatus.BOUND)
                .order_by("-bound_at", "-id")
                .first()
            )
            if successor is not None:
                successor.is_default = True
                successor.save(update_fields=["is_default"])
        provider, token = GATEWAYS.get(card.gateway), card.token
        if provider is not None:
            transaction.on_commit(lambda: _release(provider, token))
    return card
