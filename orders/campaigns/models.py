"""The investor's inbox: every notice and offer, each once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from marketplace.validators import plain_text


class MessageKind(models.TextChoices):
    NOTICE = "notice", _("Notice")  # service: sent to everyone concerned, no consent needed
    OFFER = "offer", _("Offer")  # marketing: only with the marketing_offers consent


class Topic(models.TextChoices):
    ORDER_CONFIRMED = "order_confirmed", _("Order confirmed")
    REDEMPTION_PAID = "redemption_paid", _("Redemption paid")
    SAVINGS_MATURING = "savings_maturing", _("Deposit maturing soon")
    SAVINGS_MATURED = "savings_matured", _("Deposit matured")
    COOLING_OFF_ENDING = "cooling_off_ending", _("Cooling-off period ending")
    ASSESSMENT_EXPIRING = "assessment_expiring", _("Risk assessment expiring")
    RISK_RAISED = "risk_raised", _("Product risk level raised")
    ORDER_CHANGED = "order_changed", _("Order changed")
    REQUEST_ANSWERED = "request_answered", _("Your question was answered")
    PLAN_SKIPPED = "plan_skipped", _("Plan purchase skipped")
    PLAN_PAUSED = "plan_paused", _("Plan paused")
    PLAN_FINISHED = "plan_finished", _("Plan finished")
    DISTRIBUTION_PAID = "distribution_paid", _("Distribution paid")
    WATCH_ALERT = "watch_alert", _("Watchlist alert")
    OFFER = "offer", _("Offer")


class EmailState(models.TextChoices):
    NONE = "none", _("No e-mail")  # inbox only (the investor turned this e-mail off)
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent")  # an offer whose consent was revoked before sending


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
    # The campaign an offer came from (results, and the per-institution share of the cap).
    campaign = models.ForeignKey(
        "Campaign", on_delete=models.PROTECT, null=True, blank=True, related_name="offers"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="inbox_user_idx"),
            # The frequency cap counts an investor's offers of the last 7 days.
            models.Index(
                fields=["user", "created_at"], condition=Q(kind="offer"), name="inbox_offer_cap_idx"
            ),
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


# --- campaigns ---------------------------------------------------------------------------------


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LAUNCHED = "launched", _("Launched")  # after-purchase: live; scheduled: waiting for its time
    SENDING = "sending", _("Sending")  # scheduled: its id ranges are being delivered
    SENT = "sent", _("Sent")
    PAUSED = "paused", _("Paused")
    CANCELLED = "cancelled", _("Cancelled")


# The only legal moves (services.campaign_transition refuses anything else).
CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.LAUNCHED, CampaignStatus.CANCELLED}),
    CampaignStatus.LAUNCHED: frozenset(
        {CampaignStatus.SENDING, CampaignStatus.PAUSED, CampaignStatus.CANCELLED}
    ),
    CampaignStatus.SENDING: frozenset(
        {CampaignStatus.SENT, CampaignStatus.PAUSED, CampaignStatus.CANCELLED}
    ),
    CampaignStatus.PAUSED: frozenset({CampaignStatus.LAUNCHED, CampaignStatus.CANCELLED}),
    CampaignStatus.SENT: frozenset(),
    CampaignStatus.CANCELLED: frozenset(),
}


class Trigger(models.TextChoices):
    AFTER_PURCHASE = "after_purchase", _("After a confirmed purchase")
    SCHEDULED = "scheduled", _("Once, at a date and time")


class Campaign(models.Model):
    """An institution's offer to a segment of consenting investors, sent once at a time or
    to each buyer of a product some time after the purchase is confirmed. The segment's lists
    are empty when they do not narrow it (no risk levels chosen: every risk level)."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="campaigns"
    )
    title = models.CharField(max_length=120, validators=[plain_text])
    body = models.TextField(max_length=2000, validators=[plain_text])
    status = models.CharField(
        max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    trigger = models.CharField(max_length=14, choices=Trigger.choices)
    # after_purchase: the product whose confirmed purchase starts the clock, and the delay.
    product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delay_hours = models.PositiveIntegerField(default=0)
    # scheduled: when it is sent.
    send_at = models.DateTimeField(null=True, blank=True)
    # The segment.
    risk_levels = models.JSONField(default=list, blank=True)
    age_cohorts = models.JSONField(default=list, blank=True)
    cities = models.JSONField(default=list, blank=True)
    holders_of = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    purchased_min_days = models.PositiveSmallIntegerField(null=True, blank=True)
    purchased_max_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # A coupon or card of the institution that every recipient finds in their wallet.
    coupon = models.ForeignKey(
        "orders.Coupon", on_delete=models.PROTECT, null=True, blank=True, related_name="campaigns"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    launched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "trigger"], name="campaign_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CampaignStatus.values), name="campaign_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(trigger__in=Trigger.values), name="campaign_trigger_valid"
            ),
            models.CheckConstraint(
                condition=Q(purchased_min_days__isnull=True)
                | Q(purchased_max_days__isnull=True)
                | Q(purchased_min_days__lte=models.F("purchased_max_days")),
                name="campaign_purchase_days_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"

    @property
    def subject_key(self) -> str:
        return f"campaign:{self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == CampaignStatus.DRAFT


class CampaignEvent(models.Model):
    """Every move of a campaign's status: who (None: the platform's workers), when, why."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(max_length=10)
    to_status = models.CharField(max_length=10)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.from_status} → {self.to_status}"

    @staticmethod
    def _label(status: str) -> str:
        return CampaignStatus(status).label if status in CampaignStatus.values else status

    @property
    def from_label(self) -> str:
        """The status left, in the reader's language (the column keeps the code)."""
        return self._label(self.from_status)

    @property
    def to_label(self) -> str:
        return self._label(self.to_status)

    @property
    def reason_text(self) -> str:
        """The stored (English) reason, translated when it is one of the fixed texts."""
        return gettext(self.reason) if self.reason else ""


class CampaignRange(models.Model):
    """One id range of a scheduled campaign's investors (``bucket``: user ids from
    ``bucket × size`` up to the next), delivered by one Celery task; the campaign is sent when
    every range is done. A range whose worker died is enqueued again by beat."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ranges")
    bucket = models.PositiveIntegerField()
    enqueued_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    delivered = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["campaign", "bucket"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "bucket"], name="campaign_range_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}#{self.bucket}"


# --- after-sales notices (orders/campaigns/notice_models.py) -----------------------------------

from .notice_models import NotificationPreferences  # noqa: E402, F401
