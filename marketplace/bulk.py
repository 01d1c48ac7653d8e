"""Set-based writes for big batches (NAV files, end-of-day jobs): one COPY on PostgreSQL.

``bulk_upsert`` streams rows into a temporary table with COPY and merges them with one
``INSERT … SELECT … ON CONFLICT DO UPDATE``; other databases fall back to ``bulk_create``
with ``update_conflicts``. Either way the cost is a handful of statements, not one per row.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.db import connection, models


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
    meta = model._meta
    columns = [meta.get_field(f).column for f in fields]
    conflict = [meta.get_field(f).column for f in unique_fields]
    updates = [meta.get_field(f).column for f in update_fields]
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    staging = qn(f"_stage_{meta.db_table}")
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_text(v) for v in row))
        buffer.write("\n")
    buffer.seek(0)
    column_list = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {staging} ON COMMIT DROP AS "  # noqa: S608 - names are quoted
            f"SELECT {column_list} FROM {table} WITH NO DATA"
        )
        cursor.copy_expert(f"COPY {staging} ({column_list}) FROM STDIN", buffer)
        cursor.execute(
            f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging} "  # noqa: S608
            f"ON CONFLICT ({', '.join(qn(c) for c in conflict)}) DO UPDATE SET "
            + ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in updates)
        )
        cursor.execute(f"DROP TABLE {staging}")
