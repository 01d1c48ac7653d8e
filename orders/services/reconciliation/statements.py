# ruff: noqa: S608 - every query here is built from model table names, the models' choice
# constants and this module's own column lists; the only values (months) are parameters.
"""Every statement against its lines and the flows behind them (``reconcile_statements``), and
the flows left off the statement that should have taken them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from institutions.models import Institution
from marketplace.dates import month_start

from ...models import (
    CommissionEntry,
    Distribution,
    DistributionPayment,
    Holding,
    Lot,
    LotMovement,
    MovementKind,
    Order,
    Statement,
    StatementLine,
)
from ...statement_figures import PAYABLE_FIELDS, STATEMENT_FIELDS, StatementFigures
from .cash import (
    _distributions_against_cash,
    _entries_naming_no_flow,
    _maturities_against_cash,
    _orders_against_cash,
)
from .coupons import _coupons
from .flows import _SETTLED
from .lines import _lines_against_flows_and_cash
from .sql import FIGURES, _amount, _in, _label, _rows, _Scope, _Sql, _sql, _t


def reconcile_statements(*, month: dt.date | None = None) -> list[str]:
    """Every difference between the statements (of ``month``, or all) and the flows and cash
    entries behind them (empty: all agree to the cent).

    - each statement's figures are the sums of its lines, and its net payable follows them;
    - each line's figures are the sums of the orders, maturities, distributions, commission
      entries and coupon discounts attached to the statement for its product;
    - each line's subscriptions, redemptions, maturities and distributions are also what the
      cash ledger says for those orders, lots and payments;
    - every cash entry of a flow with an institution (purchase, refund, redemption, maturity,
      distribution) names one, and says what the flow says; every flow is on a statement once
      one covering it has closed after it was confirmed; an order that never settled
      (cancelled, rejected) is on none and its entries net to zero;
    - each coupon redemption matches its order, and each coupon's counters its redemptions.
    """
    scope = _Scope(month_start(month) if month is not None else None)
    sql = _sql()
    return [
        *_statements_against_lines(sql, scope),
        *_entries_naming_no_flow(),
        *_orders_against_cash(sql),
        *_maturities_against_cash(sql),
        *_distributions_against_cash(sql),
        *_left_off_statements(sql, scope),
        *_coupons(sql),
        *_lines_against_flows_and_cash(sql, scope),
    ]


def _net(column) -> str:
    """The net payable of the figures named ``column(figure)`` (``StatementFigures.net``)."""
    plus = ("subscriptions", "platform_coupons")
    return " + ".join(
        f"{'' if name in plus else '-'}{column(name)}"
        for name in (*plus, "redemptions", "maturities", "distributions")
        + ("upfront", "trail", "corrections")
    )


def _statements_against_lines(sql: _Sql, scope: _Scope) -> Iterator[str]:
    def total(name: str) -> str:
        return f"COALESCE(t.{name}, 0)"

    net = _net(total)
    expected = {
        **{STATEMENT_FIELDS[name]: total(name) for name in FIGURES},
        "payable_to_institution": f"CASE WHEN {net} > 0 THEN {net} ELSE 0 END",
        "payable_to_platform": f"CASE WHEN {net} < 0 THEN -({net}) ELSE 0 END",
    }
    in_scope, params = scope.statements("s.id")
    query = f"""
        SELECT s.id, i.slug, s.month,
               {", ".join(f"s.{STATEMENT_FIELDS[n]}" for n in FIGURES)},
               {", ".join(f"s.{n}" for n in PAYABLE_FIELDS)},
               {", ".join(total(n) for n in FIGURES)}
        FROM {_t(Statement)} s
        JOIN {_t(Institution)} i ON i.id = s.institution_id
        LEFT JOIN (
            SELECT statement_id, {", ".join(f"SUM({n}) AS {n}" for n in FIGURES)}
            FROM {_t(StatementLine)} GROUP BY statement_id
        ) t ON t.statement_id = s.id
        WHERE {in_scope}
          AND ({" OR ".join(sql.differs(f"s.{f}", e) for f, e in expected.items())})
        ORDER BY s.month, s.id
    """
    width = len(FIGURES)
    for pk, slug, month, *values in _rows(query, params):
        where = _label(pk, slug, month)
        amounts = [_amount(v) for v in values]
        stored = StatementFigures(*amounts[:width])
        payable = dict(zip(PAYABLE_FIELDS, amounts[width : width + 2], strict=True))
        lines = StatementFigures(*amounts[width + 2 :])
        for name, a, b in zip(FIGURES, stored, lines, strict=True):
            if a != b:
                yield f"{where}: {name} {a} != its lines' sum {b}"
        for name in PAYABLE_FIELDS:
            if payable[name] != getattr(lines, name):
                yield f"{where}: {name} {payable[name]} != {getattr(lines, name)} from its lines"


# --- flows left off the statement that should have taken them ------------------------------------


def _left_off_statements(sql: _Sql, scope: _Scope) -> Iterator[str]:
    """Every flow of ``scope``'s days on no statement although one of its institution covering
    its day (its month or later) closed after the flow existed: the first such statement."""
    flows = {
        # what: (key, day, institution, moment, FROM … WHERE of the flows on no statement)
        "order {key} (confirmed {day})": (
            "f.id",
            "f.confirmed_on",
            "f.institution_id",
            "f.confirmed_at",
            f"{_t(Order)} f WHERE f.statement_id IS NULL AND f.status IN {_in(_SETTLED)}",
        ),
        "maturity of lot {key} ({day})": (
            "f.lot_id",
            "l.matures_on",
            "h.institution_id",
            "f.created_at",
            f"{_t(LotMovement)} f JOIN {_t(Lot)} l ON l.id = f.lot_id "
            f"JOIN {_t(Holding)} h ON h.id = l.holding_id "
            f"WHERE f.kind = '{MovementKind.MATURITY}' AND f.statement_id IS NULL",
        ),
        "distribution payment {key} ({day})": (
            "f.id",
            "f.paid_on",
            "d.institution_id",
            "f.created_at",
            f"{_t(DistributionPayment)} f JOIN {_t(Distribution)} d ON d.id = f.distribution_id "
            "WHERE f.statement_id IS NULL",
        ),
        "commission entry {key} ({day})": (
            "f.id",
            "f.accrual_date",
            "f.institution_id",
            "f.created_at",
            f"{_t(CommissionEntry)} f WHERE f.statement_id IS NULL",
        ),
    }
    for what, (key, day, institution, moment, source) in flows.items():
        in_days, params = scope.days(day)
        query = f"""
            SELECT x.key, x.day, s.id, i.slug, s.month FROM (
                SELECT {key} AS key, {day} AS day, (
                    SELECT s.id FROM {_t(Statement)} s
                    WHERE s.institution_id = {institution} AND s.month >= {sql.month_of(day)}
                      AND s.closed_at >= {moment}
                    ORDER BY s.month LIMIT 1
                ) AS missed
                FROM {source} AND {in_days}
            ) x
            JOIN {_t(Statement)} s ON s.id = x.missed
            JOIN {_t(Institution)} i ON i.id = s.institution_id
            ORDER BY x.key
        """
        for pk, flow_day, statement_id, slug, month in _rows(query, params):
            flow = what.format(key=pk, day=flow_day)
            missed = _label(statement_id, slug, month)
            yield f"{flow} is on no statement, but {missed} closed after it"
