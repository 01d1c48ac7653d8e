"""``manage.py seed_scale``: a platform-sized data set loaded by COPY, consistent to the cent.

A few fund companies and their bond funds (with a NAV series over the past trading days) are
made through ``bench.fixtures`` first; then every investor is generated in Python and streamed
into PostgreSQL with ``COPY … FROM STDIN`` in chunks of in-memory text buffers: the user, a
verified e-mail address, a profile with a valid risk assessment, a cash account with a deposit
(payment and ledger entry) and orders over the past trading days in the states the services
would have left them in:

- a buy trades on its day T and is confirmed at NAV(T) on the next trading day (units, a lot,
  the holding), or was cancelled before the cut-off or rejected (its money refunded); a buy
  whose confirmation day has not come yet is pending (its money debited);
- a sell redeems one earlier lot whole: settled at NAV(T) (a lot movement, the proceeds paid
  into cash, the lot closed), or still pending (its units reserved on the holding).

Each investor's deposit covers all their buys, so no balance goes below zero, and every balance
is the sum of its entries. Once the rows are in, the sequences are moved past them, every month
before the current one is closed through the settlement service (statements are made the way
the month-end close makes them), and the tables are analysed. ``reconcile_cash`` and
``reconcile_statements`` pass on the result.

The load runs in one transaction with PostgreSQL's ``session_replication_role = replica``
(foreign-key triggers off: the generator writes only ids it made itself), so it is all or
nothing. It refuses SQLite and a database that already has orders, cash entries or statements.
"""

# Callers import the submodule they need: ``load`` (seed_scale, check_database), ``investors``
# (EMAIL_DOMAIN) or ``copy_text`` (TABLES).
