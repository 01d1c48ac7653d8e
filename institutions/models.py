"""Tenants: institutions, their members and invitations, review history, commission contracts."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.money import RateField
from marketplace.validators import plain_text


class InstitutionType(models.TextChoices):
    FUND_COMPANY = "fund_company", _("Fund company")
    BANK = "bank", _("Bank")
    INSURER = "insurer", _("Insurer")
    SECURITIES_FIRM = "securities_firm", _("Securities firm")
    FINANCIAL_GROUP = "financial_group", _("Financial group")
    PLATFORM = "platform", _("Platform (Fortune Market)")


class ProductKind(models.TextChoices):
    """What can be listed. Defined here because what an institution may list depends on it."""

    FUND = "fund", _("Funds")
    INSURANCE = "insurance", _("Insurance")
    SAVINGS = "savings", _("Savings")


# DESIGN §4: which product kinds each type may list by default; staff may widen it.
KINDS_BY_TYPE: dict[str, frozenset[str]] = {
    InstitutionType.FUND_COMPANY: frozenset({ProductKind.FUND}),
    InstitutionType.BANK: frozenset({ProductKind.SAVINGS, ProductKind.FUND}),
    InstitutionType.INSURER: frozenset({ProductKind.INSURANCE}),
    InstitutionType.SECURITIES_FIRM: frozenset({ProductKind.FUND}),
    InstitutionType.FINANCIAL_GROUP: frozenset(ProductKind.values),
    InstitutionType.PLATFORM: frozenset(ProductKind.values),
}


class InstitutionStatus(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("institution status", "Applied")
    APPROVED = "approved", pgettext_lazy("institution status", "Approved")
    REJECTED = "rejected", pgettext_lazy("institution status", "Rejected")
    SUSPENDED = "suspended", pgettext_lazy("institution status", "Suspended")


# The only legal moves; everything else is refused by services.institution_transition.
INSTITUTION_TRANSITIONS: dict[str, frozenset[str]] = {
    InstitutionStatus.APPLIED: frozenset({InstitutionStatus.APPROVED, InstitutionStatus.REJECTED}),
    InstitutionStatus.APPROVED: frozenset({InstitutionStatus.SUSPENDED}),
    InstitutionStatus.SUSPENDED: frozenset({InstitutionStatus.APPROVED}),
    InstitutionStatus.REJECTED: frozenset(),
}


LICENCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9/-]{3,63}$"


def logo_upload_to(instance: Institution, filename: str) -> str:
    """institutions.branding names the file (``logos/YYYY/MM/<random>.<ext>``); kept as is."""
    return filename


class Institution(models.Model):
    name = models.CharField(_("legal name"), max_length=200, validators=[plain_text])
    slug = models.SlugField(max_length=80, unique=True)
    type = models.CharField(max_length=20, choices=InstitutionType.choices)
    status = models.CharField(
        max_length=12, choices=InstitutionStatus.choices, default=InstitutionStatus.APPLIED
    )
    licence_number = models.CharField(
        max_length=64,
        unique=True,
        validators=[
            RegexValidator(
                LICENCE_PATTERN,
                _("Use letters, digits, '-' and '/' only (4 to 64 characters)."),
            )
        ],
    )
    registered_address = models.CharField(max_length=300, validators=[plain_text])
    website = models.URLField(max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, validators=[plain_text])
    contact_email = models.EmailField(_("contact e-mail"))
    requested_kinds = models.JSONField(
        default=list, help_text=_("Product kinds the applicant asked to list.")
    )
    granted_kinds = models.JSONField(
        default=list, blank=True, help_text=_("Kinds staff allowed beyond the type's defaults.")
    )
    description = models.TextField(max_length=2000, validators=[plain_text])
    # Set only through institutions.branding (type, size and pixel limits, random name).
    logo = models.FileField(_("logo"), upload_to=logo_upload_to, max_length=200, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="institution_applications",
    )
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=InstitutionStatus.values), name="institution_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(type__in=InstitutionType.values), name="institution_type_valid"
            ),
            # Only one platform-operated institution: the host itself.
            models.UniqueConstraint(
                fields=["type"],
                condition=Q(type=InstitutionType.PLATFORM),
                name="institution_single_platform",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_platform(self) -> bool:
        return self.type == InstitutionType.PLATFORM

    @property
    def is_approved(self) -> bool:
        return self.status == InstitutionStatus.APPROVED

    @property
    def allowed_kinds(self) -> list[str]:
        """Kinds this institution may list: its type's defaults plus what staff granted."""
        kinds = KINDS_BY_TYPE[self.type] | set(self.granted_kinds)
        return [k for k in ProductKind.values if k in kinds]

    def get_allowed_kinds_display(self) -> list[str]:
        return [ProductKind(k).label for k in self.allowed_kinds]

    def get_requested_kinds_display(self) -> list[str]:
        return [ProductKind(k).label for k in self.requested_kinds if k in ProductKind.values]


