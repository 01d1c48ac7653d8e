"""The listing's paper trail: the documents its kind requires, the audit events of every review and
change, and the revisions of a published product awaiting staff review."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from institutions.models import ProductKind
from marketplace.validators import plain_text

from .product import Product


class DocumentKind(models.TextChoices):
    PROSPECTUS = "prospectus", _("Prospectus")
    POLICY_WORDING = "policy_wording", _("Policy terms")
    FACT_SHEET = "fact_sheet", _("Key facts")
    TERMS = "terms", _("Terms and conditions")
    OTHER = "other", _("Other")


# The documents a product of each kind must carry before staff can publish it.
REQUIRED_DOCUMENTS: dict[str, tuple[str, ...]] = {
    ProductKind.FUND: (DocumentKind.PROSPECTUS, DocumentKind.FACT_SHEET),
    ProductKind.INSURANCE: (DocumentKind.POLICY_WORDING,),
    ProductKind.SAVINGS: (DocumentKind.TERMS,),
}


def document_upload_to(instance: ProductDocument, filename: str) -> str:
    """A random name: the uploader's file name is data (``original_name``), never a path."""
    return f"documents/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.pdf"


class ProductDocument(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    title = models.CharField(max_length=200, validators=[plain_text])
    file = models.FileField(upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class ProductEventKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("product event", "Created")
    CHANGED = "changed", pgettext_lazy("product event", "Changed")
    SUBMITTED = "submitted", pgettext_lazy("product event", "Submitted for review")
    APPROVED = "approved", pgettext_lazy("product event", "Approved and published")
    REJECTED = "rejected", pgettext_lazy("product event", "Rejected")
    CHANGE_SUBMITTED = (
        "change_submitted",
        pgettext_lazy("product event", "Change submitted for review"),
    )
    CHANGE_APPROVED = "change_approved", pgettext_lazy("product event", "Change approved")
    CHANGE_REJECTED = "change_rejected", pgettext_lazy("product event", "Change rejected")
    CLOSED = "closed", pgettext_lazy("product event", "Closed")
    NAV_UPLOADED = "nav_uploaded", pgettext_lazy("product event", "NAV uploaded")
    YIELD_UPLOADED = "yield_uploaded", pgettext_lazy("product event", "Daily yield uploaded")
    DOCUMENT_ADDED = "document_added", pgettext_lazy("product event", "Document added")


class ProductEvent(models.Model):
    """Audit row: who did what to a product, when, and what changed (``{field: [old, new]}``)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=ProductEventKind.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    reason = models.TextField(max_length=2000, blank=True, validators=[plain_text])
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.product_id} {self.kind} at {self.created_at:%Y-%m-%d %H:%M}"


class RevisionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("revision status", "Pending review")
    APPROVED = "approved", pgettext_lazy("revision status", "Approved")
    REJECTED = "rejected", pgettext_lazy("revision status", "Rejected")


class ProductRevision(models.Model):
    """A change to a published product's fees, risk level or terms, waiting for staff review.

    ``proposed`` holds the new values (``{"product": {...}, "terms": {...}, "fee_tiers": [...]}``);
    the live product keeps its current terms until staff approve.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="revisions")
    proposed = models.JSONField()
    changes = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(max_length=2000, blank=True, validators=[plain_text])

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(status="pending"),
                name="revision_one_pending_per_product",
            ),
        ]

    def __str__(self) -> str:
        return f"Revision of {self.product_id} ({self.status})"
