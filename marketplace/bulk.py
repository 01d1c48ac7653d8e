"""Set-based writes for big batches (NAV files, end-of-day jobs): one COPY on PostgreSQL.

``bulk_upsert`` streams rows into a temporary table with COPY and merges them with one
``INSERT … SELECT … ON CONFLICT DO UPDATE``; ``bulk_insert`` COPYs straight into the table;
``bulk_update`` COPYs into a temporary table and runs one ``UPDATE … FROM``. Other databases
fall back to Django's ``bulk_create`` / ``bulk_update``. Either way the cost is a handful of
statements per batch, not one per row.

Rows are ``typing.NamedTuple`` instances whose field names are the model's field names
(``class LotRow(NamedTuple): holding_id: int; …``): the columns come from the row type, so a
value cannot land in another column, and mypy checks each value's type where the row is built.
Every row of a batch is of one type; ``fields``, if given too, must be that type's fields.
Plain tuples in ``fields`` order are still accepted (then ``fields`` is required).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from functools import reduce
from typing import Any, TypeVar, cast, overload

from django.core.exceptions import FieldDoesNotExist
from django.db import connection, models, transaction
from django.db.models import Q

from .copy_text import CopyStream, array_literal

ROW_TYPES_MIXED = "Rows of one batch must be of one type: {first} and {other} were given."
ROW_FIELDS_MISMATCH = (
    "The rows are {row_type} with fields {row_fields}, but fields {fields} were given."
)
ROW_FIELDS_MISSING = "Plain tuple rows need their fields; or build them as a NamedTuple."
NOT_A_COLUMN = "{model}.{field} is not a column to write."
ROW_TYPE_NOT_NAMED = "{row_type} is not a NamedTuple type: it names no fields."

R = TypeVar("R", bound=tuple)


class RowShapeError(TypeError):
    """Rows whose columns cannot be known for sure: nothing is written."""


def row_fields(
    model: type[models.Model], rows: Sequence[Sequence], fields: Sequence[str] | None = None
) -> Sequence[str]:
    """The columns of ``rows``: the fields of their NamedTuple type (all rows one type, and
    ``fields``, if given, the same names in the same order), or ``fields`` for plain tuples.
    Each must be a field of ``model`` (``FieldDoesNotExist`` otherwise, on every database)."""
    row_type = type(rows[0])
    named = getattr(row_type, "_fields", None)
    if named is None:
        if fields is None:
            raise RowShapeError(ROW_FIELDS_MISSING)
        return _known(model, fields)
    other = next((kind for kind in set(map(type, rows)) if kind is not row_type), None)
    if other is not None:
        raise RowShapeError(ROW_TYPES_MIXED.format(first=row_type.__name__, other=other.__name__))
    if fields is not None and tuple(fields) != named:
        raise RowShapeError(
            ROW_FIELDS_MISMATCH.format(
                row_type=row_type.__name__, row_fields=list(named), fields=list(fields)
            )
        )
    return _known(model, named)


def _known(model: type[models.Model], fields: Sequence[str]) -> Sequence[str]:
    for name in fields:
        _column(model, name)
    return fields


def _column(model: type[models.Model], name: str) -> str:
    """The database column of ``model``'s field ``name`` (a reverse relation has none)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise FieldDoesNotExist(NOT_A_COLUMN.format(model=model.__name__, field=name))
    return field.column


def _pk_column(model: type[models.Model]) -> str:
    pk = model._meta.pk
    if pk is None or not pk.column:  # every concrete model has one
        raise FieldDoesNotExist(NOT_A_COLUMN.format(model=model.__name__, field="pk"))
    return pk.column


def _fields_of(row_type: type) -> tuple[str, ...]:
    named = getattr(row_type, "_fields", None)
    if named is None:
        raise RowShapeError(ROW_TYPE_NOT_NAMED.format(row_type=row_type.__name__))
    return named


def bulk_upsert(
    model: type[models.Model],
    rows: Iterable[Sequence],
    *,
    fields: Sequence[str] | None = None,
    unique_fields: Sequence[str],
    update_fields: Sequence[str],
    batch_size: int = 5000,
) -> None:
    """Insert ``rows``, updating ``update_fields`` on conflict."""
    rows = list(rows)
    if not rows:
        return
    fields = row_fields(model, rows, fields)
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            _instances(model, rows, fields),
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


def bulk_insert(
    model: type[models.Model],
    rows: Iterable[Sequence],
    *,
    fields: Sequence[str] | None = None,
    ignore_conflicts: bool = False,
) -> None:
    """Insert ``rows``. A duplicate fails the whole batch, unless ``ignore_conflicts``: then
    rows that would violate a unique constraint are skipped."""
    rows = list(rows)
    if not rows:
        return
    fields = row_fields(model, rows, fields)
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            _instances(model, rows, fields),
            batch_size=2000,
            ignore_conflicts=ignore_conflicts,
        )
        return
    if ignore_conflicts:
        with _staged(model, rows, fields) as (cursor, table, staging, column_list):
            cursor.execute(
                f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging} "  # noqa: S608
                "ON CONFLICT DO NOTHING"
            )
        return
    column_list = ", ".join(_columns(model, fields))
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({column_list}) FROM STDIN", CopyStream(rows))


def next_ids(model: type[models.Model], count: int) -> list[int]:
    """Reserve ``count`` primary keys for rows the caller will insert itself (so rows that refer
    to them can be built first). PostgreSQL draws them from the table's sequence; elsewhere
    they follow the largest id, which is only safe for writers serialised by a lock, as end of
    day is (SQLite serialises writers anyway)."""
    if count <= 0:
        return []
    table, pk = model._meta.db_table, _pk_column(model)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence is looked up once, not once per id (that was most of the time).
            cursor.execute(
                "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, %s)::regclass AS seq) "
                "SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
                [table, pk, count],
            )
            return [row[0] for row in cursor.fetchall()]
        top = model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
        return list(range(top + 1, top + count + 1))


