"""What investors hold: holdings, the lots inside them and how units left the lots."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.money import AmountField, RateField, UnitsField
from products.models import ProductKind

from .trading import Order


class Holding(models.Model):
    """What an investor holds of one product. ``units`` are fund units, savings principal (CNY)
    or insurance policies; ``reserved`` are units already in pending sell orders; ``cost`` is
    what the investor paid (fees included) for the units still held. ``units`` is always the sum
    of the open lots' remaining units."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="holdings"
    )
    product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, related_name="holdings"
    )
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="holdings"
    )
    kind = models.CharField(max_length=10, choices=ProductKind.choices)
    units = UnitsField(default=0)
    reserved = UnitsField(default=0)
    cost = AmountField(default=0)
    # Money-market funds: the last day whose income was added (end of day adds it once a day).
    income_through = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["product__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="holding_one_per_product"),
            models.CheckConstraint(
                condition=Q(kind__in=ProductKind.values), name="holding_kind_valid"
            ),
            models.CheckConstraint(condition=Q(units__gte=0), name="holding_units_non_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(reserved__lte=models.F("units")),
                name="holding_reserved_within_units",
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="holding_cost_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} holds {self.units} of {self.product_id}"

    @property
    def available(self):
        return self.units - self.reserved


class LotSource(models.TextChoices):
    PURCHASE = "purchase", _("Purchase")
    INCOME = "income", _("Money-market income")
    REINVEST = "reinvest", _("Reinvested distribution")


class Lot(models.Model):
    """One confirmed purchase (or one day's money-market income) inside a holding. Redemption
    fees count days held per lot, oldest first (FIFO); a savings lot is one deposit with its own
    maturity; an insurance lot is one policy with its own cooling-off period."""

    holding = models.ForeignKey(Holding, on_delete=models.PROTECT, related_name="lots")
    order = models.OneToOneField(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="lot"
    )
    source = models.CharField(max_length=10, choices=LotSource.choices)
    acquired_on = models.DateField(help_text="Trade date of the purchase: days held count from it.")
    units = UnitsField()
    units_remaining = UnitsField()
    cost_remaining = AmountField()
    matures_on = models.DateField(null=True, blank=True)
    cooling_off_until = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    # The terms its order agreed to (see Order): what its sale, maturity or cancellation pays.
    redemption_tiers = models.JSONField(null=True, blank=True)
    annual_rate = RateField(null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(null=True, blank=True)
    early_withdrawal_rate = RateField(null=True, blank=True)
    cancellation_fee = AmountField(null=True, blank=True)

    class Meta:
        ordering = ["acquired_on", "id"]
        indexes = [
            models.Index(fields=["holding", "acquired_on", "id"], name="lot_fifo_idx"),
            # Deposits still to mature: every end-of-day part looks for its own (a few rows).
            models.Index(
                fields=["matures_on"],
                name="lot_maturing_idx",
                condition=models.Q(matures_on__isnull=False, units_remaining__gt=0),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(units__gt=0), name="lot_units_positive"),
            models.CheckConstraint(
                condition=Q(units_remaining__gte=0) & Q(units_remaining__lte=models.F("units")),
                name="lot_remaining_within_units",
            ),
            models.CheckConstraint(
                condition=Q(cost_remaining__gte=0), name="lot_cost_non_negative"
            ),
            # One day's income is added once, however often end of day runs.
            models.UniqueConstraint(
                fields=["holding", "acquired_on"],
                condition=Q(source="income"),
                name="lot_income_once_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"Lot {self.pk}: {self.units_remaining}/{self.units} since {self.acquired_on}"


class MovementKind(models.TextChoices):
    SALE = "sale", _("Sale")
    MATURITY = "maturity", _("Maturity")
    # A NAV correction's change to a lot's units (units are always positive; the kind says
    # which way they moved).
    CORRECTION_ADD = "corr_add", _("NAV correction: units added")
    CORRECTION_TAKE = "corr_take", _("NAV correction: units taken back")


class LotMovement(models.Model):
    """How a sale or a maturity took units out of one lot, exactly as it was priced: the order
    page shows these lines, and their fees add up to the order's fee."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="movements")
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="lot_movements"
    )
    kind = models.CharField(max_length=10, choices=MovementKind.choices)
    units = UnitsField()
    days_held = models.PositiveIntegerField()
    gross = AmountField(help_text="Units × NAV, or the principal.")
    fee_rate = RateField(default=0)
    fee = AmountField(default=0)
    interest = AmountField(default=0)
    cost = AmountField(help_text="The part of the lot's cost these units carried.")
    created_at = models.DateTimeField(default=timezone.now)
    # A maturity: the statement that settled its payout with the institution (set at closing).
    statement = models.ForeignKey(
        "Statement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="maturity_movements",
    )

    class Meta:
        ordering = ["lot__acquired_on", "lot_id", "id"]
        # The day's maturities (after-sales notices, ``kind`` then ``created_at``), and the
        # month movements can be range-partitioned by.
        indexes = [models.Index(fields=["kind", "created_at"], name="lot_movement_month_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(units__gt=0), name="movement_units_positive"),
            models.UniqueConstraint(
                fields=["lot", "order"],
                condition=Q(order__isnull=False),
                name="movement_once_per_order_lot",
            ),
            models.UniqueConstraint(
                fields=["lot"], condition=Q(kind="maturity"), name="movement_maturity_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.units} from lot {self.lot_id}"
