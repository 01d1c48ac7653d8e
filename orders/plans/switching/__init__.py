"""Switching between two funds of one institution (DESIGN §4 "Switching"): one linked pair of
orders through ``orders.services.order_place``, a sell of fund A and a buy of fund B at the same
trade date, priced and confirmed together by end of day (``orders.services.confirmation``) or
cancelled together by the investor before the cut-off."""
