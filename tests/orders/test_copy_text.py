"""Rows written by COPY (``marketplace.bulk``, built a column at a time) come back exactly as
given: text that needs escaping, NULLs beside values, JSON shared by many rows or one's own,
amounts, dates and a status given as its choice."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from marketplace import copy_text
from marketplace.bulk import bulk_insert, bulk_update, lock_by_keys, next_ids
from marketplace.copy_text import copy_column
from orders.models import Holding, Lot, LotSource, Order, OrderEvent, OrderStatus
from orders.rows import LotRow, OrderEventRow
from tests.orders.factories import HoldingFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_reasons_with_tabs_newlines_and_backslashes_are_stored_as_written():
    order = OrderFactory()
    now = timezone.now()
    reasons = ["plain", "a\ttab", "two\nlines", "back\\slash", "cr\r", "", "tab\t\\n literal"]
    bulk_insert(
        OrderEvent,
        [
            OrderEventRow(order.pk, OrderStatus.PENDING, OrderStatus.CONFIRMED, reason, now)
            for reason in reasons
        ],
    )
    stored = OrderEvent.objects.filter(order=order).order_by("pk")
    assert [e.reason for e in stored] == reasons
    assert {(e.from_status, e.to_status, e.created_at) for e in stored} == {
        ("pending", "confirmed", now)
    }


def test_lots_keep_shared_and_own_schedules_and_their_nulls():
    holding = HoldingFactory()
    shared = [{"lower": "0", "upper": "7", "rate": "0.015", "fixed_fee": None}]
    own = [{"lower": "0", "upper": None, "rate": "0.005", "fixed_fee": None}]
    schedules = [shared, None, shared, own, []]
    orders = [OrderFactory(user=holding.user, product=holding.product) for _ in schedules]
    day = dt.date(2026, 11, 23)
    bulk_insert(
        Lot,
        [
            LotRow(
                holding_id=holding.pk,
                order_id=order.pk,
                source=LotSource.PURCHASE,
                acquired_on=day,
                units=Decimal("10.00") + n,
                units_remaining=Decimal("10.00") + n,
                cost_remaining=Decimal("12.34"),
                matures_on=day if n % 2 else None,
                cooling_off_until=None,
                redemption_tiers=tiers,
                annual_rate=Decimal("0.0125") if n == 1 else None,
                term_months=12 if n == 1 else None,
                early_withdrawal_rate=None,
                cancellation_fee=None,
            )
            for n, (order, tiers) in enumerate(zip(orders, schedules, strict=True))
        ],
    )
    lots = list(Lot.objects.filter(holding=holding).order_by("order_id"))
    assert [lot.redemption_tiers for lot in lots] == schedules
    assert [lot.units for lot in lots] == [Decimal(10 + n) for n in range(5)]
    assert [lot.matures_on for lot in lots] == [None, day, None, day, None]
    assert [lot.term_months for lot in lots] == [None, 12, None, None, None]
    assert lots[1].annual_rate == Decimal("0.0125")


def test_an_update_of_mixed_columns_sets_each_row_its_own_values():
    first, second = OrderFactory(), OrderFactory()
    now = timezone.now()
    bulk_update(
        Order,
        [
            (first.pk, OrderStatus.CONFIRMED, Decimal("1.5"), None, now),
            (second.pk, OrderStatus.REJECTED, None, Decimal("0.010000"), None),
        ],
        fields=["id", "status", "fee", "fee_rate", "confirmed_at"],
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.fee, first.fee_rate, first.confirmed_at) == (
        "confirmed",
        Decimal("1.5"),
        None,
        now,
    )
    assert (second.status, second.fee, second.fee_rate, second.confirmed_at) == (
        "rejected",
        None,
        Decimal("0.01"),
        None,
    )


def test_a_column_every_row_shares_is_written_once_but_each_different_value_as_its_own():
    now = timezone.now()
    same_instant_elsewhere = now.astimezone(dt.timezone(dt.timedelta(hours=8)))
    later = now + dt.timedelta(microseconds=1)
    day = dt.date(2026, 11, 23)
    assert copy_column((now, now, now)) == [str(now)] * 3
    assert copy_column((day, day)) == [str(day)] * 2
    assert copy_column((now, later)) == [str(now), str(later)]
    assert copy_column((now, same_instant_elsewhere)) == [str(now)] * 2  # one instant
    assert copy_column((day, now)) == [str(day), str(now)]  # a date is not its midnight
    assert copy_column((None, None)) == [r"\N", r"\N"]
    assert copy_column((Decimal("1.50"), None, 3)) == ["1.50", r"\N", "3"]
    schedule = [{"lower": "0", "upper": None, "rate": "0.005", "fixed_fee": None}]
    assert copy_column((schedule, schedule)) == [json.dumps(schedule)] * 2
    assert copy_column((schedule, [])) == [json.dumps(schedule), "[]"]


def test_events_sharing_one_timestamp_and_lots_one_schedule_come_back_as_written():
    holding = HoldingFactory()
    orders = [OrderFactory(user=holding.user, product=holding.product) for _ in range(3)]
    now = timezone.now()
    bulk_insert(
        OrderEvent,
        [
            OrderEventRow(o.pk, OrderStatus.PENDING, OrderStatus.CONFIRMED, "ok", now)
            for o in orders
        ],
    )
    assert set(
        OrderEvent.objects.filter(order__in=orders).values_list("created_at", flat=True)
    ) == {now}
    shared = [{"lower": "0", "upper": None, "rate": "0.005", "fixed_fee": None}]
    day = dt.date(2026, 11, 23)
    bulk_insert(
        Lot,
        [
            LotRow(
                holding_id=holding.pk,
                order_id=order.pk,
                source=LotSource.PURCHASE,
                acquired_on=day,
                units=Decimal("1.00"),
                units_remaining=Decimal("1.00"),
                cost_remaining=Decimal("1.00"),
                matures_on=None,
                cooling_off_until=None,
                redemption_tiers=shared,
                annual_rate=None,
                term_months=None,
                early_withdrawal_rate=None,
                cancellation_fee=None,
            )
            for order in orders
        ],
    )
    lots = Lot.objects.filter(holding=holding)
    assert [(lot.acquired_on, lot.redemption_tiers, lot.matures_on) for lot in lots] == [
        (day, shared, None)
    ] * 3


def test_rows_are_locked_by_text_keys_with_commas_quotes_backslashes_and_spaces():
    """The keys go to PostgreSQL as one array literal a column: each must arrive as written."""
    keys = ["plain", "a,b", 'say "hi"', "back\\slash", "two words", "{brace}", "NULL", "x\\"]
    user = UserFactory()
    orders = {key: OrderFactory(user=user, idempotency_key=key) for key in keys}
    OrderFactory(user=user, idempotency_key="other")
    with transaction.atomic():
        rows = lock_by_keys(
            Order,
            [(user.pk, key) for key in keys],
            key_fields=["user_id", "idempotency_key"],
            fields=["id", "idempotency_key"],
        )
    assert sorted(rows) == sorted((orders[key].pk, key) for key in keys)


def test_reserved_ids_are_new_distinct_and_ahead_of_the_table():
    existing = HoldingFactory()
    ids = next_ids(Holding, 5)
    assert len(set(ids)) == 5
    assert min(ids) > existing.pk
    assert HoldingFactory().pk > max(ids)


def test_a_batch_longer_than_a_chunk_is_written_whole_and_in_order(monkeypatch):
    """COPY text is made a chunk of rows at a time as the connection reads it: the chunks
    join up with nothing lost, doubled or reordered, and a column shared within one chunk is
    not taken for one shared by all."""
    monkeypatch.setattr(copy_text, "CHUNK_ROWS", 2)
    order = OrderFactory()
    first, later = timezone.now(), timezone.now() + dt.timedelta(seconds=1)
    stamps = [first, first, first, later, later]
    bulk_insert(
        OrderEvent,
        [
            OrderEventRow(order.pk, OrderStatus.PENDING, OrderStatus.CONFIRMED, f"r{n}\tx", stamp)
            for n, stamp in enumerate(stamps)
        ],
    )
    stored = OrderEvent.objects.filter(order=order).order_by("pk")
    assert [(e.reason, e.created_at) for e in stored] == [
        (f"r{n}\tx", stamp) for n, stamp in enumerate(stamps)
    ]
