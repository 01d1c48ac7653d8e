"""The ledger's one-statement movement (PostgreSQL: the balance's UPDATE feeds its entry's
INSERT) keeps every rule of the two-statement one: the entry it returns is the stored row, a
debit the balance does not cover writes nothing, a first movement creates the account, and a
cause moves money once."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from orders.models import CashAccount, CashEntry, EntryKind
from orders.services.cash.ledger import InsufficientCashError, post_entry
from tests.factories import UserFactory, investor_with_cash

pytestmark = pytest.mark.django_db


def test_the_returned_entry_is_the_stored_row():
    investor = investor_with_cash(cash="500")

    entry = post_entry(
        user=investor, kind=EntryKind.PURCHASE, amount=Decimal("-120.50"), reference="order:1"
    )

    stored = CashEntry.objects.get(pk=entry.pk)
    assert (stored.account_id, stored.kind, stored.amount, stored.balance_after) == (
        entry.account_id,
        "purchase",
        Decimal("-120.50"),
        Decimal("379.50"),
    )
    assert entry.balance_after == Decimal("379.50")
    assert stored.created_at == entry.created_at
    assert CashAccount.objects.get(user=investor).balance == Decimal("379.50")


def test_a_debit_above_the_balance_writes_nothing():
    investor = investor_with_cash(cash="100")
    before = CashEntry.objects.filter(account__user=investor).count()

    with pytest.raises(InsufficientCashError):
        post_entry(
            user=investor, kind=EntryKind.PURCHASE, amount=Decimal("-100.01"), reference="o:2"
        )

    assert CashAccount.objects.get(user=investor).balance == Decimal("100.00")
    assert CashEntry.objects.filter(account__user=investor).count() == before


def test_a_first_credit_creates_the_account_and_its_entry():
    newcomer = UserFactory()

    entry = post_entry(
        user=newcomer, kind=EntryKind.DEPOSIT, amount=Decimal("50.00"), reference="payment:9"
    )

    assert CashAccount.objects.get(user=newcomer).balance == Decimal("50.00")
    assert CashEntry.objects.get(pk=entry.pk).balance_after == Decimal("50.00")


def test_the_same_cause_twice_moves_money_once():
    investor = investor_with_cash(cash="100")
    post_entry(user=investor, kind=EntryKind.DEPOSIT, amount=Decimal("10"), reference="pay:1")

    with pytest.raises(IntegrityError), transaction.atomic():
        post_entry(user=investor, kind=EntryKind.DEPOSIT, amount=Decimal("10"), reference="pay:1")

    assert CashAccount.objects.get(user=investor).balance == Decimal("110.00")


def test_on_postgresql_a_movement_is_one_statement(django_assert_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement movement is PostgreSQL's (SQLite takes two)")
    investor = investor_with_cash(cash="100")

    with django_assert_num_queries(1):
        post_entry(
            user=investor, kind=EntryKind.PURCHASE, amount=Decimal("-1"), reference="order:3"
        )
