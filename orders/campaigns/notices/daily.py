"""The notices end of day and beat send, built set-based: keyset batches of a few thousand rows,
one ``messages_post`` (one INSERT … ON CONFLICT DO NOTHING) per batch, never a query or a task
per investor. What a batch selects is whatever the notice is about, whether or not it was already
sent: the inbox's unique (investor, topic, subject) drops what is there, so any rerun, two
workers at once, or a day swept again by beat sends nothing twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from products.models import ProductKind
from profiles.models import InvestorProfile, RiskAssessment

from ... import pricing
from ...models import Lot, LotMovement, LotSource, MovementKind, Order, OrderStatus, Side
from .. import inbox
from ..models import Topic
from . import texts
from .preferences import email_off

NOTICE_BATCH = 2000
MATURING_DAYS = 7  # "your deposit matures in 7 days"
COOLING_OFF_DAYS = 3  # "the cooling-off period ends in 3 days"
ASSESSMENT_DAYS = 30  # "your risk assessment expires in 30 days"


class Notice(NamedTuple):
    """One notice before it becomes an inbox row (the investor's e-mail choice is added then)."""

    user_id: int
    subject_key: str
    title: str
    body: str
    link: str


def post(*, topic: str, notices: list[Notice]) -> int:
    """Deliver one batch of notices of ``topic`` (each once); returns how many were offered."""
    if not notices:
        return 0
    muted = email_off(topic=topic, user_ids={n.user_id for n in notices})
    now = timezone.now()
    with transaction.atomic():
        inbox.messages_post(
            rows=[
                inbox.message_row(
                    user_id=n.user_id,
                    topic=topic,
                    subject_key=n.subject_key,
                    title=n.title,
                    body=n.body,
                    link=n.link,
                    email=n.user_id not in muted,
                    now=now,
                )
                for n in notices
            ]
        )
    return len(notices)


def _batches(queryset: QuerySet, fields: tuple[str, ...], size: int) -> Iterator[list[dict]]:
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk").values("pk", *fields)[:size])
        if not rows:
            return
        yield rows
        last = rows[-1]["pk"]


def _send(
    queryset: QuerySet,
    fields: tuple[str, ...],
    build: Callable[[list[dict]], dict[str, list[Notice]]],
    size: int,
) -> int:
    sent = 0
    user_field = next(f for f in fields if f.endswith("user_id"))
    for rows in _batches(queryset, fields, size):
        for group in inbox.in_recipients_language(rows, lambda row: row[user_field]):
            for topic, notices in build(group).items():
                sent += post(topic=topic, notices=notices)
    return sent


# --- orders confirmed, money paid out ------------------------------------------------------------

_ORDER_FIELDS = (
    "user_id",
    "kind",
    "side",
    "amount",
    "units",
    "nav",
    "fee",
    "gross_amount",
    "trade_date",
    "product__name",
    "lot__matures_on",
    "lot__cooling_off_until",
)


def _confirmed_text(o: dict) -> str:
    values = {
        "product": o["product__name"],
        "order": o["pk"],
        "amount": texts.cny(o["amount"]),
        "paid": texts.cny(o["amount"]),
        "fee": texts.cny(o["fee"]),
        "units": texts.units(o["units"]),
        "nav": texts.nav(o["nav"]),
        "gross": texts.cny(o["gross_amount"]),
        "principal": texts.cny(o["units"]),
        "trade_date": texts.day(o["trade_date"]),
    }
    buy = o["side"] == Side.BUY
    if o["kind"] == ProductKind.SAVINGS:
        if buy:
            values["matures_on"] = texts.day(o["lot__matures_on"])
        return str(texts.CONFIRMED_SAVINGS_BUY if buy else texts.CONFIRMED_SAVINGS_SELL) % values
    if o["kind"] == ProductKind.INSURANCE:
        if buy:
            values["cooling_off_until"] = texts.day(o["lot__cooling_off_until"])
            return str(texts.CONFIRMED_INSURANCE_BUY) % values
        values["policies"] = texts.policies(int(o["units"] or 0))
        return str(texts.CONFIRMED_INSURANCE_SELL) % values
    return str(texts.CONFIRMED_FUND_BUY if buy else texts.CONFIRMED_FUND_SELL) % values


def _order_notices(rows: list[dict]) -> dict[str, list[Notice]]:
    confirmed, paid = [], []
    for o in rows:
        key, link = f"order:{o['pk']}", texts.order_link(o["pk"])
        title = str(texts.CONFIRMED_TITLE) % {"product": o["product__name"]}
        confirmed.append(Notice(o["user_id"], key, title, _confirmed_text(o), link))
        if o["side"] == Side.SELL and o["amount"]:
            what = texts.PAID_WHAT[o["kind"]]
            values = {"paid": texts.cny(o["amount"]), "product": o["product__name"]}
            paid.append(
                Notice(
                    o["user_id"],
                    key,
                    str(texts.PAID_TITLE) % values,
                    str(texts.PAID_BODY) % {**values, "what": what, "order": o["pk"]},
                    link,
                )
            )
    return {Topic.ORDER_CONFIRMED: confirmed, Topic.REDEMPTION_PAID: paid}


def confirmed_orders_notify(*, orders: QuerySet, batch_size: int = NOTICE_BATCH) -> int:
    """'Order confirmed' for every confirmed buy and sell among ``orders`` and, for a sell whose
    proceeds reached the investor's cash (fund redemption, early withdrawal, policy refund),
    'money paid'."""
    done = orders.filter(status__in=[OrderStatus.CONFIRMED, OrderStatus.SETTLED])
    return _send(done, _ORDER_FIELDS, _order_notices, batch_size)


def orders_notify(*, order_ids: list[int]) -> int:
    """The same for these orders (one confirmed outside end of day: an instant redemption)."""
    return confirmed_orders_notify(orders=Order.objects.filter(pk__in=order_ids))


# --- savings matured ------------------------------------------------------------------------------

_MATURED_FIELDS = (
    "lot_id",
    "units",
    "interest",
    "lot__matures_on",
    "lot__order_id",
    "lot__holding__user_id",
    "lot__holding__product__name",
)


def _matured_notices(rows: list[dict]) -> dict[str, list[Notice]]:
    notices = []
    for m in rows:
        values = {
            "product": m["lot__holding__product__name"],
            "principal": texts.cny(m["units"]),
            "interest": texts.cny(m["interest"]),
            "total": texts.cny(m["units"] + m["interest"]),
            "matures_on": texts.day(m["lot__matures_on"]),
        }
        notices.append(
            Notice(
                m["lot__holding__user_id"],
                f"lot:{m['lot_id']}:{m['lot__matures_on']}",
                str(texts.MATURED_TITLE) % values,
                str(texts.MATURED_BODY) % values,
                texts.order_link(m["lot__order_id"]) if m["lot__order_id"] else "",
            )
        )
    return {Topic.SAVINGS_MATURED: notices}


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def notices_for_day(*, run_date: dt.date, batch_size: int = NOTICE_BATCH) -> dict[str, int]:
    """What end of day of ``run_date`` did, told to the investors concerned: the orders it
    confirmed (and the money it paid out) and the deposits it paid at maturity (also those a
    missed run left for it)."""
    orders = confirmed_orders_notify(
        orders=Order.objects.filter(confirmed_on=run_date), batch_size=batch_size
    )
    matured = LotMovement.objects.filter(
        kind=MovementKind.MATURITY,
        created_at__gte=_start_of(run_date),
        lot__matures_on__lte=run_date,
    )
    return {
        "orders": orders,
        "matured": _send(matured, _MATURED_FIELDS, _matured_notices, batch_size),
    }


# --- date-driven reminders (beat, once a day) ---------------------------------------------------

_LOT_FIELDS = (
    "units_remaining",
    "cost_remaining",
    "acquired_on",
    "matures_on",
    "cooling_off_until",
    "annual_rate",
    "term_months",
    "cancellation_fee",
    "order_id",
    "holding__user_id",
    "holding__product__name",
)


def _maturing_notices(today: dt.date) -> Callable[[list[dict]], dict[str, list[Notice]]]:
    def build(rows: list[dict]) -> dict[str, list[Notice]]:
        notices = []
        for lot in rows:
            principal = lot["units_remaining"]
            interest = pricing.savings_maturity_interest(
                principal=principal,
                annual_rate=lot["annual_rate"] or Decimal(0),
                term_months=lot["term_months"] or 0,
            )
            values = {
                "product": lot["holding__product__name"],
                "principal": texts.cny(principal),
                "interest": texts.cny(interest),
                "total": texts.cny(principal + interest),
                "acquired_on": texts.day(lot["acquired_on"]),
                "matures_on": texts.day(lot["matures_on"]),
                "when": texts.in_days((lot["matures_on"] - today).days),
            }
            notices.append(
                Notice(
                    lot["holding__user_id"],
                    f"lot:{lot['pk']}:{lot['matures_on']}",
                    str(texts.MATURING_TITLE) % values,
                    str(texts.MATURING_BODY) % values,
                    texts.order_link(lot["order_id"]) if lot["order_id"] else "",
                )
            )
        return {Topic.SAVINGS_MATURING: notices}

    return build


def _cooling_off_notices(today: dt.date) -> Callable[[list[dict]], dict[str, list[Notice]]]:
    def build(rows: list[dict]) -> dict[str, list[Notice]]:
        notices = []
        for lot in rows:
            until = lot["cooling_off_until"]
            values = {
                "product": lot["holding__product__name"],
                "order": lot["order_id"],
                "premium": texts.cny(lot["cost_remaining"]),
                "fee": texts.cny(lot["cancellation_fee"]),
                "until": texts.day(until),
                "when": texts.in_days((until - today).days),
            }
            notices.append(
                Notice(
                    lot["holding__user_id"],
                    f"lot:{lot['pk']}:cooling-off:{until}",
                    str(texts.COOLING_OFF_TITLE) % values,
                    str(texts.COOLING_OFF_BODY) % values,
                    texts.order_link(lot["order_id"]) if lot["order_id"] else "",
                )
            )
        return {Topic.COOLING_OFF_ENDING: notices}

    return build


def _assessment_notices(today: dt.date) -> Callable[[list[dict]], dict[str, list[Notice]]]:
    def build(rows: list[dict]) -> dict[str, list[Notice]]:
        notices = []
        for p in rows:
            valid_until = p["assessment_valid_until"]
            values = {
                "level": p["risk_level"],
                "valid_until": texts.day(valid_until),
                "when": texts.in_days((valid_until - today).days),
            }
            # A level set without an assessment row (imported data) is still one expiry.
            key = (
                f"assessment:{p['assessment_id']}"
                if p["assessment_id"]
                else f"assessment:valid-until:{valid_until}"
            )
            notices.append(
                Notice(
                    p["user_id"],
                    key,
                    str(texts.ASSESSMENT_TITLE) % values,
                    str(texts.ASSESSMENT_BODY) % values,
                    texts.risk_link(),
                )
            )
        return {Topic.ASSESSMENT_EXPIRING: notices}

    return build


def notices_due(*, today: dt.date, batch_size: int = NOTICE_BATCH) -> dict[str, int]:
    """The reminders due on ``today``: deposits maturing within 7 days, policies whose
    cooling-off period ends within 3 days (today included), risk assessments expiring within
    30 days (today included). A reminder missed on its first day is sent on a later day of its
    window; each is sent once whatever the number of days it is in the window."""
    maturing = Lot.objects.filter(
        source=LotSource.PURCHASE,
        holding__kind=ProductKind.SAVINGS,
        units_remaining__gt=0,
        matures_on__gt=today,
        matures_on__lte=today + dt.timedelta(days=MATURING_DAYS),
    )
    cooling_off = Lot.objects.filter(
        source=LotSource.PURCHASE,
        holding__kind=ProductKind.INSURANCE,
        units_remaining__gt=0,
        cooling_off_until__gte=today,
        cooling_off_until__lte=today + dt.timedelta(days=COOLING_OFF_DAYS),
        # Every policy of the holding already being cancelled: nothing to remind of.
        holding__reserved__lt=F("holding__units"),
    )
    latest = RiskAssessment.objects.filter(
        user_id=OuterRef("user_id"), valid_until=OuterRef("assessment_valid_until")
    ).order_by("-taken_at", "-id")
    expiring = InvestorProfile.objects.filter(
        risk_level__isnull=False,
        anonymised_at__isnull=True,
        user__is_active=True,
        assessment_valid_until__gte=today,
        assessment_valid_until__lte=today + dt.timedelta(days=ASSESSMENT_DAYS),
    ).annotate(assessment_id=Subquery(latest.values("pk")[:1]))
    return {
        "maturing": _send(maturing, _LOT_FIELDS, _maturing_notices(today), batch_size),
        "cooling_off": _send(cooling_off, _LOT_FIELDS, _cooling_off_notices(today), batch_size),
        "assessment": _send(
            expiring,
            ("user_id", "risk_level", "assessment_valid_until", "assessment_id"),
            _assessment_notices(today),
            batch_size,
        ),
    }
