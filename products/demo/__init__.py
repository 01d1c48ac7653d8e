"""Demo listings for ``seed_demo``: funds with two years of NAV (money-market funds: two years
of daily yields), insurance, savings and articles.

``listings`` holds what is listed, ``names_zh`` its Chinese texts, ``generators`` the pure,
per-fund-code deterministic data (NAV walks, fees, terms), ``articles`` the articles and
storefront lists, and ``seed`` puts it all in through the services."""

# bench/catalogue.py reads the generators as ``products.demo.<name>``.
from marketplace.dates import months_before

from .generators import (
    fund_description,
    fund_fee_tiers,
    fund_summary,
    fund_terms,
    last_trading_day,
    nav_walk,
    synthetic_fund_specs,
    trading_days,
)

__all__ = [
    "fund_description",
    "fund_fee_tiers",
    "fund_summary",
    "fund_terms",
    "last_trading_day",
    "months_before",
    "nav_walk",
    "synthetic_fund_specs",
    "trading_days",
]
