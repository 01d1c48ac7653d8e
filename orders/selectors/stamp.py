"""A fingerprint of everything an investor's portfolio pages show of their own rows, in one
query: the pages' rendered parts are cached under it (``orders.fragments``), so a page is
rebuilt exactly when one of those rows changed.

The stamp is an MD5 of the full text of every row of the investor's holdings, lots, lot
movements, orders, distribution payments (with their distribution) and cash account: any
change to any column of any of them (a new lot of money-market income, an order confirmed, a
balance moved, a NAV correction rewriting a lot) gives another stamp. What is the same for
everyone (products, NAVs, fee tiers, institutions) is covered by the catalogue version instead,
and the day by the cache key. PostgreSQL only: elsewhere there is no stamp and nothing is
cached.
"""

from __future__ import annotations

from django.db import connections

from marketplace.db_router import read_alias

from ..models import CashAccount, DistributionPayment, Holding, Lot, LotMovement, Order
from ..plans.distributions.models import Distribution


def _sql() -> str:
    holding, lot, movement = Holding._meta.db_table, Lot._meta.db_table, LotMovement._meta.db_table
    order, cash = Order._meta.db_table, CashAccount._meta.db_table
    payment, distribution = DistributionPayment._meta.db_table, Distribution._meta.db_table
    return f"""
        SELECT md5(concat_ws('|',
            (SELECT string_agg(h::text, ',' ORDER BY h.id) FROM {holding} h
              WHERE h.user_id = %(user)s),
            (SELECT string_agg(l::text, ',' ORDER BY l.id) FROM {lot} l
              JOIN {holding} h ON h.id = l.holding_id WHERE h.user_id = %(user)s),
            (SELECT string_agg(m::text, ',' ORDER BY m.id) FROM {movement} m
              JOIN {lot} l ON l.id = m.lot_id JOIN {holding} h ON h.id = l.holding_id
              WHERE h.user_id = %(user)s),
            (SELECT string_agg(o::text, ',' ORDER BY o.id) FROM {order} o
              WHERE o.user_id = %(user)s),
            (SELECT string_agg(p::text || d::text, ',' ORDER BY p.id) FROM {payment} p
              JOIN {distribution} d ON d.id = p.distribution_id
              JOIN {holding} h ON h.id = p.holding_id WHERE h.user_id = %(user)s),
            (SELECT string_agg(c::text, ',' ORDER BY c.id) FROM {cash} c
              WHERE c.user_id = %(user)s)
        ))
    """  # noqa: S608 (table names from the models, the user as a parameter)


def portfolio_stamp(*, user) -> str | None:
    """The fingerprint of ``user``'s portfolio rows (one query, however many rows), read from
    the alias the portfolio is read from; ``None`` off PostgreSQL."""
    connection = connections[read_alias()]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(_sql(), {"user": user.pk})
        return cursor.fetchone()[0]
