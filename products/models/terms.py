"""The kind-specific terms of a product: a fund's fees, an insurance policy's premium and cover, a
savings deposit's term and rates (one row per product, of its kind)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from institutions.models import ProductKind
from marketplace.money import AmountField, RateField
from marketplace.validators import plain_text

from .product import Product


class FundTerms(models.Model):
    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="fund_terms")
    management_fee_rate = RateField(
        validators=[MinValueValidator(0), MaxValueValidator(Decimal("0.03"))],
        help_text=_("Annual, as a fraction: 0.012 = 1.2%."),
    )
    custody_fee_rate = RateField(
        validators=[MinValueValidator(0), MaxValueValidator(Decimal("0.01"))],
        help_text=_("Annual, as a fraction: 0.002 = 0.2%."),
    )

    class Meta:
        verbose_name_plural = _("fund terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(management_fee_rate__gte=0) & Q(custody_fee_rate__gte=0),
                name="fund_fee_rates_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Fund terms of {self.product_id}"


class InsuranceTerms(models.Model):
    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, related_name="insurance_terms"
    )
    premium = AmountField(validators=[MinValueValidator(Decimal("0.01"))])
    coverage_amount = AmountField(validators=[MinValueValidator(Decimal("0.01"))])
    term_months = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(1200)]
    )
    cooling_off_days = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(15), MaxValueValidator(365)]
    )
    cancellation_fee = AmountField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    # What a buyer compares beside the price (issue 15): how many yearly premiums the policy
    # asks for (1: a single premium; the checkout takes the first), the waiting period before
    # an illness claim is paid, how to claim and what the policy never pays for.
    premium_years = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("How many yearly premiums the policy asks for; 1 is a single premium."),
    )
    waiting_days = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(365)])
    claims = models.TextField(max_length=2000, blank=True, validators=[plain_text])
    exclusions = models.TextField(max_length=2000, blank=True, validators=[plain_text])

    class Meta:
        verbose_name_plural = _("insurance terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(cooling_off_days__gte=15), name="insurance_cooling_off_min_15"
            ),
            models.CheckConstraint(
                condition=Q(cancellation_fee__gte=0) & Q(cancellation_fee__lte=10),
                name="insurance_cancellation_fee_0_10",
            ),
            models.CheckConstraint(condition=Q(premium__gt=0), name="insurance_premium_positive"),
            models.CheckConstraint(
                condition=Q(premium_years__gte=1) & Q(waiting_days__lte=365),
                name="insurance_premium_years_waiting_days_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Insurance terms of {self.product_id}"


class SavingsTerms(models.Model):
    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="savings_terms")
    term_months = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    annual_rate = RateField(validators=[MinValueValidator(0), MaxValueValidator(Decimal("0.2"))])
    early_withdrawal_rate = RateField(
        validators=[MinValueValidator(0), MaxValueValidator(Decimal("0.2"))],
        help_text=_("Annual rate paid on early withdrawal (usually the demand-deposit rate)."),
    )
    # Whether the deposit is covered by the national deposit insurance scheme (a bank's
    # deposits are; a product of a non-bank is not).
    deposit_insured = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = _("savings terms")
        constraints = [
            models.CheckConstraint(
                condition=Q(early_withdrawal_rate__lte=models.F("annual_rate")),
                name="savings_early_rate_not_above_rate",
            ),
        ]

    def __str__(self) -> str:
        return f"Savings terms of {self.product_id}"


# The kind-specific terms each kind of product carries (on its *Terms model).
TERMS_FIELDS: dict[str, tuple[str, ...]] = {
    ProductKind.FUND: ("management_fee_rate", "custody_fee_rate"),
    ProductKind.INSURANCE: (
        "premium",
        "coverage_amount",
        "term_months",
        "cooling_off_days",
        "cancellation_fee",
        "premium_years",
        "waiting_days",
        "claims",
        "exclusions",
    ),
    ProductKind.SAVINGS: ("term_months", "annual_rate", "early_withdrawal_rate", "deposit_insured"),
}
