"""Distributions (dividends) of funds: the declaration and its review, each holding's election
(cash or reinvest, as a history so the election at a record date is known), and one payment
per distribution and holding."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from marketplace.money import AmountField, NavField, UnitsField


class DistributionStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", pgettext_lazy("distribution status", "Waiting for review")
    APPROVED = "approved", pgettext_lazy("distribution status", "Approved")
    REJECTED = "rejected", pgettext_lazy("distribution status", "Rejected")
    PAID = "paid", pgettext_lazy("distribution status", "Paid")
    WITHDRAWN = "withdrawn", pgettext_lazy("distribution status", "Withdrawn")


# The one table of allowed moves (services.status.status_move enforces it).
DISTRIBUTION_TRANSITIONS = {
    DistributionStatus.PENDING_REVIEW: {
        DistributionStatus.APPROVED,
        DistributionStatus.REJECTED,
        DistributionStatus.WITHDRAWN,  # by the institution, before staff decide
    },
    DistributionStatus.APPROVED: {DistributionStatus.PAID},
    DistributionStatus.REJECTED: set(),
    DistributionStatus.PAID: set(),
    DistributionStatus.WITHDRAWN: set(),
}


class Distribution(models.Model):
    """A fund's distribution: ``amount_per_unit`` (CNY, up to 4 dp) to the holders of record at
    the end of ``record_date``, the NAV going ex on ``ex_date``, paid (or reinvested at the
    ex-date NAV) at end of day on ``pay_date``. Declared by the institution, approved by staff;
    only an approved distribution is paid."""

    product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, related_name="distributions"
    )
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="distributions"
    )
    amount_per_unit = models.DecimalField(max_digits=12, decimal_places=4)
    record_date = models.DateField()
    ex_date = models.DateField()
    pay_date = models.DateField()
    status = models.CharField(
        max_length=16, choices=DistributionStatus.choices, default=DistributionStatus.PENDING_REVIEW
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    paid_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-record_date", "-id"]
        indexes = [
            # End of day reads the approved distributions whose pay date has come.
            models.Index(fields=["pay_date"], condition=Q(status="approved"), name="dist_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_per_unit__gt=0), name="dist_amount_positive"),
            models.CheckConstraint(
                condition=Q(ex_date__gte=F("record_date")) & Q(pay_date__gte=F("ex_date")),
                name="dist_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DistributionStatus.values), name="dist_status_valid"
            ),
            # One distribution per fund and record date (a repeated declaration is refused; a
            # rejected or withdrawn one may be declared again, corrected).
            models.UniqueConstraint(
                fields=["product", "record_date"],
                condition=~Q(status__in=["rejected", "withdrawn"]),
                name="dist_once_per_record_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Distribution {self.pk}: {self.amount_per_unit} of {self.product_id}"


class DistributionEvent(models.Model):
    """Every move of a distribution: who, when, why (the audit of declaration and review)."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Distribution {self.distribution_id}: {self.from_status or '—'} → {self.to_status}"

    @property
    def from_label(self) -> str:
        """The status it left, as people read it ("" for the declaration)."""
        return str(DistributionStatus(self.from_status).label) if self.from_status else ""

    @property
    def to_label(self) -> str:
        return str(DistributionStatus(self.to_status).label)


class Election(models.TextChoices):
    CASH = "cash", pgettext_lazy("distribution election", "Cash")
    REINVEST = "reinvest", pgettext_lazy("distribution election", "Reinvest")


class HoldingElection(models.Model):
    """One choice of cash or reinvest for a holding, from ``effective_on`` (the business day it
    was made). The election a distribution uses is the newest one effective on or before its
    record date; a holding with none takes cash."""

    holding = models.ForeignKey(
        "orders.Holding", on_delete=models.CASCADE, related_name="elections"
    )
    election = models.CharField(max_length=8, choices=Election.choices)
    effective_on = models.DateField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-effective_on", "-id"]
        indexes = [
            models.Index(fields=["holding", "effective_on", "id"], name="election_holding_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(election__in=Election.values), name="election_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Holding {self.holding_id}: {self.election} from {self.effective_on}"


class DistributionPayment(models.Model):
    """What one holding received of one distribution: its units of record, its election at the
    record date, the gross (units × amount per unit, rounded down to the fen), and how it was
    paid: ``cash`` into the cash account, or ``units`` at the ex-date ``nav`` (rounded down) in
    a lot of their own that cost ``reinvested``; what rounding the units left is paid in cash,
    so ``gross == cash + reinvested``. Unique per distribution and holding: paid once."""

    distribution = models.ForeignKey(
        Distribution, on_delete=models.PROTECT, related_name="payments"
    )
    holding = models.ForeignKey(
        "orders.Holding", on_delete=models.PROTECT, related_name="distribution_payments"
    )
    election = models.CharField(max_length=8, choices=Election.choices)
    units_of_record = UnitsField()
    gross = AmountField()
    cash = AmountField(default=0)
    reinvested = AmountField(default=0)
    units = UnitsField(default=0)
    nav = NavField(null=True, blank=True)
    lot = models.OneToOneField(
        "orders.Lot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="distribution_payment",
    )
    paid_on = models.DateField()
    # The statement that carried it to the institution (set when the month is closed).
    statement = models.ForeignKey(
        "orders.Statement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="distribution_payments",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-paid_on", "-id"]
        indexes = [
            models.Index(fields=["paid_on"], name="dist_payment_paid_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "holding"], name="dist_payment_once_per_holding"
            ),
            models.CheckConstraint(condition=Q(gross__gt=0), name="dist_payment_gross_positive"),
            models.CheckConstraint(
                condition=Q(cash__gte=0) & Q(reinvested__gte=0) & Q(units__gte=0),
                name="dist_payment_parts_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(gross=F("cash") + F("reinvested")), name="dist_payment_parts_add_up"
            ),
            models.CheckConstraint(
                condition=Q(election__in=Election.values), name="dist_payment_election_valid"
            ),
            models.CheckConstraint(
                condition=Q(election="cash", reinvested=0, units=0, lot__isnull=True)
                | Q(election="reinvest", nav__isnull=False),
                name="dist_payment_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"Distribution {self.distribution_id} to holding {self.holding_id}: {self.gross}"
