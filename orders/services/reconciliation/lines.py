# ruff: noqa: S608 - every query here is built from model table names, the models' choice
# constants and this module's own column lists; the only values (months) are parameters.
"""Each statement line against the flows attached to it and the cash entries behind them."""

from __future__ import annotations

from collections.abc import Iterator

from institutions.models import Institution

from ...models import (
    CommissionEntry,
    CommissionKind,
    CouponPayer,
    CouponRedemption,
    Distribution,
    DistributionPayment,
    Holding,
    Lot,
    LotMovement,
    MovementKind,
    Order,
    RedemptionStatus,
    Side,
    Statement,
    StatementLine,
)
from ...statement_figures import StatementFigures
from .flows import _SETTLED, _distribution_cash, _lot_cash, _order_cash
from .sql import FIGURES, LEDGER_FIGURES, _amount, _in, _label, _rows, _Scope, _Sql, _t

_BY_COMMISSION_KIND: dict[str, str] = {
    CommissionKind.UPFRONT: "upfront",
    CommissionKind.TRAIL: "trail",
    CommissionKind.CORRECTION: "corrections",
}


def _branch(statement: str, product: str, source: str, **columns: str) -> str:
    """One part of the union: per row of ``source``, the line (``line``), flow (``flow_*``) and
    ledger (``cash_*``) columns it adds to its (statement, product); the others are 0."""
    names = [
        "line",
        *(f"line_{n}" for n in FIGURES),
        *(f"flow_{n}" for n in FIGURES),
        *(f"cash_{n}" for n in LEDGER_FIGURES),
    ]
    unknown = set(columns) - set(names)
    assert not unknown, unknown  # noqa: S101 - a typo in this module, not input
    values = ", ".join(f"{columns.get(n, '0')} AS {n}" for n in names)
    return f"SELECT {statement} AS statement_id, {product} AS product_id, {values} FROM {source}"


