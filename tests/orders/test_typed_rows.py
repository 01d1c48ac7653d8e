"""COPY rows are NamedTuples per table (``orders.rows``): the bulk writers take the columns from
the row type, so a value cannot land in another column, and mypy checks each value's type."""

import datetime as dt
import importlib.util
from decimal import Decimal
from typing import NamedTuple

import pytest
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from marketplace.bulk import (
    ROW_FIELDS_MISMATCH,
    ROW_FIELDS_MISSING,
    RowShapeError,
    bulk_insert,
    bulk_update,
    bulk_upsert,
    lock_by_keys,
)
from orders import pricing
from orders.models import CashAccount, CashEntry, EntryKind, Holding
from orders.rows import CashBalanceRow, CashEntryRow, HoldingKey, LockedHoldingRow
from orders.services.cash.ledger import cash_account_for
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


class _SwappedEntryRow(NamedTuple):
    """The model's fields in another order than ``CashEntryRow``: written by name all the same."""

    amount: Decimal
    balance_after: Decimal
    account_id: int
    kind: str
    reference: str
    description: str
    created_at: dt.datetime


class _MisnamedEntryRow(NamedTuple):
    account_id: int
    kind: str
    amount: Decimal
    balance: Decimal  # the model's field is balance_after
    reference: str
    description: str
    created_at: dt.datetime


class _AccountRow(NamedTuple):
    id: int
    user_id: int
    balance: Decimal
    updated_at: dt.datetime


def _account() -> CashAccount:
    return cash_account_for(user=UserFactory())


def _entry(account: CashAccount, amount: str, reference: str) -> CashEntryRow:
    return CashEntryRow(
        account_id=account.pk,
        kind=EntryKind.DEPOSIT,
        amount=Decimal(amount),
        balance_after=Decimal(amount),
        reference=reference,
        description="",
        created_at=timezone.now(),
    )


def test_a_named_tuple_row_is_written_under_its_own_field_names_whatever_their_order():
    account = _account()
    now = timezone.now()
    bulk_insert(
        CashEntry,
        [
            _SwappedEntryRow(
                Decimal("12.34"), Decimal("99.00"), account.pk, "deposit", "r:1", "", now
            )
        ],
    )
    entry = CashEntry.objects.get(reference="r:1")
    assert (entry.amount, entry.balance_after) == (Decimal("12.34"), Decimal("99.00"))


def test_fields_that_disagree_with_the_row_type_are_refused_and_nothing_is_written():
    account = _account()
    swapped = [
        "account_id",
        "kind",
        "balance_after",  # swapped with amount
        "amount",
        "reference",
        "description",
        "created_at",
    ]
    with pytest.raises(RowShapeError) as refused:
        bulk_insert(CashEntry, [_entry(account, "5.00", "r:2")], fields=swapped)
    assert str(refused.value) == ROW_FIELDS_MISMATCH.format(
        row_type="CashEntryRow", row_fields=list(CashEntryRow._fields), fields=swapped
    )
    assert not CashEntry.objects.exists()


def test_a_row_type_naming_a_field_the_model_lacks_is_refused():
    account = _account()
    row = _MisnamedEntryRow(
        account.pk, "deposit", Decimal(5), Decimal(5), "r:3", "", timezone.now()
    )
    with pytest.raises(FieldDoesNotExist):
        bulk_insert(CashEntry, [row])
    assert not CashEntry.objects.exists()


def test_rows_of_two_types_in_one_batch_are_refused():
    account = _account()
    row = _entry(account, "5.00", "r:4")
    other = _SwappedEntryRow(
        row.amount, row.balance_after, account.pk, "deposit", "r:5", "", row.created_at
    )
    with pytest.raises(RowShapeError):
        bulk_insert(CashEntry, [row, other])
    assert not CashEntry.objects.exists()


def test_plain_tuples_still_need_their_fields():
    account = _account()
    with pytest.raises(RowShapeError, match=ROW_FIELDS_MISSING):
        bulk_update(CashAccount, [(account.pk, Decimal(1), timezone.now())])
    bulk_update(
        CashAccount,
        [(account.pk, Decimal(7), timezone.now())],
        fields=["id", "balance", "updated_at"],
    )
    account.refresh_from_db()
    assert account.balance == Decimal(7)


def test_bulk_update_and_upsert_take_the_key_and_columns_from_the_row_type():
    account = _account()
    bulk_update(CashAccount, [CashBalanceRow(account.pk, Decimal("3.21"), timezone.now())])
    account.refresh_from_db()
    assert account.balance == Decimal("3.21")
    bulk_upsert(
        CashAccount,
        [_AccountRow(account.pk, account.user_id, Decimal("4.56"), timezone.now())],
        unique_fields=["id"],
        update_fields=["balance", "updated_at"],
    )
    account.refresh_from_db()
    assert account.balance == Decimal("4.56")


def test_locked_holdings_come_back_as_the_row_type_asked_for():
    product = ProductFactory()
    user = UserFactory()
    Holding.objects.create(
        user=user,
        product=product,
        institution=product.institution,
        kind=product.kind,
        units=Decimal("10.00"),
        cost=Decimal("10.50"),
    )
    [row] = lock_by_keys(Holding, [HoldingKey(user.pk, product.pk)], row_type=LockedHoldingRow)
    assert isinstance(row, LockedHoldingRow)
    assert (row.user_id, row.product_id) == (user.pk, product.pk)
    assert (row.units, row.reserved, row.cost) == (Decimal("10.00"), Decimal(0), Decimal("10.50"))
    with pytest.raises(RowShapeError):
        lock_by_keys(
            Holding,
            [HoldingKey(user.pk, product.pk)],
            row_type=LockedHoldingRow,
            fields=["id", "product_id", "user_id", "units", "reserved", "cost"],
        )


def test_a_deposit_missing_its_agreed_terms_is_refused_not_priced():
    """Pricing narrows a lot's optional terms: a savings lot without them is a broken
    invariant, named as such, never a ``None`` in the arithmetic."""
    lot = pricing.OpenLot(7, dt.date(2026, 1, 5), Decimal(1000), Decimal(1000))
    with pytest.raises(pricing.MissingTermsError, match="Deposit 7"):
        pricing.savings_withdrawal(lots=[lot], units=Decimal(1000), trade_date=dt.date(2026, 2, 2))


WRONG_POSITIONAL_TYPE = """
import datetime as dt
from decimal import Decimal
from orders.rows import CashBalanceRow

CashBalanceRow(1, dt.date(2026, 1, 5), dt.datetime(2026, 1, 5))  # a date where the balance goes
CashBalanceRow(1, Decimal(1))  # a column missing
"""


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None, reason="mypy is not installed")
def test_mypy_catches_a_value_of_the_wrong_type_or_a_missing_column_in_a_row(tmp_path):
    from mypy import api

    snippet = tmp_path / "snippet.py"
    snippet.write_text(WRONG_POSITIONAL_TYPE)
    out, _, status = api.run(
        ["--config-file", "", "--no-incremental", "--follow-imports", "silent", str(snippet)]
    )
    assert status == 1
    assert 'Argument 2 to "CashBalanceRow" has incompatible type "date"; expected "Decimal"' in out
    assert 'Missing positional argument "updated_at" in call to "CashBalanceRow"' in out
