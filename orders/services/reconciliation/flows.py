# ruff: noqa: S608 - every query here is built from model table names, the models' choice
# constants and this module's own column lists; the only values (months) are parameters.
"""The cash entries of each flow (order, lot, distribution), summed per flow."""

from __future__ import annotations

from ...models import CashAccount, CashEntry, EntryKind, OrderStatus
from .sql import _in, _reference_id, _t, _well_formed

_ORDER_ENTRY_KINDS = (EntryKind.PURCHASE, EntryKind.REFUND, EntryKind.REDEMPTION)


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


_SETTLED = (OrderStatus.CONFIRMED, OrderStatus.SETTLED)
_NEVER_SETTLED = (OrderStatus.CANCELLED, OrderStatus.REJECTED)
