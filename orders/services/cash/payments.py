"""Payments through the gateway: deposits from a bound card, withdrawals to one, the
provider's callbacks and the retries of payouts it could not answer."""

from __future__ import annotations

import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from marketplace.accounts import EMAIL_NOT_VERIFIED, email_verified
from marketplace.money import parse_amount
from profiles.identity.selectors import identity_required

from ...cash import errors as cash_errors
from ...cash.gateway import (
    PAYOUT_MAX_ATTEMPTS,
    PAYOUT_RETRY_BASE,
    GatewayError,
    GatewayResult,
    gateway,
    new_reference,
    signature_is_valid,
)
from ...models import (
    BankCard,
    CardStatus,
    EntryKind,
    Payment,
    PaymentDirection,
    PaymentStatus,
)
from .ledger import InsufficientCashError, post_entry

BAD_SIGNATURE = "The callback signature does not match."
BAD_CALLBACK = "The callback body is not valid JSON with provider_reference and status."
UNKNOWN_PAYMENT = "No payment has this provider reference."


def _movement_amount(*, user, amount) -> Decimal:
    """Money moves only for verified investors, in valid amounts (a field error otherwise)."""
    if not email_verified(user):
        raise PermissionDenied(EMAIL_NOT_VERIFIED)
    try:
        return parse_amount(amount, maximum=settings.MAX_CASH_MOVEMENT)
    except ValueError as exc:
        raise ValidationError({"amount": str(exc)}) from exc


def _card_for_payment(*, user, card, provider) -> BankCard:
    """The user's own bound card of the gateway in use, locked for the payment being written
    (an unbind waits for it; ``card_unbind`` refuses a card with a pending payment)."""
    if not isinstance(card, BankCard) or card.pk is None:
        raise _card_error(cash_errors.CARD_UNUSABLE)
    locked = (
        BankCard.objects.select_for_update()
        .filter(pk=card.pk, user=user, status=CardStatus.BOUND)
        .first()
    )
    if locked is None:
        raise _card_error(cash_errors.CARD_UNUSABLE)
    if locked.gateway != provider.name:
        raise _card_error(cash_errors.CARD_OTHER_GATEWAY)
    return locked


def _card_error(which: tuple) -> ValidationError:
    code, message = which
    return ValidationError({"card": ValidationError(message, code=code)})


def deposit_start(*, user, amount, card: BankCard, gateway_name: str | None = None) -> Payment:
    """Charge one of the user's bound cards (by the gateway's token); credit cash when it
    succeeds (now, or on its callback).

    The payment is written (and committed, outside any caller's transaction) before the
    provider is called, under the reference the provider is given: a crash between the charge
    and our bookkeeping leaves a pending payment that its callback or staff can settle, never a
    real charge with no record. A provider that cannot be reached leaves it pending too.
    """
    amount = _movement_amount(user=user, amount=amount)
    identity_required(user=user)
    provider = gateway(gateway_name)
    with transaction.atomic():
        card = _card_for_payment(user=user, card=card, provider=provider)
        payment = Payment.objects.create(
            user=user,
            direction=PaymentDirection.DEPOSIT,
            amount=amount,
            gateway=provider.name,
            card=card,
            payment_method=card.token,
            provider_reference=new_reference("dep"),
            attempts=1,
        )
    try:
        result = provider.charge(
            amount=amount, token=card.token, reference=payment.provider_reference
        )
    except GatewayError as exc:
        Payment.objects.filter(pk=payment.pk).update(last_error=str(exc)[:200])
        payment.refresh_from_db()
        return payment
    with transaction.atomic():
        _record_result(payment, result)
    payment.refresh_from_db()
    return payment


def _record_result(payment: Payment, result: GatewayResult) -> None:
    """Keep the provider's reference and settle the payment if the provider decided."""
    if result.provider_reference != payment.provider_reference:
        Payment.objects.filter(pk=payment.pk).update(provider_reference=result.provider_reference)
        payment.provider_reference = result.provider_reference
    if result.status != PaymentStatus.PENDING:
        _settle(payment, status=result.status, reason=result.failure_reason)


