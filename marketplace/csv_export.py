"""CSV for spreadsheets: every export writes its rows through :func:`writer`.

A cell that a spreadsheet would run as a formula (text starting with ``= + - @``, a tab or a
carriage return) is written with a leading single quote, so a product named ``=HYPERLINK(…)``
shows as text. A cell that is a plain number (``-12.50``, ``+3``) is data, not a formula: it is
written as it is, so negative amounts stay numeric in the spreadsheet.

Column titles are written in the requester's language: give :meth:`SafeWriter.writeheader` lazy
labels (``gettext_lazy``), and they are rendered in the language active when the row is written
(the request's, or ``translation.override(...)`` around an export built by a worker).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?\Z")


def safe_cell(value: Any) -> Any:
    """The value to write for one cell: quoted if it would start a formula."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return value


class SafeWriter:
    """``csv.writer`` whose rows are neutralised cell by cell."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writeheader(self, labels: Iterable[Any]):
        """The title row: each label (a lazy translation or text) in the active language."""
        return self.writerow([str(label) for label in labels])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream, **kwargs) -> SafeWriter:
    return SafeWriter(stream, **kwargs)
