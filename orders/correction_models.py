"""NAV corrections: a NAV that already priced orders changes only through one of these,
requested by the institution or staff and approved by (other) staff. The old value is kept
here; each re-priced order (or lot bought without one) gets a line saying what changed, in
units and in cash."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.money import AmountField, NavField, UnitsField
from marketplace.validators import plain_text


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved and applied")
    REJECTED = "rejected", _("Rejected")


class NavCorrection(models.Model):
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    old_nav = NavField()
    new_nav = NavField()
    reason = models.TextField(max_length=2000, validators=[plain_text])
    status = models.CharField(
        max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(max_length=2000, blank=True, validators=[plain_text])

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CorrectionStatus.values), name="nav_correction_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(old_nav__gt=0) & Q(new_nav__gt=0) & ~Q(old_nav=models.F("new_nav")),
                name="nav_correction_changes_a_positive_nav",
            ),
            # One open request per NAV: a second waits for the first decision.
            models.UniqueConstraint(
                fields=["product", "date"],
                condition=Q(status="pending"),
                name="nav_correction_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"NAV {self.product_id} {self.date}: {self.old_nav} → {self.new_nav}"


class NavCorrectionLine(models.Model):
    """One order re-priced by a correction: units before and after (buys), proceeds before and
    after (sells), and the cash that moved. ``cash_owed`` is what the correction says (credit
    positive); ``cash_posted`` what the ledger could take (a debit never takes the balance below
    zero; the difference is shown to staff)."""

    correction = models.ForeignKey(NavCorrection, on_delete=models.PROTECT, related_name="lines")
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A lot the NAV priced without an order (units of a reinvested distribution): re-priced
    # like a buy, the money that bought it kept and its units changed.
    lot = models.ForeignKey(
        "orders.Lot", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    old_units = UnitsField(null=True, blank=True)
    new_units = UnitsField(null=True, blank=True)
    units_moved = UnitsField(default=0, help_text="Signed: units added to (−: taken from) lots.")
    old_amount = AmountField(null=True, blank=True)
    new_amount = AmountField(null=True, blank=True)
    cash_owed = AmountField(default=0)
    cash_posted = AmountField(default=0)
    event = models.ForeignKey(
        "orders.OrderEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["correction", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["correction", "order"], name="nav_correction_line_once"
            ),
            models.UniqueConstraint(
                fields=["correction", "lot"],
                condition=Q(lot__isnull=False),
                name="nav_correction_lot_once",
            ),
            models.CheckConstraint(
                condition=Q(order__isnull=False) | Q(lot__isnull=False),
                name="nav_correction_line_of_order_or_lot",
            ),
        ]

    def __str__(self) -> str:
        if self.order_id is None:
            return f"Correction {self.correction_id} of lot {self.lot_id}"
        return f"Correction {self.correction_id} of order {self.order_id}"

    @property
    def unrecovered(self):
        return self.cash_posted - self.cash_owed
