# ruff: noqa: S608 - every query here is built from model table names, the models' choice
# constants and this module's own column lists; the only values (months) are parameters.
"""Reconciliation in the database (DESIGN §4): every check is one set-based query that compares
aggregates (per statement, line, order, lot, payment, coupon or account) where the rows are and
returns only the rows that disagree, so memory stays bounded whatever the size of the ledger
(README "Performance": the Python version held every order's and cash entry's figures in
dictionaries, 3.2 GB at 5,000,000 orders).

The queries run on PostgreSQL and on the embedded SQLite (DESIGN §3); the two places where
they speak differently (the first day of a date's month, comparing sums of decimals that SQLite
adds as floats) are ``_Sql``'s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

from institutions.models import Institution
from marketplace.dates import month_start, next_month_start

from ..models import (
    CashAccount,
    CashEntry,
    CommissionEntry,
    CommissionKind,
    Coupon,
    CouponPayer,
    CouponRedemption,
    Distribution,
    DistributionPayment,
    EntryKind,
    Holding,
    Lot,
    LotMovement,
    MovementKind,
    Order,
    OrderStatus,
    RedemptionStatus,
    Side,
    Statement,
    StatementLine,
)
from ..statement_figures import PAYABLE_FIELDS, STATEMENT_FIELDS, StatementFigures

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


# --- the cash entries of each flow, summed per flow ----------------------------------------------

_ORDER_ENTRY_KINDS = (EntryKind.PURCHASE, EntryKind.REFUND, EntryKind.REDEMPTION)


def _in(values: Sequence[str]) -> str:
    """A literal ``IN`` list of choice values (the model's own constants, never input)."""
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


def _order_cash() -> str:
    """Per order id, the sum of the entries whose reference is ``order:<id>``."""
    ref = _reference_id("reference", "order")
    return f"""
        SELECT {ref} AS order_id, SUM(amount) AS money FROM {_t(CashEntry)}
        WHERE kind IN {_in(_ORDER_ENTRY_KINDS)} AND {_well_formed("reference", "order")}
        GROUP BY {ref}
    """


def _lot_cash() -> str:
    ref = _reference_id("reference", "lot")
    return f"""
        SELECT {ref} AS lot_id, SUM(amount) AS money FROM {_t(CashEntry)}
        WHERE kind = '{EntryKind.MATURITY}' AND {_well_formed("reference", "lot")}
        GROUP BY {ref}
    """


def _distribution_cash() -> str:
    """Per (distribution, investor), the cash entry ``distribution:<id>`` of their account."""
    ref = _reference_id("e.reference", "distribution")
    return f"""
        SELECT {ref} AS distribution_id, a.user_id, SUM(e.amount) AS money
        FROM {_t(CashEntry)} e JOIN {_t(CashAccount)} a ON a.id = e.account_id
        WHERE e.kind = '{EntryKind.DISTRIBUTION}'
          AND {_well_formed("e.reference", "distribution")}
        GROUP BY {ref}, a.user_id
    """


def _entries_naming_no_flow() -> Iterator[str]:
    query = f"""
        SELECT id, kind, amount, reference FROM {_t(CashEntry)}
        WHERE (kind IN {_in(_ORDER_ENTRY_KINDS)}
               AND NOT {_well_formed("reference", "order")})
           OR (kind = '{EntryKind.MATURITY}' AND NOT {_well_formed("reference", "lot")})
           OR (kind = '{EntryKind.DISTRIBUTION}'
               AND NOT {_well_formed("reference", "distribution")})
        ORDER BY id
    """
    for pk, kind, amount, reference in _rows(query):
        if kind == EntryKind.DISTRIBUTION:
            yield f"cash entry {pk} (distribution {_amount(amount)}): {reference!r} names none"
        else:
            yield f"cash entry {pk} ({kind} {_amount(amount)}): {reference!r} names no flow"


_SETTLED = (OrderStatus.CONFIRMED, OrderStatus.SETTLED)
_NEVER_SETTLED = (OrderStatus.CANCELLED, OrderStatus.REJECTED)


def _orders_against_cash(sql: _Sql) -> Iterator[str]:
    """An order that never settled is on no statement and its entries net to zero; a settled
    one's amount is what its entries say; every ``order:<id>`` names an order."""
    money = "COALESCE(c.money, 0)"
    flow = f"CASE WHEN o.side = '{Side.BUY}' THEN -{money} ELSE {money} END"
    query = f"""
        SELECT o.id, o.status, o.side, o.amount, o.statement_id, {money}
        FROM {_t(Order)} o LEFT JOIN ({_order_cash()}) c ON c.order_id = o.id
        WHERE (o.status NOT IN {_in(_SETTLED)} AND (o.statement_id IS NOT NULL
               OR (o.status IN {_in(_NEVER_SETTLED)} AND {sql.differs(money, "0")})))
           OR (o.status IN {_in(_SETTLED)} AND {sql.differs(flow, "COALESCE(o.amount, 0)")})
        ORDER BY o.id
    """
    for pk, status, side, amount, statement_id, cash in _rows(query):
        cash = _amount(cash)
        if status not in _SETTLED:
            if statement_id is not None:
                yield f"order {pk} ({status}) is on statement {statement_id}"
            if status in _NEVER_SETTLED and cash:
                yield f"order {pk} ({status}): its cash entries net to {cash}, not 0"
            continue
        amount = _amount(amount) if amount is not None else None
        flow = -cash if side == Side.BUY else cash
        yield f"order {pk}: amount {amount} but its cash entries say {flow}"
    query = f"""
        SELECT c.order_id, c.money FROM ({_order_cash()}) c
        WHERE NOT EXISTS (SELECT 1 FROM {_t(Order)} o WHERE o.id = c.order_id)
        ORDER BY c.order_id
    """
    for pk, cash in _rows(query):
        yield f"cash entries of order:{pk} ({_amount(cash)}) name no order"


def _maturities_against_cash(sql: _Sql) -> Iterator[str]:
    paid = "m.gross + m.interest"
    query = f"""
        SELECT m.lot_id, {paid}, COALESCE(c.money, 0)
        FROM {_t(LotMovement)} m LEFT JOIN ({_lot_cash()}) c ON c.lot_id = m.lot_id
        WHERE m.kind = '{MovementKind.MATURITY}' AND {sql.differs(paid, "COALESCE(c.money, 0)")}
        ORDER BY m.lot_id, m.id
    """
    for lot_id, expected, cash in _rows(query):
        yield (
            f"maturity of lot {lot_id}: {_amount(expected)} but its cash entries say "
            f"{_amount(cash)}"
        )
    query = f"""
        SELECT c.lot_id, c.money FROM ({_lot_cash()}) c
        WHERE NOT EXISTS (SELECT 1 FROM {_t(LotMovement)} m
                          WHERE m.lot_id = c.lot_id AND m.kind = '{MovementKind.MATURITY}')
        ORDER BY c.lot_id
    """
    for lot_id, cash in _rows(query):
        yield f"maturity cash entries of lot:{lot_id} ({_amount(cash)}) match no maturity"


def _distributions_against_cash(sql: _Sql) -> Iterator[str]:
    """Each distribution payment's cash part is what its cash entry says (one entry per
    distribution and investor: one holding per fund), and every entry names a payment."""
    query = f"""
        SELECT p.id, p.cash, COALESCE(c.money, 0)
        FROM {_t(DistributionPayment)} p
        JOIN {_t(Holding)} h ON h.id = p.holding_id
        LEFT JOIN ({_distribution_cash()}) c
               ON c.distribution_id = p.distribution_id AND c.user_id = h.user_id
        WHERE {sql.differs("p.cash", "COALESCE(c.money, 0)")}
        ORDER BY p.id
    """
    for pk, paid, cash in _rows(query):
        yield (
            f"distribution payment {pk}: cash {_amount(paid)} but its cash entry says "
            f"{_amount(cash)}"
        )
    query = f"""
        SELECT c.distribution_id, c.user_id, c.money FROM ({_distribution_cash()}) c
        WHERE NOT EXISTS (
            SELECT 1 FROM {_t(DistributionPayment)} p JOIN {_t(Holding)} h ON h.id = p.holding_id
            WHERE p.distribution_id = c.distribution_id AND h.user_id = c.user_id)
        ORDER BY c.distribution_id, c.user_id
    """
    for distribution_id, user_id, cash in _rows(query):
        key = (distribution_id, user_id)
        yield f"distribution cash entry {key} ({_amount(cash)}) matches no payment"


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


# --- coupons ------------------------------------------------------------------------------------

_REDEMPTION_FOR_ORDER: dict[str, str] = {
    OrderStatus.PENDING: RedemptionStatus.HELD,
    OrderStatus.CONFIRMED: RedemptionStatus.USED,
    OrderStatus.SETTLED: RedemptionStatus.USED,
    OrderStatus.CANCELLED: RedemptionStatus.RELEASED,
    OrderStatus.REJECTED: RedemptionStatus.RELEASED,
}


def _coupons(sql: _Sql) -> Iterator[str]:
    """Each redemption matches its order (status, list fee, discount, fee charged), and each
    coupon's counters are the sums of its held and used redemptions."""
    expected = " ".join(f"WHEN '{o}' THEN '{r}'" for o, r in _REDEMPTION_FOR_ORDER.items())
    fees = ("list_fee", "discount", "fee")
    query = f"""
        SELECT r.id, r.order_id, r.status, {", ".join(f"r.{n}" for n in fees)},
               o.status, {", ".join(f"o.{n}" for n in fees)}
        FROM {_t(CouponRedemption)} r JOIN {_t(Order)} o ON o.id = r.order_id
        WHERE r.status <> COALESCE(CASE o.status {expected} END, '')
           OR {" OR ".join(sql.differs(f"r.{n}", f"o.{n}") for n in fees)}
        ORDER BY r.id
    """
    for pk, order_id, status, list_fee, discount, fee, o_status, *order_fees in _rows(query):
        if _REDEMPTION_FOR_ORDER.get(o_status) != status:
            yield f"coupon redemption {pk} is {status} but order {order_id} {o_status}"
        mine = [None if v is None else _amount(v) for v in (list_fee, discount, fee)]
        theirs = [None if v is None else _amount(v) for v in order_fees]
        if mine != theirs:
            yield (
                f"coupon redemption {pk}: list fee {mine[0]}, discount {mine[1]}, fee {mine[2]} "
                f"but order {order_id} says {theirs[0]}, {theirs[1]}, {theirs[2]}"
            )
    counting = _in((RedemptionStatus.HELD, RedemptionStatus.USED))
    query = f"""
        SELECT c.id, c.spent, c.redeemed, COALESCE(t.total, 0), COALESCE(t.n, 0)
        FROM {_t(Coupon)} c LEFT JOIN (
            SELECT coupon_id, COUNT(*) AS n, SUM(discount) AS total
            FROM {_t(CouponRedemption)} WHERE status IN {counting} GROUP BY coupon_id
        ) t ON t.coupon_id = c.id
        WHERE {sql.differs("c.spent", "COALESCE(t.total, 0)")} OR c.redeemed <> COALESCE(t.n, 0)
        ORDER BY c.id
    """
    for pk, spent, redeemed, total, count in _rows(query):
        yield (
            f"coupon {pk}: spent {_amount(spent)}, redeemed {redeemed} but its redemptions say "
            f"{_amount(total)}, {count}"
        )


# --- each line against the flows and the cash entries behind it ---------------------------------

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


def cash_accounts_against_entries(*, limit: int | None = None) -> Iterator[str]:
    """Each account whose balance is not the sum of its entries (``reconcile_cash``)."""
    sql = _sql()
    ledger = "COALESCE(t.total, 0)"
    query = f"""
        SELECT a.id, a.user_id, a.balance, {ledger}
        FROM {_t(CashAccount)} a LEFT JOIN (
            SELECT account_id, SUM(amount) AS total FROM {_t(CashEntry)} GROUP BY account_id
        ) t ON t.account_id = a.id
        WHERE {sql.differs("a.balance", ledger)}
        ORDER BY a.id
    """
    for pk, user_id, balance, total in _rows(query + (f" LIMIT {int(limit)}" if limit else "")):
        yield (
            f"account {pk} (user {user_id}): balance {_amount(balance)} but entries sum to "
            f"{_amount(total)}"
        )
