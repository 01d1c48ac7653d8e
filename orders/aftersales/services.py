"""Every write of questions and complaints: opening one (with its first message, at once),
the conversation, closing, escalating. The institution's first answer sets the first response
and the status ``answered``; an investor's reply re-opens it; each answer is told to the
investor in their inbox and by e-mail."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace import uploads
from marketplace.i18n import language_for
from marketplace.validators import plain_text
from orders.calendar import holidays_between, is_trading_day
from orders.campaigns.inbox import notice_post
from orders.campaigns.models import Topic
from orders.models import Holding, Order
from products.models import Product
from products.selectors import catalogue_queryset

from .models import (
    ATTACHMENT_TYPES,
    BODY_MAX,
    SUBJECT_MAX,
    RequestEvent,
    RequestEventKind,
    RequestKind,
    RequestMessage,
    RequestStatus,
    ServiceRequest,
    Side,
)

MAX_ATTACHMENT_MB = 5

# Error messages (tests import the codes, never the English).
EMPTY = _("Write something here.")
TOO_LONG = _("At most %(limit)d characters (this has %(length)d).")
ABOUT_MISSING = _("Say what this is about: one of your orders or holdings, or a product.")
NO_SUCH_ORDER = _("You have no such order.")
NO_SUCH_HOLDING = _("You have no such holding.")
NO_SUCH_PRODUCT = _("There is no such product.")
ABOUT_MISMATCH = _("The order, the holding and the product must all be about the same product.")
BAD_KIND = _("Choose a question or a complaint.")
IS_CLOSED = _("This request is closed; open a new one if you need to.")
ALREADY_ESCALATED = _("This request was already escalated to Fortune Market.")
NOT_ESCALATABLE = _(
    "A question can be escalated once its first-response target has passed without an answer; "
    "a complaint at any time."
)
ANSWERED_TITLE = _("%(who)s answered: %(subject)s")
WRONG_ATTACHMENT = _("Attach a PDF, PNG or JPEG file (the file does not look like one).")

ALLOWED_MOVES = {
    RequestStatus.OPEN: {RequestStatus.ANSWERED, RequestStatus.CLOSED},
    RequestStatus.ANSWERED: {RequestStatus.OPEN, RequestStatus.CLOSED},
    RequestStatus.CLOSED: set(),
}


class About(NamedTuple):
    product: Product
    order: Order | None
    holding: Holding | None


# --- helpers ---------------------------------------------------------------------------------


def first_response_days() -> int:
    """How many trading days an institution has for its first answer (at least one)."""
    return max(1, int(getattr(settings, "SERVICE_FIRST_RESPONSE_BUSINESS_DAYS", 2)))


def first_response_due(*, created_at: dt.datetime) -> dt.datetime:
    """The end (23:59:59, Asia/Shanghai) of the N-th trading day after the day a request is
    opened, N = ``SERVICE_FIRST_RESPONSE_BUSINESS_DAYS`` (2 by default): weekends and the
    staff-edited holidays do not count."""
    days = first_response_days()
    day = timezone.localdate(created_at)
    holidays = holidays_between(day, day + dt.timedelta(days=7 * days + 60))
    for _step in range(days):
        day += dt.timedelta(days=1)
        while not is_trading_day(day, holidays=holidays):
            day += dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _text(value, *, field: str, limit: int) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError({field: ValidationError(EMPTY, code="empty")})
    if len(text) > limit:
        raise ValidationError(
            {
                field: ValidationError(
                    TOO_LONG, code="too_long", params={"limit": limit, "length": len(text)}
                )
            }
        )
    try:
        plain_text(text)
    except ValidationError as exc:
        raise ValidationError({field: exc}) from None
    return text


def _checked_attachment(attachment, *, field: str = "attachment"):
    if not attachment:
        return None
    file_type = uploads.upload_check(
        file=attachment,
        types=ATTACHMENT_TYPES,
        max_mb=MAX_ATTACHMENT_MB,
        wrong_type=str(WRONG_ATTACHMENT),
        field=field,
    )
    return file_type


def about_resolve(
    *,
    investor,
    order_id: int | None = None,
    holding_id: int | None = None,
    product_slug: str | None = None,
) -> About:
    """What a new request is about: the investor's own order or holding, or a product (on
    sale, or one they have dealt in); each given must name the same product."""
    errors: dict[str, ValidationError] = {}
    order = holding = product = None
    if order_id is not None:
        order = Order.objects.select_related("product").filter(pk=order_id, user=investor).first()
        if order is None:
            errors["order"] = ValidationError(NO_SUCH_ORDER, code="not_found")
    if holding_id is not None:
        holding = (
            Holding.objects.select_related("product").filter(pk=holding_id, user=investor).first()
        )
        if holding is None:
            errors["holding"] = ValidationError(NO_SUCH_HOLDING, code="not_found")
    if product_slug:
        product = (
            Product.objects.filter(slug=product_slug)
            .filter(
                Q(pk__in=catalogue_queryset().values("pk"))
                | Q(orders__user=investor)
                | Q(holdings__user=investor)
            )
            .select_related("institution")
            .first()
        )
        if product is None:
            errors["product"] = ValidationError(NO_SUCH_PRODUCT, code="not_found")
    if errors:
        raise ValidationError(errors)
    named = [p for p in (order and order.product, holding and holding.product, product) if p]
    if not named:
        raise ValidationError({"__all__": ValidationError(ABOUT_MISSING, code="about_missing")})
    if len({p.pk for p in named}) > 1:
        raise ValidationError({"__all__": ValidationError(ABOUT_MISMATCH, code="about_mismatch")})
    return About(product=named[0], order=order, holding=holding)


def _event(request: ServiceRequest, *, kind: str, actor, from_status: str = "") -> None:
    RequestEvent.objects.create(
        request=request,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=request.status,
        created_at=timezone.now(),
    )


def _move(request: ServiceRequest, *, to: str, actor, kind: str, now: dt.datetime) -> None:
    """Move the status (the table of allowed moves decides) and record the event."""
    if to not in ALLOWED_MOVES[RequestStatus(request.status)]:
        raise ValidationError(IS_CLOSED, code="closed")
    from_status = request.status
    request.status = to
    if to == RequestStatus.CLOSED:
        request.closed_at = now
    _event(request, kind=kind, actor=actor, from_status=from_status)


def _locked(request: ServiceRequest) -> ServiceRequest:
    return (
        ServiceRequest.objects.select_related("institution")
        .select_for_update(of=("self",))
        .get(pk=request.pk)
    )


def _add_message(
    request: ServiceRequest, *, author, side: str, body: str, attachment, now: dt.datetime
) -> RequestMessage:
    message = RequestMessage(request=request, author=author, side=side, body=body, created_at=now)
    file_type = _checked_attachment(attachment)
    if file_type is not None:
        message.attachment_type = file_type.content_type
        message.attachment_name = (
            uploads.original_name(attachment) or f"attachment.{file_type.extension}"
        )
        message.attachment_size = attachment.size
        message.attachment.save("upload", attachment, save=False)
    message.save()
    return message


def _tell_investor(request: ServiceRequest, message: RequestMessage) -> None:
    # Written in the investor's language, whoever answered (the answer itself stays as written).
    with translation.override(language_for(request.investor)):
        who = (
            request.institution.name
            if message.side == Side.INSTITUTION
            else gettext("Fortune Market")
        )
        title = str(ANSWERED_TITLE % {"who": who, "subject": request.subject})
    notice_post(
        user_id=request.investor_id,
        topic=Topic.REQUEST_ANSWERED,
        subject_key=f"request-message:{message.id}",
        title=title,
        body=message.body[:1000],
        link=reverse("aftersales:detail", args=[request.pk]),
    )


# --- use cases -------------------------------------------------------------------------------


@transaction.atomic
def request_open(
    *,
    investor,
    kind: str,
    subject: str,
    body: str,
    order_id: int | None = None,
    holding_id: int | None = None,
    product_slug: str | None = None,
    attachment=None,
) -> ServiceRequest:
    """Open a question or complaint with its first message (both or neither)."""
    errors: dict[str, list] = {}
    if kind not in RequestKind.values:
        errors["kind"] = [ValidationError(BAD_KIND, code="invalid_choice")]
    for field, value, limit in (("subject", subject, SUBJECT_MAX), ("body", body, BODY_MAX)):
        try:
            _text(value, field=field, limit=limit)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    try:
        about = about_resolve(
            investor=investor, order_id=order_id, holding_id=holding_id, product_slug=product_slug
        )
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if attachment:
        try:
            _checked_attachment(attachment)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    request = ServiceRequest.objects.create(
        investor=investor,
        institution_id=about.product.institution_id,
        kind=kind,
        subject=subject.strip(),
        product=about.product,
        order=about.order,
        holding=about.holding,
        created_at=now,
        last_activity_at=now,
        first_response_due=first_response_due(created_at=now),
    )
    _event(request, kind=RequestEventKind.OPENED, actor=investor)
    _add_message(
        request,
        author=investor,
        side=Side.INVESTOR,
        body=body.strip(),
        attachment=attachment,
        now=now,
    )
    return request


@transaction.atomic
def request_reply_by_investor(
    *, request: ServiceRequest, investor, body: str, attachment=None
) -> RequestMessage:
    """The investor writes again; an answered request is open again (waiting for the
    institution)."""
    text = _text(body, field="body", limit=BODY_MAX)
    request = _locked(request)
    if request.investor_id != investor.pk:
        raise ServiceRequest.DoesNotExist
    if request.is_closed:
        raise ValidationError(IS_CLOSED, code="closed")
    now = timezone.now()
    message = _add_message(
        request, author=investor, side=Side.INVESTOR, body=text, attachment=attachment, now=now
    )
    if request.status == RequestStatus.ANSWERED:
        _move(
            request, to=RequestStatus.OPEN, actor=investor, kind=RequestEventKind.REOPENED, now=now
        )
    request.last_activity_at = now
    request.save(update_fields=["status", "last_activity_at"])
    return message


@transaction.atomic
def request_answer(
    *, request: ServiceRequest, member, body: str, attachment=None, staff: bool = False
) -> RequestMessage:
    """The institution (a member with the write role: the view checks it) answers; the first
    answer sets the first response. Staff may add an answer too (``staff=True``): it is told
    to the investor but is not the institution's response. The investor is told of each."""
    text = _text(body, field="body", limit=BODY_MAX)
    request = _locked(request)
    if request.is_closed:
        raise ValidationError(IS_CLOSED, code="closed")
    now = timezone.now()
    side = Side.STAFF if staff else Side.INSTITUTION
    message = _add_message(
        request, author=member, side=side, body=text, attachment=attachment, now=now
    )
    fields = ["last_activity_at"]
    if not staff:
        if request.first_response_at is None:
            request.first_response_at = now
            fields.append("first_response_at")
        if request.status == RequestStatus.OPEN:
            _move(
                request,
                to=RequestStatus.ANSWERED,
                actor=member,
                kind=RequestEventKind.ANSWERED,
                now=now,
            )
            fields.append("status")
    request.last_activity_at = now
    request.save(update_fields=fields)
    _tell_investor(request, message)
    return message