# Reasons the system itself records (stored in English, shown translated).
APPLICATION_SUBMITTED = "Application submitted."
SYSTEM_REASONS = {APPLICATION_SUBMITTED: _("Application submitted.")}


class InstitutionEvent(models.Model):
    """Audit row: every status move of an institution (who, when, from → to, why)."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, choices=InstitutionStatus.choices)
    reason = models.TextField(max_length=2000, validators=[plain_text])
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.institution}: {self.from_status or '—'} → {self.to_status}"

    def get_from_status_display(self) -> str:
        return InstitutionStatus(self.from_status).label if self.from_status else "—"

    def get_reason_display(self) -> str:
        """The reason, in the reader's language when the system wrote it (staff's own words
        stay as typed)."""
        return SYSTEM_REASONS.get(self.reason, self.reason)


class Role(models.TextChoices):
    ADMIN = "admin", pgettext_lazy("member role", "Admin")
    EDITOR = "editor", pgettext_lazy("member role", "Editor")
    ANALYST = "analyst", pgettext_lazy("member role", "Analyst")


# Higher rank may do everything a lower one may: admins manage members, editors edit listings,
# analysts read.
ROLE_RANK = {Role.ANALYST: 1, Role.EDITOR: 2, Role.ADMIN: 3}


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["institution__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "institution"], name="membership_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.institution} ({self.role})"

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


INVITATION_STATUS_LABELS = {
    "open": pgettext_lazy("invitation status", "Open"),
    "accepted": pgettext_lazy("invitation status", "Accepted"),
    "revoked": pgettext_lazy("invitation status", "Revoked"),
    "expired": pgettext_lazy("invitation status", "Expired"),
}


class Invitation(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address per institution.
            models.UniqueConstraint(
                fields=["institution", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.institution} ({self.role})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"

    def get_status_display(self) -> str:
        return INVITATION_STATUS_LABELS[self.status]


class UpfrontBasis(models.TextChoices):
    AMOUNT = "amount", _("Share of the order amount")
    FRONT_FEE = "front_fee", _("Share of the front-end fee")


class CommissionContract(models.Model):
    """What the platform earns from an institution's sales of one product kind, over a period."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="commission_contracts"
    )
    product_kind = models.CharField(max_length=10, choices=ProductKind.choices)
    upfront_basis = models.CharField(
        max_length=10, choices=UpfrontBasis.choices, default=UpfrontBasis.AMOUNT
    )
    upfront_rate = RateField(help_text=_("Fraction: 0.003 = 0.3%."))
    trail_rate = RateField(
        help_text=_("Annual share of the product's management fee (at most 0.5 = 50%).")
    )
    valid_from = models.DateField()
    valid_to = models.DateField(
        null=True, blank=True, help_text=_("Last day in force; open if blank.")
    )
    note = models.CharField(max_length=300, blank=True, validators=[plain_text])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["institution__name", "product_kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(upfront_rate__gte=0) & Q(upfront_rate__lte=1),
                name="contract_upfront_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(trail_rate__gte=0) & Q(trail_rate__lte="0.5"),
                name="contract_trail_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="contract_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(product_kind__in=ProductKind.values), name="contract_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["institution", "product_kind", "valid_from"], name="contract_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} · {self.product_kind} from {self.valid_from}"
