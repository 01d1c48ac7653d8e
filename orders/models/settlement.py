"""Commission entries and the institutions' monthly statements with their lines."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.money import AmountField, RateField
from products.models import ProductKind

from ..statement_figures import StatementFigures
from .holdings import Holding
from .trading import Order


class CommissionKind(models.TextChoices):
    UPFRONT = "upfront", _("Upfront")
    TRAIL = "trail", _("Trail")
    CORRECTION = "correction", _("Correction")


class CommissionEntry(models.Model):
    """What the platform earns from an institution, one immutable line at a time: an upfront
    entry per confirmed purchase, a trail entry per holding per day, and corrections as new
    (negative) lines. ``statement`` is set when the month is closed."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="commission_entries"
    )
    product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, related_name="commission_entries"
    )
    kind = models.CharField(max_length=10, choices=CommissionKind.choices)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="commission_entries"
    )
    holding = models.ForeignKey(
        Holding, on_delete=models.PROTECT, null=True, blank=True, related_name="commission_entries"
    )
    accrual_date = models.DateField(help_text="The business day the commission belongs to.")
    basis = AmountField(help_text="Order amount, front-end fee, or market value.")
    rate = RateField(help_text="Upfront rate, or the annual trail rate (fee × share).")
    amount = AmountField()
    # Trail: what rounding to the cent left over, carried into the next day of the month.
    carry = models.DecimalField(max_digits=30, decimal_places=20, default=0)
    statement = models.ForeignKey(
        "Statement", on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["accrual_date", "id"]
        indexes = [
            models.Index(fields=["institution", "accrual_date"], name="commission_inst_day_idx"),
            models.Index(fields=["holding", "accrual_date"], name="commission_holding_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CommissionKind.values), name="commission_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=Q(order__isnull=False),
                name="commission_once_per_order_kind",
            ),
            models.UniqueConstraint(
                fields=["holding", "accrual_date"],
                condition=Q(kind="trail"),
                name="commission_trail_once_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} ({self.institution_id}, {self.accrual_date})"


class StatementStatus(models.TextChoices):
    CLOSED = "closed", _("Closed")
    PAID = "paid", _("Paid")


class Statement(models.Model):
    """An institution's monthly settlement, closed once and never changed (only marked paid).

    The platform collected the subscriptions and paid the redemption proceeds; the institution
    owes the commission and the coupon costs it bears. The net goes one way or the other."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="statements"
    )
    month = models.DateField(help_text="First day of the month.")
    status = models.CharField(
        max_length=10, choices=StatementStatus.choices, default=StatementStatus.CLOSED
    )
    gross_subscriptions = AmountField(default=0)
    gross_redemptions = AmountField(default=0)
    gross_maturities = AmountField(default=0)
    fees_collected = AmountField(default=0)
    upfront_commission = AmountField(default=0)
    trail_commission = AmountField(default=0)
    corrections = AmountField(default=0)
    coupon_costs = AmountField(default=0)
    platform_coupons = AmountField(default=0)
    # Fund distributions of the month: paid in cash by the platform for the institution, and
    # reinvested in new units (no cash moved; shown for reference).
    distributions_paid = AmountField(default=0)
    distributions_reinvested = AmountField(default=0)
    payable_to_institution = AmountField(default=0)
    payable_to_platform = AmountField(default=0)
    closed_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-month", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "month"], name="statement_once_per_month"
            ),
            models.CheckConstraint(
                condition=Q(payable_to_institution__gte=0) & Q(payable_to_platform__gte=0),
                name="statement_payables_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Statement {self.institution_id} {self.month:%Y-%m}"

    @property
    def figures(self) -> StatementFigures:
        return StatementFigures.of_statement(self)

    @property
    def commission(self):
        return self.figures.commission


class StatementLine(models.Model):
    """One product's figures on a statement; the lines add up to the statement. The product's
    name, code and kind are kept as they were at closing (a closed statement never changes)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    product_name = models.CharField(max_length=200, blank=True)
    product_code = models.CharField(max_length=32, blank=True)
    product_kind = models.CharField(max_length=10, choices=ProductKind.choices, blank=True)
    subscriptions = AmountField(default=0)
    redemptions = AmountField(default=0)
    maturities = AmountField(default=0)
    fees = AmountField(default=0)
    upfront = AmountField(default=0)
    trail = AmountField(default=0)
    corrections = AmountField(default=0)
    coupon_costs = AmountField(default=0)
    platform_coupons = AmountField(default=0)
    distributions = AmountField(default=0)
    reinvested = AmountField(default=0)

    class Meta:
        ordering = ["product_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "product"], name="statement_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.statement} · {self.product_id}"

    @property
    def figures(self) -> StatementFigures:
        return StatementFigures.of_line(self)

    @property
    def commission(self):
        return self.figures.commission