@transaction.atomic
def request_close(*, request: ServiceRequest, actor) -> ServiceRequest:
    """Close (the investor, or a member of the institution: the caller scoped the request)."""
    request = _locked(request)
    now = timezone.now()
    _move(request, to=RequestStatus.CLOSED, actor=actor, kind=RequestEventKind.CLOSED, now=now)
    request.last_activity_at = now
    request.save(update_fields=["status", "closed_at", "last_activity_at"])
    return request


def may_escalate(request: ServiceRequest, *, now: dt.datetime | None = None) -> bool:
    """A complaint at any time, a question once its target passed without an answer; never a
    closed one, and once."""
    if request.is_closed or request.escalated_at is not None:
        return False
    return request.kind == RequestKind.COMPLAINT or request.missed_target(now)


@transaction.atomic
def request_escalate(*, request: ServiceRequest, investor) -> ServiceRequest:
    """The investor asks Fortune Market's staff to look at it."""
    request = _locked(request)
    if request.investor_id != investor.pk:
        raise ServiceRequest.DoesNotExist
    now = timezone.now()
    if request.is_closed:
        raise ValidationError(IS_CLOSED, code="closed")
    if request.escalated_at is not None:
        raise ValidationError(ALREADY_ESCALATED, code="already_escalated")
    if not may_escalate(request, now=now):
        raise ValidationError(NOT_ESCALATABLE, code="not_escalatable")
    request.escalated_at = request.last_activity_at = now
    request.save(update_fields=["escalated_at", "last_activity_at"])
    _event(request, kind=RequestEventKind.ESCALATED, actor=investor, from_status=request.status)
    return request
