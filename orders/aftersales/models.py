"""Questions and complaints (service requests) and their conversations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace import uploads
from marketplace.validators import plain_text

SUBJECT_MAX = 200
BODY_MAX = 4000
ID_MAX = 2**63 - 1  # the largest primary key; bigger ids are refused as input


class RequestKind(models.TextChoices):
    QUESTION = "question", _("Question")
    COMPLAINT = "complaint", _("Complaint")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")  # waiting for the institution
    ANSWERED = "answered", _("Answered")  # the institution spoke last
    CLOSED = "closed", _("Closed")


class Side(models.TextChoices):
    INVESTOR = "investor", _("Investor")
    INSTITUTION = "institution", _("Institution")
    STAFF = "staff", _("Fortune Market staff")


class ServiceRequest(models.Model):
    """An investor's question or complaint to one institution about one of its products (and,
    where it started there, one of the investor's orders or holdings of it). The institution
    is the product's; ``first_response_due`` is set at creation from the trading calendar."""

    investor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_requests"
    )
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="service_requests"
    )
    kind = models.CharField(max_length=10, choices=RequestKind.choices)
    subject = models.CharField(max_length=SUBJECT_MAX, validators=[plain_text])
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    holding = models.ForeignKey(
        "orders.Holding", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    first_response_due = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_activity_at", "-id"]
        indexes = [
            models.Index(fields=["investor", "-last_activity_at"], name="request_investor_idx"),
            models.Index(fields=["institution", "status"], name="request_institution_idx"),
            # What staff watch: still unanswered (late once due), or escalated.
            models.Index(
                fields=["first_response_due"],
                condition=Q(first_response_at__isnull=True) & ~Q(status="closed"),
                name="request_unanswered_idx",
            ),
            models.Index(
                fields=["escalated_at"],
                condition=Q(escalated_at__isnull=False),
                name="request_escalated_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=RequestKind.values), name="request_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="request_status_valid"
            ),
            models.CheckConstraint(condition=~Q(subject=""), name="request_subject_not_empty"),
            models.CheckConstraint(
                condition=(Q(status="closed") & Q(closed_at__isnull=False))
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="request_closed_iff_closed_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | Q(first_response_at__isnull=False),
                name="request_answered_has_response",
            ),
            models.CheckConstraint(
                condition=Q(first_response_due__gt=F("created_at")),
                name="request_due_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(first_response_at__isnull=True)
                | Q(first_response_at__gte=F("created_at")),
                name="request_response_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}: {self.subject}"

    def is_late(self, now=None) -> bool:
        """Still waiting for a first response past its due time (``selectors.late_q``)."""
        return (
            self.first_response_at is None
            and self.status != RequestStatus.CLOSED
            and (now or timezone.now()) > self.first_response_due
        )

    def missed_target(self, now=None) -> bool:
        """The first response came after the due time, or has not come and the time passed."""
        if self.first_response_at is not None:
            return self.first_response_at > self.first_response_due
        return (now or timezone.now()) > self.first_response_due

    @property
    def is_closed(self) -> bool:
        return self.status == RequestStatus.CLOSED


ATTACHMENT_TYPES = (uploads.PDF, uploads.PNG, uploads.JPEG)


def attachment_upload_to(instance: RequestMessage, filename: str) -> str:
    """A random name with the extension of the type found in the content (the uploader's
    name is kept as data in ``attachment_name``)."""
    file_type = next(t for t in ATTACHMENT_TYPES if t.content_type == instance.attachment_type)
    return uploads.random_name(folder="aftersales", file_type=file_type)


class RequestMessage(models.Model):
    """One message of a request's conversation, with at most one attachment (stored privately
    under a random name; served only to the request's parties by views that check access)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=12, choices=Side.choices)
    body = models.TextField(max_length=BODY_MAX, validators=[plain_text])
    attachment = models.FileField(upload_to=attachment_upload_to, max_length=200, blank=True)
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_size = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="request_message_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(side__in=Side.values), name="request_side_valid"),
            models.CheckConstraint(condition=~Q(body=""), name="request_body_not_empty"),
            models.CheckConstraint(
                condition=(Q(attachment="") & Q(attachment_size__isnull=True))
                | (~Q(attachment="") & Q(attachment_size__gt=0) & ~Q(attachment_type="")),
                name="request_attachment_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side} on #{self.request_id}"

    @property
    def has_attachment(self) -> bool:
        return bool(self.attachment)


class RequestEventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    ANSWERED = "answered", _("Answered")
    REOPENED = "reopened", _("Re-opened by the investor's reply")
    ESCALATED = "escalated", _("Escalated to Fortune Market")
    CLOSED = "closed", _("Closed")


class RequestEvent(models.Model):
    """Every move of a request's status (and its escalation): who, when, from and to."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=RequestEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=RequestEventKind.values), name="request_event_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.request_id} {self.kind}"