def _settle(payment: Payment, *, status: str, reason: str = "") -> bool:
    """Move a pending payment to its final status, once; returns False if it already moved."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status != PaymentStatus.PENDING or status == PaymentStatus.PENDING:
        return False
    locked.status = status
    locked.failure_reason = reason[:200]
    locked.settled_at = timezone.now()
    locked.save(update_fields=["status", "failure_reason", "settled_at"])
    reference = f"payment:{locked.pk}"
    if locked.direction == PaymentDirection.DEPOSIT and status == PaymentStatus.SUCCEEDED:
        post_entry(
            user=locked.user,
            kind=EntryKind.DEPOSIT,
            amount=locked.amount,
            reference=reference,
            description=f"Top-up from {locked.card}" if locked.card_id else gettext_noop("Top-up"),
        )
    if locked.direction == PaymentDirection.WITHDRAWAL and status != PaymentStatus.SUCCEEDED:
        post_entry(
            user=locked.user,
            kind=EntryKind.WITHDRAWAL_RETURNED,
            amount=locked.amount,
            reference=reference,
            description=gettext_noop("Withdrawal returned"),
        )
    payment.refresh_from_db()
    return True


@transaction.atomic
def payment_callback(*, body: bytes, signature: str) -> tuple[Payment, bool]:
    """A provider tells us how a pending payment ended. Forged callbacks are refused; a replayed
    one changes nothing. Returns the payment and whether this call changed it."""
    if not signature_is_valid(body, signature):
        raise PermissionDenied(BAD_SIGNATURE)
    try:
        data = json.loads(body)
        reference, status = str(data["provider_reference"]), str(data["status"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(BAD_CALLBACK) from exc
    if status not in (PaymentStatus.SUCCEEDED, PaymentStatus.DECLINED, PaymentStatus.FAILED):
        raise ValidationError(BAD_CALLBACK)
    payment = Payment.objects.filter(provider_reference=reference).first()
    if payment is None:
        raise ValidationError(UNKNOWN_PAYMENT)
    changed = _settle(payment, status=status, reason=str(data.get("reason", "")))
    return payment, changed


def withdrawal_request(*, user, amount, card: BankCard, gateway_name: str | None = None) -> Payment:
    """Pay available cash out to one of the user's bound cards; returned if it fails.

    The payment and the debit are committed before the provider is called. A payout the
    provider refuses puts the money back (a ``withdrawal_returned`` entry); one it cannot
    answer stays pending and :func:`payouts_retry` tries it again.
    """
    amount = _movement_amount(user=user, amount=amount)
    provider = gateway(gateway_name)
    with transaction.atomic():
        card = _card_for_payment(user=user, card=card, provider=provider)
        payment = Payment.objects.create(
            user=user,
            direction=PaymentDirection.WITHDRAWAL,
            amount=amount,
            gateway=provider.name,
            card=card,
            payment_method=card.token,
            provider_reference=new_reference("payout"),
        )
        try:
            post_entry(
                user=user,
                kind=EntryKind.WITHDRAWAL,
                amount=-amount,
                reference=f"payment:{payment.pk}",
                description=f"Withdrawal to {card.bank_name} •••• {card.last4}",
            )
        except InsufficientCashError as exc:
            raise ValidationError({"amount": exc.messages}) from exc
    _payout_attempt(payment, provider=provider, now=timezone.now())
    payment.refresh_from_db()
    return payment


def _payout_attempt(payment: Payment, *, provider, now) -> None:
    """Call the provider once for a pending payout and record what it said."""
    attempts = payment.attempts + 1
    delay = PAYOUT_RETRY_BASE * 2 ** (attempts - 1)
    try:
        # To the card it was asked for (a retry too); payouts before cards carry their token.
        token = payment.card.token if payment.card is not None else payment.payment_method
        result = provider.payout(
            amount=payment.amount, token=token, reference=payment.provider_reference
        )
    except GatewayError as exc:
        result, error = None, str(exc)[:200]
    else:
        error = ""
    with transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(
            attempts=attempts, next_attempt_at=now + delay, last_error=error
        )
        payment.attempts = attempts
        if result is not None:
            _record_result(payment, result)


def payouts_retry(*, now=None, limit: int = 500) -> dict:
    """Try again the payouts still pending whose next attempt is due, each at most
    ``PAYOUT_MAX_ATTEMPTS`` times with a doubling delay; the rest wait for staff
    (:func:`orders.selectors.payouts_stuck`). Safe to run twice: a payout is locked while
    it is tried and the provider dedupes by our reference."""
    now = now or timezone.now()
    due = Payment.objects.filter(
        direction=PaymentDirection.WITHDRAWAL,
        status=PaymentStatus.PENDING,
        attempts__lt=PAYOUT_MAX_ATTEMPTS,
        next_attempt_at__lte=now,
    ).order_by("next_attempt_at", "pk")[:limit]
    counts = {"tried": 0, "settled": 0}
    for payment_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            payment = (
                Payment.objects.select_for_update(skip_locked=True)
                .filter(pk=payment_id, status=PaymentStatus.PENDING, next_attempt_at__lte=now)
                .first()
            )
            if payment is None:
                continue
            Payment.objects.filter(pk=payment.pk).update(next_attempt_at=None)  # claimed
        _payout_attempt(payment, provider=gateway(payment.gateway), now=now)
        counts["tried"] += 1
        payment.refresh_from_db()
        counts["settled"] += payment.status != PaymentStatus.PENDING
    return counts
