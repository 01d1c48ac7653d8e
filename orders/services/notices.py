"""Service notices to investors about one of their orders (no consent needed): an order moved
by a new holiday, re-priced by a NAV correction, or cancelled by staff. The event row is the
notice's subject. Trading code only hands the events over, by task name through the outbox
(``orders.campaigns`` comes later in DESIGN §2's order, so it is never imported from here); the
after-sales notices put each in the investor's inbox and e-mail it, once
(``OrderEvent.notified_at``), however often the task runs."""

from __future__ import annotations

from marketplace.tasks import enqueue

NOTIFY_TASK = "orders.campaigns.tasks.order_events_notify"
BATCH = 500


def order_events_notice_enqueue(*, event_ids: list[int]) -> None:
    """The same for many events (a holiday or a correction touching many orders): one task
    per batch of events."""
    for start in range(0, len(event_ids), BATCH):
        enqueue(NOTIFY_TASK, event_ids[start : start + BATCH])
