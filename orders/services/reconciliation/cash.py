# ruff: noqa: S608 - every query here is built from model table names, the models' choice
# constants and this module's own column lists; the only values (months) are parameters.
"""The cash ledger against the flows and accounts: entries naming no flow, orders, maturities
and distribution payments against their entries, and balances against their entries."""

from __future__ import annotations

from collections.abc import Iterator

from ...models import (
    CashAccount,
    CashEntry,
    DistributionPayment,
    EntryKind,
    Holding,
    LotMovement,
    MovementKind,
    Order,
    Side,
)
from .flows import (
    _NEVER_SETTLED,
    _ORDER_ENTRY_KINDS,
    _SETTLED,
    _distribution_cash,
    _lot_cash,
    _order_cash,
)
from .sql import _amount, _in, _rows, _Sql, _sql, _t, _well_formed


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
