"""Set-based writes for big batches (NAV files, end-of-day jobs): one COPY on PostgreSQL.

``bulk_upsert`` streams rows into a temporary table with COPY and merges them with one
``INSERT … SELECT … ON CONFLICT DO UPDATE``; ``bulk_insert`` COPYs straight into the table;
``bulk_update`` COPYs into a temporary table and runs one ``UPDATE … FROM``. Other databases
fall back to Django's ``bulk_create`` / ``bulk_update``. Either way the cost is a handful of
statements per batch, not one per row. Rows are tuples in ``fields`` order.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from django.db import connection, models, transaction


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def bulk_upsert(
    model: type[models.Model],
    rows: Iterable[Sequence],
    *,
    fields: Sequence[str],
    unique_fields: Sequence[str],
    update_fields: Sequence[str],
    batch_size: int = 5000,
) -> None:
    """Insert ``rows`` (tuples in ``fields`` order), updating ``update_fields`` on conflict."""
    rows = list(rows)
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows],
            batch_size=batch_size,
            update_conflicts=True,
            unique_fields=unique_fields,
            update_fields=update_fields,
        )
        return
    conflict = ", ".join(_columns(model, unique_fields))
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _columns(model, update_fields))
    with _staged(model, rows, fields) as (cursor, table, staging, column_list):
        cursor.execute(
            f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging} "  # noqa: S608
            f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
        )


def bulk_insert(model: type[models.Model], rows: Iterable[Sequence], *, fields: Sequence[str]):
    """Insert ``rows`` (no conflict handling: a duplicate fails the whole batch)."""
    rows = list(rows)
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=2000
        )
        return
    column_list = ", ".join(_columns(model, fields))
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({column_list}) FROM STDIN", _copy_buffer(rows))


def bulk_update(model: type[models.Model], rows: Iterable[Sequence], *, fields: Sequence[str]):
    """Set ``fields[1:]`` on the rows whose primary key is ``fields[0]``."""
    rows = list(rows)
    if not rows:
        return
    key, *changed = fields
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model.objects.bulk_update(objs, changed, batch_size=500)
        return
    key_column, *columns = _columns(model, fields)
    assignments = ", ".join(f"{c} = s.{c}" for c in columns)
    with _staged(model, rows, fields) as (cursor, table, staging, _):
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM {staging} AS s "  # noqa: S608
            f"WHERE t.{key_column} = s.{key_column}"
        )


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    qn = connection.ops.quote_name
    return [qn(model._meta.get_field(f).column) for f in fields]


def _copy_buffer(rows: Iterable[Sequence]) -> io.StringIO:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_text(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    return buffer


@contextmanager
def _staged(model: type[models.Model], rows: list[Sequence], fields: Sequence[str]):
    """A temporary table shaped like ``model``'s ``fields``, filled by one COPY, dropped after."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    staging = qn(f"_stage_{model._meta.db_table}")
    column_list = ", ".join(_columns(model, fields))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS "  # noqa: S608 - names are quoted
            f"SELECT {column_list} FROM {table} WITH NO DATA"
        )
        cursor.copy_expert(f"COPY {staging} ({column_list}) FROM STDIN", _copy_buffer(rows))
        yield cursor, table, staging, column_list
        cursor.execute(f"DROP TABLE {staging}")
