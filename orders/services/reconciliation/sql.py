# ruff: noqa: S608 - every query here is built from model table names, the models' choice
# constants and this module's own column lists; the only values (months) are parameters.
"""The pieces every check is built of: the SQL spellings that differ between PostgreSQL and
SQLite, ``prefix:N`` references, table names, reading rows and amounts, and the scope checked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

from marketplace.dates import next_month_start

from ...models import Statement
from ...statement_figures import StatementFigures

FIGURES = StatementFigures._fields
# The figures the cash ledger also says, for the orders, lots and payments on a line.
LEDGER_FIGURES = ("subscriptions", "redemptions", "maturities", "distributions")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class _Sql:
    """The SQL spellings that differ between PostgreSQL and SQLite."""

    postgres: bool

    def differs(self, a: str, b: str) -> str:
        """``a`` and ``b`` are not the same amount (NULL differs from any amount)."""
        if self.postgres:
            return f"({a}) IS DISTINCT FROM ({b})"
        return (
            f"(CASE WHEN ({a}) IS NULL OR ({b}) IS NULL THEN ({a}) IS NOT ({b}) "
            f"ELSE abs(({a}) - ({b})) >= 0.005 END)"
        )

    def month_of(self, column: str) -> str:
        if self.postgres:
            return f"CAST(date_trunc('month', {column}) AS date)"
        return f"date({column}, 'start of month')"


def _well_formed(column: str, prefix: str) -> str:
    """``column`` is ``prefix:N``, N an id a BIGINT holds (no regular expression: a plain test
    that both databases run fast over millions of rows)."""
    start = len(prefix) + 2
    return (
        f"(substr({column}, 1, {start - 1}) = '{prefix}:' "
        f"AND length({column}) BETWEEN {start} AND {start + 17} "
        f"AND ltrim(substr({column}, {start}), '0123456789') = '')"
    )


def _reference_id(column: str, prefix: str) -> str:
    """The id in a ``prefix:N`` reference (NULL for any other text; the CASE keeps the cast
    from ever seeing one)."""
    test = _well_formed(column, prefix)
    return f"CASE WHEN {test} THEN CAST(substr({column}, {len(prefix) + 2}) AS BIGINT) END"


def _sql() -> _Sql:
    return _Sql(postgres=connection.vendor == "postgresql")


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _rows(query: str, params: Sequence[Any] = ()) -> Iterator[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        yield from cursor


def _amount(value) -> Decimal:
    """An amount as the database gave it (SQLite: a float or an int), as a Decimal."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(_CENT)
    return Decimal(value or 0).quantize(_CENT)  # SQLite gives 10000 for 10000.00


def _month(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _label(pk: int, slug: str, month) -> str:
    return f"statement {pk} ({slug} {_month(month):%Y-%m})"


@dataclass(frozen=True)
class _Scope:
    """The statements checked (of one month, or all) and the days of the flows checked for
    being left off one."""

    month: dt.date | None

    def statements(self, column: str) -> tuple[str, list]:
        """A condition on ``column`` (a statement id): the statement is in scope."""
        if self.month is None:
            return f"{column} IS NOT NULL", []
        return f"{column} IN (SELECT id FROM {_t(Statement)} WHERE month = %s)", [self.month]

    def days(self, column: str) -> tuple[str, list]:
        if self.month is None:
            return "1 = 1", []
        return f"{column} >= %s AND {column} < %s", [self.month, next_month_start(self.month)]


def _in(values: Sequence[str]) -> str:
    """A literal ``IN`` list of choice values (the model's own constants, never input)."""
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"
