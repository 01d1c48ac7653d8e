"""The cash ledger and payments, one module per area: :mod:`.ledger` (balances and their
entries: every movement of an investor's cash), :mod:`.payments` (deposits, withdrawals, the
gateway's callbacks and payout retries) and :mod:`.reconcile` (the ledger against balances,
payments, orders and holdings). Callers import the module they need."""