def _lines_against_flows_and_cash(sql: _Sql, scope: _Scope) -> Iterator[str]:
    """Per (statement, product) of the statements in scope: the line's figures, the sums of
    the flows attached, and what the ledger says for them, compared in one pass."""
    lines, line_params = scope.statements("x.statement_id")
    orders, order_params = scope.statements("o.statement_id")
    movements, movement_params = scope.statements("m.statement_id")
    payments, payment_params = scope.statements("p.statement_id")
    entries, entry_params = scope.statements("e.statement_id")
    coupons, coupon_params = scope.statements("o.statement_id")
    buy = f"o.side = '{Side.BUY}'"
    money = "COALESCE(c.money, 0)"
    settled = f"o.status IN {_in(_SETTLED)}"
    commission = {
        f"flow_{name}": f"CASE WHEN e.kind = '{kind}' THEN e.amount ELSE 0 END"
        for kind, name in _BY_COMMISSION_KIND.items()
    }
    branches = [
        _branch(
            "x.statement_id",
            "x.product_id",
            f"{_t(StatementLine)} x WHERE {lines}",
            line="1",
            **{f"line_{n}": f"x.{n}" for n in FIGURES},
        ),
        _branch(
            "o.statement_id",
            "o.product_id",
            f"{_t(Order)} o LEFT JOIN ({_order_cash()}) c ON c.order_id = o.id WHERE {orders}",
            flow_subscriptions=f"CASE WHEN {buy} THEN COALESCE(o.amount, 0) ELSE 0 END",
            flow_redemptions=f"CASE WHEN {buy} THEN 0 ELSE COALESCE(o.amount, 0) END",
            flow_fees="COALESCE(o.fee, 0)",
            cash_subscriptions=f"CASE WHEN {settled} AND {buy} THEN -{money} ELSE 0 END",
            cash_redemptions=f"CASE WHEN {settled} AND NOT {buy} THEN {money} ELSE 0 END",
        ),
        _branch(
            "m.statement_id",
            "h.product_id",
            f"{_t(LotMovement)} m JOIN {_t(Lot)} l ON l.id = m.lot_id "
            f"JOIN {_t(Holding)} h ON h.id = l.holding_id "
            f"LEFT JOIN ({_lot_cash()}) c ON c.lot_id = m.lot_id "
            f"WHERE {movements}",
            flow_maturities="m.gross + m.interest",
            cash_maturities=f"CASE WHEN m.kind = '{MovementKind.MATURITY}' THEN {money} ELSE 0 END",
        ),
        _branch(
            "p.statement_id",
            "d.product_id",
            f"{_t(DistributionPayment)} p "
            f"JOIN {_t(Distribution)} d ON d.id = p.distribution_id "
            f"JOIN {_t(Holding)} h ON h.id = p.holding_id "
            f"LEFT JOIN ({_distribution_cash()}) c "
            "ON c.distribution_id = p.distribution_id AND c.user_id = h.user_id "
            f"WHERE {payments}",
            flow_distributions="p.cash",
            flow_reinvested="p.reinvested",
            cash_distributions=money,
        ),
        _branch(
            "e.statement_id",
            "e.product_id",
            f"{_t(CommissionEntry)} e WHERE {entries}",
            **commission,
        ),
        _branch(
            "o.statement_id",
            "r.product_id",
            f"{_t(CouponRedemption)} r JOIN {_t(Order)} o ON o.id = r.order_id "
            f"WHERE {coupons} AND r.status = '{RedemptionStatus.USED}'",
            flow_platform_coupons=f"CASE WHEN r.payer = '{CouponPayer.PLATFORM}' "
            "THEN r.discount ELSE 0 END",
            flow_coupon_costs=f"CASE WHEN r.payer = '{CouponPayer.PLATFORM}' "
            "THEN 0 ELSE r.discount END",
        ),
    ]
    params = [
        *line_params,
        *order_params,
        *movement_params,
        *payment_params,
        *entry_params,
        *coupon_params,
    ]
    differences = [sql.differs(f"SUM(line_{n})", f"SUM(flow_{n})") for n in FIGURES] + [
        sql.differs(f"SUM(line_{n})", f"SUM(cash_{n})") for n in LEDGER_FIGURES
    ]
    sums = ", ".join(
        f"SUM({n})"
        for n in (
            *(f"line_{n}" for n in FIGURES),
            *(f"flow_{n}" for n in FIGURES),
            *(f"cash_{n}" for n in LEDGER_FIGURES),
        )
    )
    query = f"""
        SELECT y.*, i.slug, s.month FROM (
            SELECT statement_id, product_id, SUM(line), {sums}
            FROM ({" UNION ALL ".join(branches)}) z
            GROUP BY statement_id, product_id
            HAVING SUM(line) = 0 OR {" OR ".join(differences)}
        ) y
        JOIN {_t(Statement)} s ON s.id = y.statement_id
        JOIN {_t(Institution)} i ON i.id = s.institution_id
        ORDER BY y.statement_id, y.product_id
    """
    width = len(FIGURES)
    for statement_id, product_id, has_line, *values in _rows(query, params):
        *amounts, slug, month = values
        amounts = [_amount(v) for v in amounts]
        where = f"{_label(statement_id, slug, month)}, product {product_id}"
        stored = StatementFigures(*amounts[:width])
        flows = StatementFigures(*amounts[width : 2 * width])
        ledger = dict(zip(LEDGER_FIGURES, amounts[2 * width :], strict=True))
        if not has_line:
            yield f"{where}: flows on the statement but no line"
        for name, a, b in zip(FIGURES, stored, flows, strict=True):
            if a != b:
                yield f"{where}: {name} {a} != its flows' sum {b}"
        for name in LEDGER_FIGURES:
            if getattr(stored, name) != ledger[name]:
                yield f"{where}: {name} {getattr(stored, name)} != cash entries {ledger[name]}"
