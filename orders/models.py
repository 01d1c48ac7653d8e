"""Trading: the investor's cash ledger, payments through a gateway, and the trading calendar.

Orders, holdings and settlement build on these (issue 5 onwards)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

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
    DEPOSIT = "deposit", "Deposit"
    WITHDRAWAL = "withdrawal", "Withdrawal"
    WITHDRAWAL_RETURNED = "withdrawal_returned", "Withdrawal returned"
    PURCHASE = "purchase", "Purchase"
    REFUND = "refund", "Refund"
    REDEMPTION = "redemption", "Redemption proceeds"
    INCOME = "income", "Income"
    MATURITY = "maturity", "Maturity"


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
    DEPOSIT = "deposit", "Deposit"
    WITHDRAWAL = "withdrawal", "Withdrawal"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    DECLINED = "declined", "Declined"
    FAILED = "failed", "Failed"


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
    provider_reference = models.CharField(max_length=64, unique=True)
    failure_reason = models.CharField(max_length=200, blank=True, validators=[plain_text])
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)

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


class Holiday(models.Model):
    """A weekday the exchanges are closed (staff edit the list at /staff/holidays/)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100, validators=[plain_text])

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
