"""An investor's verified identity. The document number is encrypted at rest (Fernet, keys from
the environment, rotatable) and kept unique per platform through a keyed hash of it, so one
person holds one investor account; pages, logs, exports and the API show its last four only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_fields.fields import EncryptedCharField


class DocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Mainland resident identity card")
    PASSPORT = "passport", _("Passport")
    HK_MACAU_PERMIT = "hk_macau_permit", _("Hong Kong / Macau residents' permit")
    TAIWAN_PERMIT = "taiwan_permit", _("Taiwan residents' permit")


class IdentityStatus(models.TextChoices):
    PENDING = "pending", _("Being checked")
    REVIEW = "review", _("Waiting for a manual review")
    VERIFIED = "verified", _("Verified")
    # "failed" is the API's name (DESIGN §7): the provider said no, or staff rejected it.
    REJECTED = "failed", _("Not verified")


# The moves an identity's status may make (one function makes them: services._move).
TRANSITIONS = {
    IdentityStatus.PENDING: {
        IdentityStatus.VERIFIED,
        IdentityStatus.REVIEW,
        IdentityStatus.REJECTED,
    },
    IdentityStatus.REVIEW: {IdentityStatus.VERIFIED, IdentityStatus.REJECTED},
    IdentityStatus.REJECTED: {IdentityStatus.PENDING},
    IdentityStatus.VERIFIED: set(),
}

# An identity in one of these states holds its document: nobody else may submit the same one.
HOLDS_DOCUMENT = (IdentityStatus.PENDING, IdentityStatus.REVIEW, IdentityStatus.VERIFIED)


class Identity(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="identity"
    )
    legal_name = models.CharField(max_length=100)
    document_type = models.CharField(max_length=20, choices=DocumentType.choices)
    # Erased (NULL) once an identity is rejected: a refused record keeps only the last four.
    document_number = EncryptedCharField(max_length=40, null=True, blank=True)
    # HMAC-SHA256 of the normalised number under IDENTITY_HASH_KEY (hex): the uniqueness key.
    document_hash = models.CharField(max_length=64)
    document_last4 = models.CharField(max_length=4)
    date_of_birth = models.DateField()
    nationality = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code.")
    status = models.CharField(
        max_length=10, choices=IdentityStatus.choices, default=IdentityStatus.PENDING
    )
    provider = models.CharField(max_length=30, blank=True)
    provider_reference = models.CharField(max_length=64, blank=True)
    failure_reason = models.CharField(max_length=300, blank=True)
    submitted_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="identities_reviewed",
    )

    class Meta:
        verbose_name_plural = "identities"
        constraints = [
            models.UniqueConstraint(
                fields=["document_hash"],
                condition=Q(status__in=HOLDS_DOCUMENT),
                name="identity_one_person_one_account",
            ),
            models.CheckConstraint(
                condition=Q(status__in=IdentityStatus.values), name="identity_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=IdentityStatus.VERIFIED) | Q(verified_at__isnull=False),
                name="identity_verified_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.get_document_type_display()} …{self.document_last4}"

    @property
    def is_verified(self) -> bool:
        return self.status == IdentityStatus.VERIFIED


class IdentityEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified by the provider")
    SENT_TO_REVIEW = "sent_to_review", _("Sent to a manual review")
    FAILED = "failed", _("Not verified by the provider")
    APPROVED = "approved", _("Approved by staff")
    REJECTED = "rejected", _("Rejected by staff")
    LEVEL_CAPPED = "level_capped", _("Risk level capped at C3 (65 or over)")


class IdentityEvent(models.Model):
    """The audit trail of an identity: every submission, outcome and review, with who and when
    (``actor`` empty: the provider or the platform). Never the document number."""

    identity = models.ForeignKey(Identity, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=IdentityEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="identity_events",
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=IdentityEventKind.values), name="identity_event_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.identity_id}: {self.kind} at {self.created_at:%Y-%m-%d %H:%M}"
