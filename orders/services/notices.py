"""Service e-mails to investors about one of their orders (no consent needed): an order moved
by a new holiday, re-priced by a NAV correction, or cancelled by staff. The event row is the
notice's subject; it is sent once (``OrderEvent.notified_at``), however often the task runs."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from marketplace.tasks import enqueue

from ..models import OrderEvent

NOTIFY_TASK = "orders.tasks.order_event_notify"
BATCH_NOTIFY_TASK = "orders.tasks.order_events_notify"


def order_event_notice_enqueue(*, event: OrderEvent) -> None:
    """Hand the e-mail about ``event`` to Celery once the caller's transaction commits."""
    enqueue(NOTIFY_TASK, event.pk)


@transaction.atomic
def order_event_notify(*, event_id: int) -> bool:
    """E-mail the investor about one order event, once. Returns False if already sent."""
    event = (
        OrderEvent.objects.select_for_update(of=("self",))
        .select_related("order__user", "order__product")
        .filter(pk=event_id, notified_at__isnull=True)
        .first()
    )
    if event is None:
        return False
    order = event.order
    context = {
        "event": event,
        "order": order,
        "site_name": settings.SITE_NAME,
        "order_url": settings.SITE_URL + reverse("orders:detail", args=[order.pk]),
    }
    subject = render_to_string("orders/email/order_event_subject.txt", context).strip()
    body = render_to_string("orders/email/order_event_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [order.user.email])
    event.notified_at = timezone.now()
    event.save(update_fields=["notified_at"])
    return True


BATCH = 500


def order_events_notice_enqueue(*, event_ids: list[int]) -> None:
    """The same for many events (a holiday or a correction touching many orders): one task
    per batch of events."""
    for start in range(0, len(event_ids), BATCH):
        enqueue(BATCH_NOTIFY_TASK, event_ids[start : start + BATCH])


def order_events_notify(*, event_ids: list[int]) -> int:
    """E-mail each of these events' investors (once each); returns how many were sent."""
    return sum(order_event_notify(event_id=pk) for pk in event_ids)
