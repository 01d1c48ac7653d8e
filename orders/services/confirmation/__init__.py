"""Confirming pending orders at end of day: a fund order at NAV of its own trade date (never
another day's), savings and insurance as they are; buys become lots, sells take lots oldest
first and pay their proceeds. Orders are read in keyset batches, priced in memory by
``orders.pricing`` and written back with a handful of bulk statements per batch.

``batch.confirm_orders`` is the entry point; ``terms`` reads what pricing needs (product terms,
NAVs), ``legs`` prices one order (buy, sell, switch) into the batch's ``writes``, which are
flushed in bulk at the end."""
