"""What a product costs and is worth: its fee tiers, a fund's daily NAV series and a money-market
fund's daily yields."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.money import AmountField, NavField, RateField

from .product import Product


class FeeSchedule(models.TextChoices):
    SUBSCRIPTION = "subscription", _("Subscription (by amount)")
    REDEMPTION = "redemption", _("Redemption (by days held)")


class FeeTier(models.Model):
    """One band of a fund's fee schedule: ``lower <= x < upper`` (``upper`` blank = no limit).

    Subscription bands are amounts in CNY and may charge a fixed fee instead of a rate;
    redemption bands are days held.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="fee_tiers")
    schedule = models.CharField(max_length=12, choices=FeeSchedule.choices)
    lower = models.DecimalField(max_digits=18, decimal_places=2)
    upper = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    rate = RateField(default=0)
    fixed_fee = AmountField(null=True, blank=True)

    class Meta:
        ordering = ["product", "schedule", "lower"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "schedule", "lower"], name="fee_tier_unique_lower"
            ),
            models.CheckConstraint(
                condition=Q(upper__isnull=True) | Q(upper__gt=models.F("lower")),
                name="fee_tier_upper_above_lower",
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte="0.05"), name="fee_tier_rate_range"
            ),
            models.CheckConstraint(
                condition=Q(fixed_fee__isnull=True) | Q(schedule="subscription"),
                name="fee_tier_fixed_only_subscription",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.schedule} {self.lower}–{self.upper or '∞'}: {self.rate}"


class NavPrice(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="nav_prices")
    date = models.DateField()
    nav = NavField()
    # When end of day first priced orders with it: from then on an upload may not change it,
    # only a staff-approved correction (orders.NavCorrection) can.
    priced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["product", "date"]
        constraints = [
            models.UniqueConstraint(fields=["product", "date"], name="nav_one_per_product_day"),
            models.CheckConstraint(condition=Q(nav__gt=0), name="nav_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.date} {self.nav}"


class DailyYield(models.Model):
    """A money-market fund's published figures for one calendar day: the income per 10,000
    units (CNY, 4 dp) that day and the 7-day annualised yield (a rate fraction, 0.0185 = 1.85%).
    End of day credits each day's income at that day's figure."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="daily_yields")
    date = models.DateField()
    income_per_10k = models.DecimalField(max_digits=8, decimal_places=4)
    seven_day_yield = RateField()

    class Meta:
        ordering = ["product", "date"]
        constraints = [
            models.UniqueConstraint(fields=["product", "date"], name="yield_one_per_product_day"),
            models.CheckConstraint(
                condition=Q(income_per_10k__gte=0) & Q(income_per_10k__lte=10),
                name="yield_income_per_10k_0_10",
            ),
            models.CheckConstraint(
                condition=Q(seven_day_yield__gte=0) & Q(seven_day_yield__lt=1),
                name="yield_seven_day_fraction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.date} {self.income_per_10k} ({self.seven_day_yield})"
