"""Values as PostgreSQL reads them as text, for ``marketplace.bulk``: rows in COPY's text
format (``CopyStream``, a chunk of rows at a time, each a column at a time) and arrays as one
literal (``array_literal``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_value(value) -> str:
    """One value in COPY's text format: ``\\N`` is NULL; backslash, tab and newlines in text are
    escaped (numbers and dates need no escaping); lists and dicts are JSON (for JSON columns)."""
    if value is None:
        return r"\N"
    if isinstance(value, list | dict):
        value = json.dumps(value)
    return value.translate(_COPY_ESCAPES) if isinstance(value, str) else str(value)


# Values whose ``str`` is already their COPY text (``bool`` prints True/False, which COPY reads).
_PLAIN = frozenset({int, bool, Decimal, dt.date, dt.datetime})
_STAMPS = frozenset({dt.date, dt.datetime})
_PLAIN_OR_NONE = _PLAIN | {type(None)}
_JSON = frozenset({list, dict})


def copy_column(values: Sequence) -> list[str]:
    """One column of a batch in COPY's text format, as ``copy_value`` writes each value, but
    converted a column at a time: a column of numbers or dates (the bulk of a batch) is one
    ``map(str, …)``, and a JSON value shared by many rows (a lot's kept schedule) is encoded
    once."""
    kinds = set(map(type, values))
    if kinds <= _PLAIN:
        # A batch's timestamp (or day) is one value in every row, and a datetime's ``str`` is
        # slow (a microsecond each): written once when every row has the same one.
        first = values[0]
        if kinds <= _STAMPS and values.count(first) == len(values):
            return [str(first)] * len(values)
        return list(map(str, values))
    if kinds <= _PLAIN_OR_NONE:  # e.g. a column only some kinds of order fill
        return [r"\N" if value is None else str(value) for value in values]
    if kinds <= _JSON and values.count(values[0]) == len(values):  # one schedule for all rows
        return [copy_value(values[0])] * len(values)
    if all(issubclass(kind, str) for kind in kinds):
        joined = "".join(values)
        if joined.translate(_COPY_ESCAPES) == joined:  # nothing to escape (the usual case)
            return list(values)
        return [value.translate(_COPY_ESCAPES) for value in values]
    encoded: dict[int, str] = {}  # by id: the values are alive for the whole call
    column = []
    for value in values:
        if value is None:
            column.append(r"\N")
        elif type(value) in _PLAIN:
            column.append(str(value))
        elif isinstance(value, list | dict):
            text = encoded.get(id(value))
            if text is None:
                text = encoded[id(value)] = copy_value(value)
            column.append(text)
        else:
            column.append(copy_value(value))
    return column


CHUNK_ROWS = 2_000


class CopyStream:
    """``rows`` in COPY's text format (a line each, tab-separated), made ``CHUNK_ROWS`` rows at
    a time as the connection reads them (``read``), each chunk a column at a time
    (``copy_column``): the server parses and writes one chunk while the next is made, instead
    of waiting for the whole batch's text."""

    def __init__(self, rows: Sequence[Sequence], chunk_rows: int | None = None):
        self._rows, self._chunk_rows, self._at = rows, chunk_rows or CHUNK_ROWS, 0

    def read(self, size: int = -1) -> str:  # noqa: ARG002 - a chunk, however much is asked
        rows = self._rows[self._at : self._at + self._chunk_rows]
        self._at += self._chunk_rows
        return copy_text(rows)


def copy_text(rows: Sequence[Sequence]) -> str:
    """``rows`` in COPY's text format, a column at a time; empty for no rows."""
    columns = [copy_column(column) for column in zip(*rows, strict=True)]
    if not columns:
        return ""
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


_NUMBERS = frozenset({int, Decimal, bool})


def array_literal(values: Sequence) -> str:
    """``values`` as a PostgreSQL array literal: ``{1,2,3}``; anything but numbers quoted (a
    datetime has a space, text may have commas, quotes or backslashes), None as NULL."""
    if set(map(type, values)) <= _NUMBERS:  # ids, the usual keys: nothing to quote
        return "{" + ",".join(map(str, values)) + "}"
    return "{" + ",".join(map(_array_item, values)) + "}"


def _array_item(value) -> str:
    if value is None:
        return "NULL"
    if type(value) in _NUMBERS:
        return str(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
