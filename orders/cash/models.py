"""Bank cards bound through the payment gateway (DESIGN §4 "Accounts and identity").

A card is bound in its holder's verified legal name; the platform keeps the gateway's token for
it, the gateway's fingerprint (the same card always has the same one) and the last four digits,
never the number. Unbinding is a change of status: the payments made with a card keep it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CardKind(models.TextChoices):
    DEBIT = "debit", _("Debit card")


class CardStatus(models.TextChoices):
    BOUND = "bound", _("Bound")
    UNBOUND = "unbound", _("Unbound")


class BankCard(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bank_cards"
    )
    gateway = models.CharField(max_length=20)
    token = models.CharField(max_length=64, unique=True, help_text="The gateway's token.")
    fingerprint = models.CharField(
        max_length=64, help_text="The gateway's keyed hash of the card number (not reversible)."
    )
    last4 = models.CharField(max_length=4)
    bank_name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=CardKind.choices, default=CardKind.DEBIT)
    holder_name = models.CharField(max_length=100, help_text="The verified legal name it is in.")
    is_default = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=CardStatus.choices, default=CardStatus.BOUND)
    bound_at = models.DateTimeField(default=timezone.now)
    unbound_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_default", "-bound_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(is_default=True, status=CardStatus.BOUND),
                name="bank_card_one_default_per_user",
            ),
            # The same card is bound to an account once (a real gateway's name check keeps
            # it to its holder's one account; the sandbox's test cards serve every tester).
            models.UniqueConstraint(
                fields=["user", "gateway", "fingerprint"],
                condition=Q(status=CardStatus.BOUND),
                name="bank_card_bound_once",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CardStatus.values), name="bank_card_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CardKind.values), name="bank_card_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(status=CardStatus.BOUND),
                name="bank_card_default_is_bound",
            ),
            models.CheckConstraint(
                condition=Q(status=CardStatus.BOUND, unbound_at__isnull=True)
                | Q(status=CardStatus.UNBOUND, unbound_at__isnull=False),
                name="bank_card_unbound_has_time",
            ),
            models.CheckConstraint(
                condition=Q(last4__regex=r"^[0-9]{4}$"), name="bank_card_last4_digits"
            ),
        ]
        indexes = [models.Index(fields=["user", "status"], name="bank_card_user_status")]

    def __str__(self) -> str:
        return f"{self.bank_name} •••• {self.last4}"

    @property
    def is_bound(self) -> bool:
        return self.status == CardStatus.BOUND
