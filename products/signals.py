"""What ``products`` announces to the apps above it (DESIGN §2: nothing here knows who listens).

Each signal is sent inside the transaction of the change it announces; a receiver may only hand
work over (``marketplace.tasks.enqueue``, which sends it once that transaction commits), so that
the work commits or rolls back with the change.

- ``product_risk_raised``: staff approved a revision that raised a product's risk level, with
  ``product_id``, ``old_level`` and ``new_level``.
- ``nav_published``: an upload added or changed NAVs of a fund (its latest NAV and day's change
  are already refreshed), with ``product_id``.
- ``article_published``: an institution published an article or announcement, with
  ``article_id``, ``institution_id`` and ``product_id`` (``None``: about the institution)."""

from django.dispatch import Signal

product_risk_raised = Signal()
nav_published = Signal()
article_published = Signal()
