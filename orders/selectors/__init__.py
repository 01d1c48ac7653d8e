"""Reads that need orders together with profiles, products and institutions, one module per
area: customers and audience, order lists, the portfolio, statements, revenue, staff oversight.

Callers import from ``orders.selectors``; every public name is listed here (no ``import *``).
"""

from .customers import (
    DIMENSION_UNKNOWN,
    DIMENSIONS,
    NOT_GIVEN,
    AudienceReport,
    audience_report,
    consenting_profiles,
    customer_ids_for,
    customer_list_for_institution,
    refusals_for_institution,
)
from .history import (
    order_history,
    order_list_for_institution,
)
from .oversight import (
    PAYOUT_STUCK_AFTER,
    STUCK_AFTER_TRADING_DAYS,
    WAITING_END_OF_DAY,
    WAITING_NO_NAV,
    WAITING_SUSPENDED,
    StuckOrder,
    nav_corrections_pending,
    nav_corrections_recent,
    orders_stuck_pending,
    payouts_stuck,
    stuck_before,
)
from .portfolio import (
    InTransit,
    LotView,
    Portfolio,
    Position,
    cash_shortfall,
    held_product_ids,
    holdings_of,
    in_transit_for,
    portfolio_for,
    position_of,
    sale_estimate,
)
from .revenue import (
    RevenueReport,
    revenue_report,
)
from .statements import (
    STATEMENT_COLUMNS,
    statement_rows,
    statement_totals,
    statements_for_institution,
    statements_for_staff,
)

__all__ = [
    "AudienceReport",
    "DIMENSIONS",
    "DIMENSION_UNKNOWN",
    "InTransit",
    "LotView",
    "NOT_GIVEN",
    "PAYOUT_STUCK_AFTER",
    "Portfolio",
    "Position",
    "RevenueReport",
    "STATEMENT_COLUMNS",
    "STUCK_AFTER_TRADING_DAYS",
    "StuckOrder",
    "WAITING_END_OF_DAY",
    "WAITING_NO_NAV",
    "WAITING_SUSPENDED",
    "audience_report",
    "cash_shortfall",
    "consenting_profiles",
    "customer_ids_for",
    "customer_list_for_institution",
    "held_product_ids",
    "holdings_of",
    "in_transit_for",
    "nav_corrections_pending",
    "nav_corrections_recent",
    "order_history",
    "order_list_for_institution",
    "orders_stuck_pending",
    "payouts_stuck",
    "portfolio_for",
    "position_of",
    "refusals_for_institution",
    "revenue_report",
    "sale_estimate",
    "statement_rows",
    "statement_totals",
    "statements_for_institution",
    "statements_for_staff",
    "stuck_before",
]
