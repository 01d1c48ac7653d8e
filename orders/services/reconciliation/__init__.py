"""Reconciliation in the database (DESIGN §4): every check is one set-based query that compares
aggregates (per statement, line, order, lot, payment, coupon or account) where the rows are and
returns only the rows that disagree, so memory stays bounded whatever the size of the ledger
(README "Performance": the Python version held every order's and cash entry's figures in
dictionaries, 3.2 GB at 5,000,000 orders).

The queries run on PostgreSQL and on the embedded SQLite (DESIGN §3); the two places where
they speak differently (the first day of a date's month, comparing sums of decimals that SQLite
adds as floats) are ``_Sql``'s.
"""

from .cash import cash_accounts_against_entries
from .statements import reconcile_statements

__all__ = ["cash_accounts_against_entries", "reconcile_statements"]
