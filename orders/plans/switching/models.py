"""A switch: the pair of orders it links (``Order.switch``) and what was agreed at placement."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.money import AmountField, RateField, UnitsField


class SwitchStatus(models.TextChoices):
    """A switch's status is its orders' (they move together): pending, confirmed (A sold and
    B bought), cancelled or rejected."""

    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")
    REJECTED = "rejected", _("Rejected")


class Switch(models.Model):
    """``units`` of ``from_product`` sold and the proceeds put into ``to_product``, both funds
    of one institution, as two orders that point here (``Order.switch``: one sell, one buy).

    The subscription fee rates of both funds for the estimated amount are kept when it is
    placed (what the investor agreed to, DESIGN §4); confirmation charges A's redemption fee
    plus ``max(0, to_rate − from_rate)`` of the amount switched (``orders.pricing.switch_fee``).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="switches"
    )
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="switches"
    )
    from_product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, related_name="switches_out"
    )
    to_product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, related_name="switches_in"
    )
    units = UnitsField()
    # At placement: A's proceeds at its latest NAV (the amount the rates are read for).
    estimated_amount = AmountField()
    from_subscription_rate = RateField()
    to_subscription_rate = RateField()
    idempotency_key = models.CharField(max_length=64, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="switch_user_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="switch_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=~Q(from_product=F("to_product")), name="switch_two_funds"
            ),
            models.CheckConstraint(condition=Q(units__gt=0), name="switch_units_positive"),
            models.CheckConstraint(
                condition=Q(from_subscription_rate__gte=0, to_subscription_rate__gte=0),
                name="switch_rates_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Switch {self.pk}: {self.from_product_id} → {self.to_product_id}"
