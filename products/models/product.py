"""The product itself: its kinds of fund, risk levels and listing status, and the ``Product``
row every other table of the app hangs on."""

from __future__ import annotations

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from institutions.models import Institution, ProductKind
from marketplace.money import AmountField, NavField, RateField
from marketplace.validators import plain_text


class FundType(models.TextChoices):
    MONEY_MARKET = "money_market", pgettext_lazy("fund type", "Money-market")
    BOND = "bond", pgettext_lazy("fund type", "Bond")
    MIXED = "mixed", pgettext_lazy("fund type", "Mixed")
    EQUITY = "equity", pgettext_lazy("fund type", "Equity")
    INDEX = "index", pgettext_lazy("fund type", "Index")


# What an investor may type to find a fund type besides its label (the catalogue search):
# "债券" and "债券基金" find bond funds, "货币" and "现金" money-market funds.
FUND_TYPE_SEARCH_WORDS: dict[str, tuple[str, ...]] = {
    FundType.MONEY_MARKET: ("money-market fund", "money market", "货币基金", "货币", "现金"),
    FundType.BOND: ("bond fund", "债券基金", "债券", "债基", "纯债"),
    FundType.MIXED: ("mixed fund", "混合基金", "混合"),
    FundType.EQUITY: ("equity fund", "stock", "股票基金", "股票", "股基"),
    FundType.INDEX: ("index fund", "指数基金", "指数"),
}


class RiskLevel(models.IntegerChoices):
    R1 = 1, _("R1 · Low")
    R2 = 2, _("R2 · Medium-low")
    R3 = 3, _("R3 · Medium")
    R4 = 4, _("R4 · Medium-high")
    R5 = 5, _("R5 · High")


RISK_MEANING = {
    1: _("Capital is well protected and returns are steady; values rarely fall."),
    2: _("Small price swings; a loss of capital is unlikely but possible."),
    3: _("Moderate price swings; you may lose part of what you invest."),
    4: _("Large price swings; sizeable losses are possible over shorter periods."),
    5: _("Very large price swings; you could lose much of what you invest."),
}


# Savings and insurance are not priced by a market: the words beside their risk level say what
# the buyer gets instead of describing price swings (issue 15).
KIND_RISK_MEANING = {
    ProductKind.SAVINGS: _(
        "A fixed rate for a fixed term: the interest is known when you deposit, and the capital "
        "comes back at maturity."
    ),
    ProductKind.INSURANCE: _(
        "A policy, not an investment: it pays what its terms say if an insured event happens."
    ),
}


def risk_code(level: int) -> str:
    """``3`` → ``"R3"`` (the API's and the pages' short form)."""
    return f"R{level}"


class ProductStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("product status", "Draft")
    IN_REVIEW = "in_review", pgettext_lazy("product status", "In review")
    PUBLISHED = "published", pgettext_lazy("product status", "Published")
    CLOSED = "closed", pgettext_lazy("product status", "Closed")


class Product(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="products")
    kind = models.CharField(max_length=10, choices=ProductKind.choices)
    fund_type = models.CharField(max_length=14, choices=FundType.choices, blank=True)
    name = models.CharField(max_length=120, validators=[plain_text])
    slug = models.SlugField(max_length=80, unique=True)
    code = models.CharField(
        _("fund code"),
        max_length=6,
        null=True,
        blank=True,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", _("A fund code is exactly 6 digits."))],
    )
    risk_level = models.PositiveSmallIntegerField(choices=RiskLevel.choices)
    summary = models.CharField(max_length=300, validators=[plain_text])
    description = models.TextField(max_length=10000, blank=True, validators=[plain_text])
    min_purchase = AmountField(validators=[MinValueValidator(0)])
    status = models.CharField(
        max_length=10, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    # Denormalised from the NAV series and the fee schedule (recomputed by services) so the
    # catalogue sorts and filters without touching the big NAV table.
    latest_nav = NavField(null=True, blank=True)
    latest_nav_date = models.DateField(null=True, blank=True)
    first_nav_date = models.DateField(null=True, blank=True)
    return_6m = RateField(null=True, blank=True)
    return_1y = RateField(null=True, blank=True)
    return_since_launch = RateField(null=True, blank=True)
    return_1m = RateField(null=True, blank=True)
    return_3m = RateField(null=True, blank=True)
    return_3y = RateField(null=True, blank=True)
    # The latest NAV against the one before it (the watchlist's "today").
    day_change = RateField(null=True, blank=True)
    # Risk over the trailing year and three years (positive fractions; null where the series
    # does not cover the whole period).
    max_drawdown_1y = RateField(null=True, blank=True)
    max_drawdown_3y = RateField(null=True, blank=True)
    volatility_1y = RateField(null=True, blank=True)
    volatility_3y = RateField(null=True, blank=True)
    # From the institution's latest approved periodic report (not from the NAV series).
    fund_size = AmountField(null=True, blank=True)
    fund_size_date = models.DateField(null=True, blank=True)
    manager_since = models.DateField(null=True, blank=True)
    headline_fee_rate = RateField(default=0)
    # Money-market funds: the latest day of the daily yield series (recomputed on upload).
    latest_income_per_10k = models.DecimalField(
        max_digits=8, decimal_places=4, null=True, blank=True
    )
    latest_seven_day_yield = RateField(null=True, blank=True)
    latest_yield_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["risk_level", "min_purchase", "name", "id"]
        indexes = [
            models.Index(fields=["status", "kind", "risk_level"]),
            models.Index(fields=["institution", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProductStatus.values), name="product_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ProductKind.values), name="product_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(risk_level__gte=1) & Q(risk_level__lte=5), name="product_risk_1_5"
            ),
            models.CheckConstraint(
                condition=Q(min_purchase__gte=0), name="product_min_purchase_non_negative"
            ),
            models.CheckConstraint(
                condition=(Q(kind="fund") & ~Q(fund_type="")) | (~Q(kind="fund") & Q(fund_type="")),
                name="product_fund_type_iff_fund",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def risk_code(self) -> str:
        return risk_code(self.risk_level)

    @property
    def risk_meaning(self) -> str:
        return KIND_RISK_MEANING.get(self.kind) or RISK_MEANING[self.risk_level]

    @property
    def is_money_market(self) -> bool:
        return self.fund_type == FundType.MONEY_MARKET

    @property
    def is_fund(self) -> bool:
        return self.kind == ProductKind.FUND

    @property
    def is_platform_operated(self) -> bool:
        return self.institution.is_platform
