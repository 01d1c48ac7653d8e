"""Append-only tables carry their month in an index (issue 16): the column each one would be
range-partitioned by is the first or second column of one of its indexes, so a month's rows are
found (and a table partitioned by it, README "Scale-out path") without a full scan."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

# table → the column it is partitioned by: set once when the row is written, never changed.
MONTH_COLUMNS = {
    "orders_order": "placed_at",
    "orders_orderevent": "created_at",
    "orders_cashentry": "created_at",
    "orders_commissionentry": "accrual_date",
    "orders_lotmovement": "created_at",
    "orders_inboxmessage": "created_at",  # offers (and notices) in the inbox
}


@pytest.mark.parametrize(("table", "column"), MONTH_COLUMNS.items())
def test_each_append_only_table_has_an_index_led_by_its_month(table, column):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    leading = [
        name
        for name, c in constraints.items()
        if c["index"] and not c["primary_key"] and column in (c["columns"] or [])[:2]
    ]
    assert leading, f"{table} has no index whose first or second column is {column}"


def test_the_month_columns_exist_and_are_set_on_insert():
    """A partition key must be known when the row is inserted: each has a default or is given."""
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.db_table in MONTH_COLUMNS:
            field = model._meta.get_field(MONTH_COLUMNS[model._meta.db_table])
            assert not field.null, model
