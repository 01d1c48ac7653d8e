"""Reads of the inbox."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import InboxMessage, MessageKind


def inbox_for(*, user, kind: str | None = None, unread: bool = False) -> QuerySet[InboxMessage]:
    messages = InboxMessage.objects.filter(user=user)
    if kind in MessageKind.values:
        messages = messages.filter(kind=kind)
    if unread:
        messages = messages.filter(read_at__isnull=True)
    return messages.order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    return InboxMessage.objects.filter(user=user, read_at__isnull=True).count()
