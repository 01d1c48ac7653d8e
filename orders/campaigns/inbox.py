"""Delivering messages: into the investor's inbox (each once), and by e-mail in batches.

Whatever sends a notice or an offer builds :class:`MessageRow` rows and calls
:func:`messages_post`; the unique (investor, topic, subject) constraint drops what was already
delivered, so a rerun sends nothing twice. E-mail follows after commit: Celery workers take
pending messages in batches (``SKIP LOCKED``, so any number of them share the queue) and send
each batch over one connection. An offer is e-mailed only if the investor still consents when
its batch is sent, with a signed one-click unsubscribe link (RFC 8058)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.bulk import bulk_insert
from marketplace.i18n import language_for
from marketplace.tasks import enqueue
from profiles.models import InvestorProfile

from .models import EmailState, InboxMessage, MessageKind

EMAIL_TASK = "orders.campaigns.tasks.inbox_email_send"
EMAIL_QUEUE = "offers"
EMAIL_BATCH = 200
UNSUBSCRIBE_SALT = "orders.campaigns.unsubscribe"


class MessageRow(NamedTuple):
    """One message to deliver (the columns of :class:`InboxMessage` it sets)."""

    user_id: int
    kind: str
    topic: str
    subject_key: str
    title: str
    body: str
    link: str
    email_state: str
    created_at: object


def message_row(
    *,
    user_id: int,
    topic: str,
    subject_key: str,
    title: str,
    body: str,
    link: str = "",
    email: bool = True,
    kind: str = MessageKind.NOTICE,
    now=None,
) -> MessageRow:
    return MessageRow(
        user_id=user_id,
        kind=kind,
        topic=topic,
        subject_key=subject_key,
        title=title[:200],
        body=body,
        link=link[:300],
        email_state=EmailState.PENDING if email else EmailState.NONE,
        created_at=now or timezone.now(),
    )


def messages_post(*, rows: Iterable[MessageRow]) -> None:
    """Put ``rows`` in their investors' inboxes (those already there are skipped) and have the
    e-mails sent once the caller's transaction commits."""
    rows = list(rows)
    if not rows:
        return
    bulk_insert(InboxMessage, rows, ignore_conflicts=True)
    if any(row.email_state == EmailState.PENDING for row in rows):
        inbox_email_enqueue()


def languages_of(user_ids: Iterable[int]) -> dict[int, str]:
    """Each investor's language (their choice, else the site's): one query for a batch."""
    from django.contrib.auth import get_user_model

    rows = get_user_model().objects.filter(pk__in=set(user_ids)).values_list("pk", "language")
    return {pk: language or settings.LANGUAGE_CODE for pk, language in rows}


def in_recipients_language(rows: list, user_of) -> Iterator[list]:
    """``rows`` split by their recipient's language (``user_of(row)`` is the investor's id),
    each group yielded with that language active: whatever the caller builds from a group
    (titles, bodies, amounts) is written in its recipients' language (marketplace.i18n)."""
    languages = languages_of(user_of(row) for row in rows)
    groups: dict[str, list] = {}
    for row in rows:
        language = languages.get(user_of(row), settings.LANGUAGE_CODE)
        groups.setdefault(language, []).append(row)
    for language, group in groups.items():
        with translation.override(language):
            yield group


def notice_post(**fields) -> None:
    """One notice (the keyword arguments of :func:`message_row`)."""
    messages_post(rows=[message_row(**fields)])


def inbox_email_enqueue(*, workers: int = 1) -> None:
    """Ask ``workers`` Celery workers to drain the e-mail queue (each takes its own batches)."""
    for _ in range(workers):
        enqueue(EMAIL_TASK, queue=EMAIL_QUEUE)


@transaction.atomic
def message_mark_read(*, user, message_id: int) -> InboxMessage:
    """Mark one of ``user``'s messages read (the first reading counts: it is an offer's
    'opened'). Another investor's message does not exist for them."""
    message = InboxMessage.objects.select_for_update().get(pk=message_id, user=user)
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


def messages_mark_all_read(*, user) -> int:
    return InboxMessage.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- e-mail ----------------------------------------------------------------------------------


def unsubscribe_token(user_id: int) -> str:
    return signing.dumps(user_id, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_user_id(token: str) -> int | None:
    """The investor a token was made for, or None if it was not made by this site."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def unsubscribe_url(user_id: int) -> str:
    return settings.SITE_URL + reverse("campaigns:unsubscribe", args=[unsubscribe_token(user_id)])


def _email_for(message: InboxMessage) -> EmailMessage:
    context = {
        "message": message,
        "site_name": settings.SITE_NAME,
        "link": settings.SITE_URL + message.link if message.link else "",
        "inbox_url": settings.SITE_URL + reverse("campaigns:inbox"),
    }
    headers = {}
    if message.kind == MessageKind.OFFER:
        context["unsubscribe_url"] = url = unsubscribe_url(message.user_id)
        headers = {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    with translation.override(language_for(message.user)):  # the recipient's language
        body = render_to_string("orders/email/inbox_message.txt", context)
    return EmailMessage(
        subject=f"[{settings.SITE_NAME}] {message.title}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.user.email],
        headers=headers,
    )


def inbox_email_batch(*, limit: int = EMAIL_BATCH) -> int:
    """Send one batch of pending e-mails over one connection; returns how many messages it
    settled (0: nothing left). Rows are locked for the batch and marked in the same
    transaction, so two workers never take the same message; a worker killed mid-batch
    rolls back and the batch is taken again (at-least-once, like the broker's delivery)."""
    with transaction.atomic():
        batch = list(
            InboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(email_state=EmailState.PENDING)
            .order_by("pk")[:limit]
        )
        if not batch:
            return 0
        offer_users = {m.user_id for m in batch if m.kind == MessageKind.OFFER}
        consenting = set(
            InvestorProfile.objects.filter(
                user_id__in=offer_users, marketing_offers=True, anonymised_at__isnull=True
            ).values_list("user_id", flat=True)
        )
        to_send, skipped = [], []
        for message in batch:
            wanted = message.kind != MessageKind.OFFER or message.user_id in consenting
            (to_send if wanted and message.user.email else skipped).append(message)
        if to_send:
            get_connection().send_messages([_email_for(m) for m in to_send])
        now = timezone.now()
        InboxMessage.objects.filter(pk__in=[m.pk for m in to_send]).update(
            email_state=EmailState.SENT, emailed_at=now
        )
        InboxMessage.objects.filter(pk__in=[m.pk for m in skipped]).update(
            email_state=EmailState.SKIPPED
        )
    return len(batch)


def inbox_email_drain(*, max_batches: int = 50, limit: int = EMAIL_BATCH) -> int:
    """Send batches until none is left (or ``max_batches``: then the beat sweep goes on)."""
    sent = 0
    for _ in range(max_batches):
        done = inbox_email_batch(limit=limit)
        if not done:
            break
        sent += done
    return sent
