"""The investor's cash ledger and the payments that move money through a gateway."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.money import AmountField
from marketplace.validators import plain_text


class CashAccount(models.Model):
    """The investor's balance: always the sum of their ledger entries, never below zero."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cash_account"
    )
    balance = AmountField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="cash_balance_non_negative"),
        ]

    def __str__(self) -> str:
        return f"Cash of {self.user_id}: {self.balance}"


class EntryKind(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    WITHDRAWAL_RETURNED = "withdrawal_returned", _("Withdrawal returned")
    PURCHASE = "purchase", _("Purchase")
    REFUND = "refund", _("Refund")
    REDEMPTION = "redemption", _("Redemption proceeds")
    INCOME = "income", _("Income")
    MATURITY = "maturity", _("Maturity")
    CORRECTION = "correction", _("NAV correction")
    DISTRIBUTION = "distribution", _("Distribution")


class CashEntry(models.Model):
    """One immutable line of the ledger; credits are positive, debits negative."""

    account = models.ForeignKey(CashAccount, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    amount = AmountField()
    balance_after = AmountField()
    reference = models.CharField(max_length=64, help_text="What caused it: payment:12, order:34.")
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # The month (``created_at``) an index can range-partition by: an account's ledger and
        # its entries of a year or month (README "Scale-out path").
        indexes = [
            models.Index(fields=["account", "created_at"], name="cash_entry_account_month_idx")
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="cash_entry_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="cash_entry_balance_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=EntryKind.values), name="cash_entry_kind_valid"
            ),
            # Each cause moves money once (a replayed callback cannot credit twice).
            models.UniqueConstraint(
                fields=["account", "kind", "reference"], name="cash_entry_once_per_cause"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} ({self.reference})"


class PaymentDirection(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit")
    WITHDRAWAL = "withdrawal", _("Withdrawal")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    DECLINED = "declined", _("Declined")
    FAILED = "failed", _("Failed")


class Payment(models.Model):
    """Money moving through a payment gateway. The platform keeps the provider's token and
    reference only, never a card number."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    direction = models.CharField(max_length=10, choices=PaymentDirection.choices)
    amount = AmountField()
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    gateway = models.CharField(max_length=20, default="sandbox")
    payment_method = models.CharField(max_length=64, help_text="The provider's token.")
    # The bound card the money came from or went to (payments before cards have none).
    card = models.ForeignKey(
        "orders.BankCard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    provider_reference = models.CharField(max_length=64, unique=True)
    failure_reason = models.CharField(max_length=200, blank=True, validators=[plain_text])
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)
    # Calls made to the provider for this payment, and when a pending payout is tried again.
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=PaymentStatus.values), name="payment_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.amount} ({self.status})"
