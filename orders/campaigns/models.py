"""The investor's inbox: every notice and offer, each once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class MessageKind(models.TextChoices):
    NOTICE = "notice", "Notice"  # service: sent to everyone concerned, no consent needed
    OFFER = "offer", "Offer"  # marketing: only with the marketing_offers consent


class Topic(models.TextChoices):
    ORDER_CONFIRMED = "order_confirmed", "Order confirmed"
    REDEMPTION_PAID = "redemption_paid", "Redemption paid"
    SAVINGS_MATURING = "savings_maturing", "Deposit maturing soon"
    SAVINGS_MATURED = "savings_matured", "Deposit matured"
    COOLING_OFF_ENDING = "cooling_off_ending", "Cooling-off period ending"
    ASSESSMENT_EXPIRING = "assessment_expiring", "Risk assessment expiring"
    RISK_RAISED = "risk_raised", "Product risk level raised"
    ORDER_CHANGED = "order_changed", "Order changed"
    REQUEST_ANSWERED = "request_answered", "Your question was answered"
    OFFER = "offer", "Offer"


class EmailState(models.TextChoices):
    NONE = "none", "No e-mail"  # inbox only (the investor turned this e-mail off)
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent"  # an offer whose consent was revoked before sending


class InboxMessage(models.Model):
    """One message in an investor's inbox. ``subject_key`` names what it is about (``order:12``,
    ``campaign:3``, ``holding:7:2026-12-01``); with the topic it makes the message unique, so a
    rerun of whatever sends it finds it there and sends nothing twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_messages"
    )
    kind = models.CharField(max_length=6, choices=MessageKind.choices)
    topic = models.CharField(max_length=24, choices=Topic.choices)
    subject_key = models.CharField(max_length=80)
    title = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=300, blank=True, help_text="A site path, e.g. /me/orders/3/")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=8, choices=EmailState.choices, default=EmailState.PENDING
    )
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="inbox_user_idx"),
            # The e-mail sender's queue: a small partial index over what is still to send.
            models.Index(
                fields=["id"], condition=Q(email_state="pending"), name="inbox_email_pending_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic", "subject_key"], name="inbox_once_per_subject"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=MessageKind.values), name="inbox_kind_valid"
            ),
            models.CheckConstraint(condition=Q(topic__in=Topic.values), name="inbox_topic_valid"),
            models.CheckConstraint(
                condition=Q(email_state__in=EmailState.values), name="inbox_email_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="offer", topic="offer") | (~Q(kind="offer") & ~Q(topic="offer")),
                name="inbox_offer_topic_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.topic} {self.subject_key}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


# --- after-sales notices (orders/campaigns/notice_models.py) -----------------------------------

from .notice_models import NotificationPreferences  # noqa: E402, F401
