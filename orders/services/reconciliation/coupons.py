# ruff: noqa: S608 - every query here is built from model table names, the models' choice
# constants and this module's own column lists; the only values (months) are parameters.
"""Coupon redemptions against their orders, and each coupon's counters against its redemptions."""

from __future__ import annotations

from collections.abc import Iterator

from ...models import Coupon, CouponRedemption, Order, OrderStatus, RedemptionStatus
from .sql import _amount, _in, _rows, _Sql, _t

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
