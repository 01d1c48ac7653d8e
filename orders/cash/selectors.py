"""Reads of an investor's bank cards."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import BankCard, CardStatus


def cards_for(*, user) -> QuerySet[BankCard]:
    """The user's bound cards, the default first, then the most recently bound."""
    if not getattr(user, "is_authenticated", False):
        return BankCard.objects.none()
    return BankCard.objects.filter(user=user, status=CardStatus.BOUND).order_by(
        "-is_default", "-bound_at", "-id"
    )


def card_for(*, user, pk) -> BankCard | None:
    """One of the user's bound cards by id; None for another's, an unbound one or no such id."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return cards_for(user=user).filter(pk=pk).first()


def default_card(*, user) -> BankCard | None:
    return cards_for(user=user).filter(is_default=True).first()
