"""What ``products`` announces to the apps above it (DESIGN §2: nothing here knows who listens).

``product_risk_raised`` is sent inside the transaction that raised a product's risk level (staff
approving a revision), with ``product_id``, ``old_level`` and ``new_level``; a receiver may only
hand work over (``marketplace.tasks.enqueue``), so that it commits or rolls back with the change."""

from django.dispatch import Signal

product_risk_raised = Signal()
