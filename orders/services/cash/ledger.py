"""The cash ledger: an investor's balance and the entry that records every movement of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from marketplace.bulk import bulk_insert, bulk_update

from ...models import CashAccount, CashEntry
from ...rows import CashBalanceRow, CashEntryRow

INSUFFICIENT_CASH = (
    "Your available cash is {balance:,.2f}: top up {short:,.2f} more, or lower the amount."
)


class InsufficientCashError(ValidationError):
    pass


def cash_account_for(*, user) -> CashAccount:
    account, _ = CashAccount.objects.get_or_create(user=user)
    return account


def post_entry(
    *, user, kind: str, amount: Decimal, reference: str, description: str = ""
) -> CashEntry:
    """Move money in or out of the investor's cash, atomically with its ledger line.

    A debit is one conditional ``UPDATE … SET balance = balance - x WHERE balance >= x``: two
    concurrent debits can never take the balance below zero (a check constraint backs it up).
    Call inside the caller's transaction.
    """
    account = cash_account_for(user=user)
    rows = CashAccount.objects.filter(pk=account.pk)
    if amount < 0:
        rows = rows.filter(balance__gte=-amount)
    if not rows.update(balance=F("balance") + amount, updated_at=timezone.now()):
        account.refresh_from_db(fields=["balance"])
        raise InsufficientCashError(
            INSUFFICIENT_CASH.format(balance=account.balance, short=-amount - account.balance)
        )
    account.refresh_from_db(fields=["balance"])
    return CashEntry.objects.create(
        account=account,
        kind=kind,
        amount=amount,
        balance_after=account.balance,
        reference=reference,
        description=description,
    )


@dataclass(frozen=True)
class Credit:
    user_id: int
    kind: str
    amount: Decimal
    reference: str
    description: str = ""


def post_credits(credits: Sequence[Credit]) -> None:
    """Credit many investors at once (end of day): a handful of statements for the whole batch.

    The accounts are locked in id order, their new balances and each entry's ``balance_after``
    computed here, then written in bulk. A concurrent ``post_entry`` waits for the lock and
    then applies its own change on top. Call inside the caller's transaction.
    """
    credits = [c for c in credits if c.amount]
    if not credits:
        return
    user_ids = {c.user_id for c in credits}
    CashAccount.objects.bulk_create(
        [CashAccount(user_id=u) for u in user_ids], ignore_conflicts=True
    )
    accounts = {
        a.user_id: a
        for a in CashAccount.objects.select_for_update().filter(user_id__in=user_ids).order_by("id")
    }
    now = timezone.now()
    entries = []
    for credit in credits:
        account = accounts[credit.user_id]
        account.balance += credit.amount
        entries.append(
            CashEntryRow(
                account_id=account.pk,
                kind=credit.kind,
                amount=credit.amount,
                balance_after=account.balance,
                reference=credit.reference,
                description=credit.description[:200],
                created_at=now,
            )
        )
    bulk_update(CashAccount, [CashBalanceRow(a.pk, a.balance, now) for a in accounts.values()])
    bulk_insert(CashEntry, entries)
