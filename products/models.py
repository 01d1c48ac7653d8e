"""What institutions sell: products with kind-specific terms, fee tiers, NAV series, documents,
articles, and the audit trail of every review and every change of a published product."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
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


class DocumentKind(models.TextChoices):
    PROSPECTUS = "prospectus", _("Prospectus")
    POLICY_WORDING = "policy_wording", _("Policy terms")
    FACT_SHEET = "fact_sheet", _("Key facts")
    TERMS = "terms", _("Terms and conditions")
    OTHER = "other", _("Other")


# The documents a product of each kind must carry before staff can publish it.
REQUIRED_DOCUMENTS: dict[str, tuple[str, ...]] = {
    ProductKind.FUND: (DocumentKind.PROSPECTUS, DocumentKind.FACT_SHEET),
    ProductKind.INSURANCE: (DocumentKind.POLICY_WORDING,),
    ProductKind.SAVINGS: (DocumentKind.TERMS,),
}


def document_upload_to(instance: ProductDocument, filename: str) -> str:
    """A random name: the uploader's file name is data (``original_name``), never a path."""
    return f"documents/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.pdf"


class ProductDocument(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    title = models.CharField(max_length=200, validators=[plain_text])
    file = models.FileField(upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title


class ProductEventKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("product event", "Created")
    CHANGED = "changed", pgettext_lazy("product event", "Changed")
    SUBMITTED = "submitted", pgettext_lazy("product event", "Submitted for review")
    APPROVED = "approved", pgettext_lazy("product event", "Approved and published")
    REJECTED = "rejected", pgettext_lazy("product event", "Rejected")
    CHANGE_SUBMITTED = (
        "change_submitted",
        pgettext_lazy("product event", "Change submitted for review"),
    )
    CHANGE_APPROVED = "change_approved", pgettext_lazy("product event", "Change approved")
    CHANGE_REJECTED = "change_rejected", pgettext_lazy("product event", "Change rejected")
    CLOSED = "closed", pgettext_lazy("product event", "Closed")
    NAV_UPLOADED = "nav_uploaded", pgettext_lazy("product event", "NAV uploaded")
    YIELD_UPLOADED = "yield_uploaded", pgettext_lazy("product event", "Daily yield uploaded")
    DOCUMENT_ADDED = "document_added", pgettext_lazy("product event", "Document added")


class ProductEvent(models.Model):
    """Audit row: who did what to a product, when, and what changed (``{field: [old, new]}``)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=ProductEventKind.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    reason = models.TextField(max_length=2000, blank=True, validators=[plain_text])
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.product_id} {self.kind} at {self.created_at:%Y-%m-%d %H:%M}"


class RevisionStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("revision status", "Pending review")
    APPROVED = "approved", pgettext_lazy("revision status", "Approved")
    REJECTED = "rejected", pgettext_lazy("revision status", "Rejected")


class ProductRevision(models.Model):
    """A change to a published product's fees, risk level or terms, waiting for staff review.

    ``proposed`` holds the new values (``{"product": {...}, "terms": {...}, "fee_tiers": [...]}``);
    the live product keeps its current terms until staff approve.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="revisions")
    proposed = models.JSONField()
    changes = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(max_length=2000, blank=True, validators=[plain_text])

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(status="pending"),
                name="revision_one_pending_per_product",
            ),
        ]

    def __str__(self) -> str:
        return f"Revision of {self.product_id} ({self.status})"


class ArticleKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    ANNOUNCEMENT = "announcement", _("Announcement")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("article status", "Draft")
    PUBLISHED = "published", pgettext_lazy("article status", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("article status", "Withdrawn")


class Article(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="articles")
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, null=True, blank=True, related_name="articles"
    )
    kind = models.CharField(max_length=12, choices=ArticleKind.choices, default=ArticleKind.ARTICLE)
    title = models.CharField(max_length=200, validators=[plain_text])
    body = models.TextField(max_length=20000, validators=[plain_text])
    status = models.CharField(
        max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["institution", "status", "published_at"])]

    def __str__(self) -> str:
        return self.title


class ProductPageViewDay(models.Model):
    """How often a product's page was opened on one business day: a bare counter, so that the
    institution's dashboard can show the conversion from views to orders without tracking
    anyone. No user, IP address or cookie is stored; bots and staff or institution members are
    not counted (``products.services.page_view_count``)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="page_view_days")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["product", "day"]
        constraints = [
            models.UniqueConstraint(fields=["product", "day"], name="page_views_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.day}: {self.views}"


class CuratedList(models.Model):
    """A list of its own products an institution publishes on its storefront ("Selected by …").
    Only ever shown on the institution's page, labelled as its selection: it never takes part
    in the catalogue's ranking (/about/ranking/)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="curated_lists"
    )
    title = models.CharField(_("title"), max_length=120, validators=[plain_text])
    blurb = models.CharField(_("blurb"), max_length=400, blank=True, validators=[plain_text])
    position = models.PositiveSmallIntegerField(default=0)
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["institution", "published", "position"])]

    def __str__(self) -> str:
        return self.title


class CuratedListItem(models.Model):
    curated_list = models.ForeignKey(CuratedList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="curated_items")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["curated_list", "product"], name="curated_item_once_per_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.curated_list_id}#{self.position}: {self.product_id}"


# The fund's periodic report lives in its own module; imported here so that Django finds it.
from .report_models import (  # noqa: E402, F401
    AssetClass,
    FundReport,
    FundReportAllocation,
    FundReportHolding,
    FundReportManager,
    ReportPeriod,
    ReportStatus,
)
