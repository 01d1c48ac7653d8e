"""Audience tables that never reveal a group smaller than the threshold (DESIGN §4).

A cell under ``THRESHOLD`` people is shown as "< 20" (primary suppression). Because rows and
columns carry totals, a single hidden cell in a line could be recovered by subtraction, so a
second cell of that line is hidden too (secondary suppression), repeated until every line with a
visible total hides either nothing or at least two cells. Totals under the threshold are hidden
the same way. Pure functions: no database.
"""

from __future__ import annotations

from dataclasses import dataclass

THRESHOLD = 20


@dataclass(frozen=True)
class Table:
    rows: list[str]
    cols: list[str]
    cells: dict[tuple[str, str], int | None]  # None: suppressed
    row_totals: dict[str, int | None]
    col_totals: dict[str, int | None]
    total: int | None

    def cell(self, row: str, col: str) -> int | None:
        return self.cells[(row, col)]


def _protect(line: dict, hidden: set, total_key) -> bool:
    """In one line (cells + its total): hide a second member when exactly one is hidden."""
    members = [k for k in line if k != total_key]
    hidden_members = [k for k in members if k in hidden]
    if total_key in hidden or len(hidden_members) != 1:
        return False
    candidates = sorted((k for k in members if k not in hidden), key=lambda k: (line[k], str(k)))
    hidden.add(candidates[0] if candidates else total_key)
    return True


def suppress(
    counts: dict[tuple[str, str], int],
    rows: list[str],
    cols: list[str],
    *,
    threshold: int = THRESHOLD,
) -> Table:
    cells = {(r, c): counts.get((r, c), 0) for r in rows for c in cols}
    row_totals = {r: sum(cells[(r, c)] for c in cols) for r in rows}
    col_totals = {c: sum(cells[(r, c)] for r in rows) for c in cols}
    total = sum(row_totals.values())
    # Keys: ("cell", r, c), ("row", r), ("col", c), ("total",)
    value = {("cell", r, c): n for (r, c), n in cells.items()}
    value.update({("row", r): n for r, n in row_totals.items()})
    value.update({("col", c): n for c, n in col_totals.items()})
    value[("total",)] = total
    hidden = {key for key, n in value.items() if n < threshold}
    changed = True
    while changed:
        changed = False
        for r in rows:
            line = {("cell", r, c): value[("cell", r, c)] for c in cols}
            line[("row", r)] = value[("row", r)]
            changed |= _protect(line, hidden, ("row", r))
        for c in cols:
            line = {("cell", r, c): value[("cell", r, c)] for r in rows}
            line[("col", c)] = value[("col", c)]
            changed |= _protect(line, hidden, ("col", c))
        line = {("row", r): value[("row", r)] for r in rows}
        line[("total",)] = total
        changed |= _protect(line, hidden, ("total",))
        line = {("col", c): value[("col", c)] for c in cols}
        line[("total",)] = total
        changed |= _protect(line, hidden, ("total",))

    def shown(key):
        return None if key in hidden else value[key]

    return Table(
        rows=rows,
        cols=cols,
        cells={(r, c): shown(("cell", r, c)) for r in rows for c in cols},
        row_totals={r: shown(("row", r)) for r in rows},
        col_totals={c: shown(("col", c)) for c in cols},
        total=shown(("total",)),
    )