@overload
def lock_by_keys(
    model: type[models.Model],
    keys: Iterable[Sequence],
    *,
    key_fields: Sequence[str] | None = None,
    row_type: type[R],
    fields: Sequence[str] | None = None,
) -> list[R]: ...


@overload
def lock_by_keys(
    model: type[models.Model],
    keys: Iterable[Sequence],
    *,
    key_fields: Sequence[str] | None = None,
    row_type: None = None,
    fields: Sequence[str],
) -> list[tuple]: ...


def lock_by_keys(
    model: type[models.Model],
    keys: Iterable[Sequence],
    *,
    key_fields: Sequence[str] | None = None,
    row_type: type | None = None,
    fields: Sequence[str] | None = None,
) -> list[Any]:
    """The rows whose ``key_fields`` equal one of ``keys`` (e.g. ``(user_id, product_id)``
    pairs, or NamedTuples naming them), locked ``FOR UPDATE`` in primary-key order (so two
    callers never deadlock), as ``row_type`` (a NamedTuple naming the fields to read) or as
    tuples of ``fields``. One statement on PostgreSQL, however many keys. Call inside a
    transaction."""
    keys = list(keys)
    if not keys:
        return []
    key_fields = row_fields(model, keys, key_fields)
    if row_type is not None:
        named = _known(model, _fields_of(row_type))
        if fields is not None and tuple(fields) != named:
            raise RowShapeError(
                ROW_FIELDS_MISMATCH.format(
                    row_type=row_type.__name__, row_fields=list(named), fields=list(fields)
                )
            )
        make = cast(Any, row_type)._make
        return [make(row) for row in _locked(model, keys, key_fields, named)]
    if fields is None:
        raise RowShapeError(ROW_FIELDS_MISSING)
    return _locked(model, keys, key_fields, fields)


def _locked(
    model: type[models.Model],
    keys: list[Sequence],
    key_fields: Sequence[str],
    fields: Sequence[str],
) -> list[tuple]:
    if connection.vendor != "postgresql":
        rows: list[tuple] = []
        for start in range(0, len(keys), 200):  # SQLite limits expression depth
            match = reduce(
                operator.or_,
                (Q(**dict(zip(key_fields, key, strict=True))) for key in keys[start : start + 200]),
            )
            rows += (
                model._default_manager.select_for_update().filter(match).values_list("pk", *fields)
            )
        return [row[1:] for row in sorted(rows)]
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(_pk_column(model))
    columns = ", ".join(_columns(model, key_fields))
    # Each key column goes as one array literal ('{1,2,…}') cast to the column's type: a
    # list parameter would be sent as ARRAY[1, 2, …], ten thousand constants to parse.
    arrays = ", ".join(
        f"%s::{model._meta.get_field(name).db_type(connection)}[]" for name in key_fields
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(_columns(model, fields))} FROM {table} "  # noqa: S608
            f"WHERE ({columns}) IN (SELECT * FROM unnest({arrays})) ORDER BY {pk} FOR UPDATE",
            [array_literal(column) for column in zip(*keys, strict=True)],
        )
        return cursor.fetchall()


def bulk_update(
    model: type[models.Model], rows: Iterable[Sequence], *, fields: Sequence[str] | None = None
) -> None:
    """Set ``fields[1:]`` on the rows whose primary key is ``fields[0]`` (the row type's first
    field: ``id``)."""
    rows = list(rows)
    if not rows:
        return
    fields = row_fields(model, rows, fields)
    key, *changed = fields
    if connection.vendor != "postgresql":
        model._default_manager.bulk_update(_instances(model, rows, fields), changed, batch_size=500)
        return
    key_column, *columns = _columns(model, fields)
    assignments = ", ".join(f"{c} = s.{c}" for c in columns)
    with _staged(model, rows, fields) as (cursor, table, staging, _):
        # Each staged row finds its own by the primary key index. The planner, which has no
        # statistics of the fresh staging table, would otherwise join it by reading the whole
        # table (a hash or merge join): every batch of an end-of-day run read every order, a
        # cost growing with the table (a fifth of the update's time at 200,000 orders).
        cursor.execute(_JOIN_BY_INDEX)
        hash_join, merge_join = cursor.fetchone()[:2]
        cursor.execute(
            f"UPDATE {table} AS t SET {assignments} FROM {staging} AS s "  # noqa: S608
            f"WHERE t.{key_column} = s.{key_column}"
        )
        cursor.execute(_JOINS_AS_BEFORE, [hash_join, merge_join])


# Planner settings for one statement (``set_config(…, true)``: this transaction only; an error
# rolls them back with the savepoint).
_JOIN_BY_INDEX = (
    "SELECT current_setting('enable_hashjoin'), current_setting('enable_mergejoin'), "
    "set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)"
)
_JOINS_AS_BEFORE = (
    "SELECT set_config('enable_hashjoin', %s, true), set_config('enable_mergejoin', %s, true)"
)


def _instances(model: type[models.Model], rows: list[Sequence], fields: Sequence[str]) -> list:
    """The other databases' path: model instances for Django's own bulk methods."""
    return [model(**dict(zip(fields, row, strict=True))) for row in rows]


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    qn = connection.ops.quote_name
    return [qn(_column(model, f)) for f in fields]


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
        cursor.copy_expert(f"COPY {staging} ({column_list}) FROM STDIN", CopyStream(rows))
        yield cursor, table, staging, column_list
        cursor.execute(f"DROP TABLE {staging}")
