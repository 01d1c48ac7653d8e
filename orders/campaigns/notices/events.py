"""Notices about something that happened to the investor's order or product, not on a date: an
order the platform moved (a new holiday), re-priced (a NAV correction) or cancelled (staff), and
a held product whose risk level was raised above the investor's level."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from marketplace.tasks import enqueue
from products.models import Product
from products.signals import product_risk_raised

from ...models import Holding, Order, OrderEvent, OrderStatus
from .. import inbox
from ..models import Topic
from . import texts
from .daily import NOTICE_BATCH, Notice, notices_for_day, post

RISK_RAISED_TASK = "orders.campaigns.tasks.risk_raised_notify"
# How far back a day's run looks for rejections not yet told (a run that died before telling).
REJECTED_LOOKBACK = dt.timedelta(days=7)


def rejected_orders_notify(*, run_date: dt.date) -> int:
    """Orders end of day rejected (a buy whose amount bought no units, refunded; a sale whose
    units were gone): the investor is told why, once per rejection, as an order change (always
    e-mailed: their money or units came back). Returns how many were told now."""
    recent = Order.objects.filter(
        status=OrderStatus.REJECTED,
        trade_date__lte=run_date,
        trade_date__gte=run_date - REJECTED_LOOKBACK,
    )
    event_ids = list(
        OrderEvent.objects.filter(
            order__in=recent, to_status=OrderStatus.REJECTED, notified_at__isnull=True
        ).values_list("pk", flat=True)
    )
    return order_events_notify(event_ids=event_ids) if event_ids else 0


def end_of_day_notices(*, run_date: dt.date) -> dict[str, int]:
    """Everything end of day of ``run_date`` tells investors: what it confirmed, paid out and
    paid at maturity (``notices_for_day``), and what it rejected."""
    return {
        **notices_for_day(run_date=run_date),
        "rejected": rejected_orders_notify(run_date=run_date),
    }


@transaction.atomic
def order_events_notify(*, event_ids: list[int]) -> int:
    """Tell each investor of these order events (inbox, always e-mailed), once: an event is
    notified when its notice is in the inbox (``OrderEvent.notified_at``; the e-mail follows
    from the inbox row). Returns how many were notified now."""
    events = list(
        OrderEvent.objects.select_for_update(of=("self",))
        .filter(pk__in=event_ids, notified_at__isnull=True)
        .order_by("pk")
        .values(
            "pk",
            "reason",
            "order_id",
            "order__user_id",
            "order__product__name",
            "order__trade_date",
            "order__expected_confirm_date",
        )
    )
    if not events:
        return 0
    for group in inbox.in_recipients_language(events, lambda e: e["order__user_id"]):
        notices = []
        for e in group:
            values = {"order": e["order_id"], "product": e["order__product__name"]}
            notices.append(
                Notice(
                    e["order__user_id"],
                    f"order:{e['order_id']}:event:{e['pk']}",
                    str(texts.ORDER_CHANGED_TITLE) % values,
                    str(texts.ORDER_CHANGED_BODY)
                    % {
                        "reason": gettext(e["reason"]) if e["reason"] else "",
                        "trade_date": texts.day(e["order__trade_date"]),
                        "confirm_date": texts.day(e["order__expected_confirm_date"]),
                    },
                    texts.order_link(e["order_id"]),
                )
            )
        post(topic=Topic.ORDER_CHANGED, notices=notices)
    OrderEvent.objects.filter(pk__in=[e["pk"] for e in events]).update(notified_at=timezone.now())
    return len(events)


def risk_raised_notify(
    *, product_id: int, old_level: int, new_level: int, batch_size: int = NOTICE_BATCH
) -> int:
    """Tell every holder of the product whose risk level is now below the product's that it was
    raised (inbox, always e-mailed). Their next purchase needs the acknowledgement again: the
    suitability rule judges every purchase afresh against the product's current level
    (``profiles.suitability``) and nothing remembers an earlier acknowledgement, so there is
    nothing to reset. A lowered or unchanged level tells nobody."""
    if new_level <= old_level:
        return 0
    product = Product.objects.filter(pk=product_id).values("name", "slug").first()
    if product is None:
        return 0
    holders = (
        Holding.objects.filter(
            product_id=product_id,
            units__gt=0,
            user__profile__risk_level__lt=new_level,
            user__profile__anonymised_at__isnull=True,
        )
        .annotate(level=F("user__profile__risk_level"))
        .order_by("pk")
    )
    sent, last = 0, 0
    while True:
        rows = list(holders.filter(pk__gt=last).values("pk", "user_id", "level")[:batch_size])
        if not rows:
            return sent
        last = rows[-1]["pk"]
        for group in inbox.in_recipients_language(rows, lambda h: h["user_id"]):
            notices = []
            for h in group:
                values = {
                    "product": product["name"],
                    "old": old_level,
                    "new": new_level,
                    "level": h["level"],
                }
                body = texts.RISK_RAISED_BODY_C1 if h["level"] == 1 else texts.RISK_RAISED_BODY
                notices.append(
                    Notice(
                        h["user_id"],
                        f"product:{product_id}:risk:{new_level}",
                        str(texts.RISK_RAISED_TITLE) % values,
                        str(body) % values,
                        texts.product_link(product["slug"]),
                    )
                )
            sent += post(topic=Topic.RISK_RAISED, notices=notices)


def _hand_over_risk_raise(sender, *, product_id: int, old_level: int, new_level: int, **kwargs):
    """``products`` announces the raise inside the transaction that approved it; the notices
    are handed to Celery through the outbox, so they commit (or roll back) with the approval."""
    enqueue(RISK_RAISED_TASK, product_id, old_level, new_level)


def connect() -> None:
    """Listen to ``products``' risk raise (called once from ``OrdersConfig.ready``)."""
    product_risk_raised.connect(_hand_over_risk_raise, dispatch_uid="orders.campaigns.risk_raised")
