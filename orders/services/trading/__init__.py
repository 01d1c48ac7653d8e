"""Orders and the trading calendar, one module per area: :mod:`.holidays` (staff edit the
calendar; pending orders move off a new holiday), :mod:`.checks` (everything an order must pass),
:mod:`.placing` (placing an order: idempotency, agreed terms, the cash debit or the units
reserved) and :mod:`.status` (status moves and cancelling). Callers import the module they need
(``orders.services`` lists the public names for the views and tests)."""
