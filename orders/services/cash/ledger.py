"""The cash ledger: an investor's balance and the entry that records every movement of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connections, router
from django.utils import timezone

from marketplace.bulk import bulk_insert, bulk_update
from marketplace.money import round_amount

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


def _add_sql(connection, *, user, amount: Decimal) -> tuple[str, list]:
    """The ``UPDATE`` that adds ``amount`` to the investor's balance (a debit only while the
    balance covers it), returning the account's id and new balance."""
    meta = CashAccount._meta
    balance, updated_at = meta.get_field("balance"), meta.get_field("updated_at")
    sql = (
        f"UPDATE {connection.ops.quote_name(meta.db_table)} "  # noqa: S608 - the model's table
        "SET balance = balance + %s, updated_at = %s WHERE user_id = %s"
    )
    params = [
        balance.get_db_prep_value(amount, connection),
        updated_at.get_db_prep_value(timezone.now(), connection),
        user.pk,
    ]
    if amount < 0:
        sql += " AND balance >= %s"
        params.append(balance.get_db_prep_value(-amount, connection))
    return sql + " RETURNING id, balance", params


def _add(*, user, amount: Decimal) -> tuple[int, Decimal] | None:
    """One statement adds ``amount`` to the investor's balance and returns the account's id
    and new balance; None when no row changed."""
    connection = connections[router.db_for_write(CashAccount)]
    sql, params = _add_sql(connection, user=user, amount=amount)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    balance = CashAccount._meta.get_field("balance")
    # PostgreSQL returns a Decimal; SQLite a number that rounds back to the cent it holds.
    return row[0], round_amount(balance.to_python(row[1]))


def _add_with_entry(
    *, user, kind: str, amount: Decimal, reference: str, description: str
) -> CashEntry | None:
    """PostgreSQL: the balance's ``UPDATE`` and its entry's ``INSERT`` in one statement (a
    data-modifying ``WITH``), so a movement is one round trip; None when no row changed (no
    account, or too little in it), and then nothing was written."""
    connection = connections[router.db_for_write(CashAccount)]
    update, params = _add_sql(connection, user=user, amount=amount)
    meta, quote = CashEntry._meta, connection.ops.quote_name
    fields = {f.name: f for f in meta.concrete_fields}
    columns = ("kind", "amount", "reference", "description", "created_at")
    now = timezone.now()
    values = {
        "kind": kind,
        "amount": amount,
        "reference": reference,
        "description": description,
        "created_at": now,
    }
    params += [fields[c].get_db_prep_save(values[c], connection) for c in columns]
    placeholders = ", ".join("%s" for _ in columns)
    names = ", ".join(quote(c) for c in columns)
    # The models' own table and column names; every value is a parameter.
    sql = (
        f"WITH account AS ({update}) INSERT INTO {quote(meta.db_table)} "  # noqa: S608
        f"(account_id, balance_after, {names}) SELECT id, balance, {placeholders} "
        "FROM account RETURNING id, account_id, balance_after"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    entry = CashEntry(id=row[0], account_id=row[1], balance_after=round_amount(row[2]), **values)
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry


def post_entry(
    *, user, kind: str, amount: Decimal, reference: str, description: str = ""
) -> CashEntry:
    """Move money in or out of the investor's cash, atomically with its ledger line.

    A debit is one conditional ``UPDATE … SET balance = balance - x WHERE balance >= x``: two
    concurrent debits can never take the balance below zero (a check constraint backs it up).
    The update returns the new balance; on PostgreSQL the entry is inserted by the same
    statement, so a movement is one statement (elsewhere two, the update and its entry). An
    investor's first movement creates the account. Call inside the caller's transaction (the
    update holds the account's row until it commits).
    """
    added: tuple[int, Decimal] | None = None
    if connections[router.db_for_write(CashAccount)].vendor == "postgresql":
        entry = _add_with_entry(
            user=user, kind=kind, amount=amount, reference=reference, description=description
        )
        if entry is not None:
            return entry
    else:
        added = _add(user=user, amount=amount)
    if added is None:
        account = cash_account_for(user=user)  # none yet: created empty; or too little in it
        added = None if amount < 0 else _add(user=user, amount=amount)
        if added is None:
            raise InsufficientCashError(
                INSUFFICIENT_CASH.format(balance=account.balance, short=-amount - account.balance)
            )
    account_id, balance = added
    return CashEntry.objects.create(
        account_id=account_id,
        kind=kind,
        amount=amount,
        balance_after=balance,
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
