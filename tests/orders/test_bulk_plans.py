"""A bulk update (``marketplace.bulk.bulk_update``) finds each staged row's own by the primary
key index: end of day updates a batch of orders at a time, and a join that read the whole
table for every batch would cost more with every order the table holds."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, transaction

from marketplace.bulk import bulk_update
from orders.models import Order, OrderStatus
from tests.orders.factories import OrderFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the plan is PostgreSQL's (needs DATABASE_URL)"
    ),
]


def test_a_bulk_update_joins_its_rows_by_the_primary_key_not_by_reading_the_table():
    orders = [OrderFactory() for _ in range(3)]
    plans = []

    def explain_updates(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "_stage_" in sql:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN {sql}", params)
                plans.append("\n".join(row[0] for row in cursor.fetchall()))
        return execute(sql, params, many, context)

    with transaction.atomic(), connection.execute_wrapper(explain_updates):
        bulk_update(
            Order,
            [(o.pk, OrderStatus.CONFIRMED, Decimal("1.00")) for o in orders],
            fields=["id", "status", "fee"],
        )
        with connection.cursor() as cursor:  # the settings are this statement's only
            cursor.execute(
                "SELECT current_setting('enable_hashjoin'), current_setting('enable_mergejoin')"
            )
            assert cursor.fetchone() == ("on", "on")
    [plan] = plans
    assert "Nested Loop" in plan
    assert "Index Scan using orders_order_pkey" in plan
    assert "Hash Join" not in plan
    assert "Merge Join" not in plan
    assert set(
        Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", "fee")
    ) == {(OrderStatus.CONFIRMED, Decimal("1.00"))}
