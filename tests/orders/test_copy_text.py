"""Rows written by COPY (``marketplace.bulk``, built a column at a time) come back exactly as
given: text that needs escaping, NULLs beside values, JSON shared by many rows or one's own,
amounts, dates and a status given as its choice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.bulk import bulk_insert, bulk_update
from orders.models import Lot, LotSource, Order, OrderEvent, OrderStatus
from orders.rows import LotRow, OrderEventRow
from tests.orders.factories import HoldingFactory, OrderFactory

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
