"""Discount cards and coupons (DESIGN §4 "Coupons, discount cards, offers").

A coupon only ever reduces a fund's subscription fee. ``spent`` and ``redeemed`` count what is
held or used (a released redemption gives both back); the database refuses a coupon that
would pass its budget or count, and a grant that would go below zero uses.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.money import AmountField


class CouponKind(models.TextChoices):
    FEE_DISCOUNT = "fee_discount", _("Fee discount (percent off the fee)")
    FEE_VOUCHER = "fee_voucher", _("Fee voucher (an amount off the fee)")
    FEE_RATE_CARD = "fee_rate_card", _("Fee-rate card (a share of the list fee)")


class CouponPayer(models.TextChoices):
    INSTITUTION = "institution", _("The issuing institution")
    PLATFORM = "platform", _("The platform")


class CouponStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


# The only legal moves (services.coupon_set_status refuses anything else).
COUPON_TRANSITIONS: dict[str, frozenset[str]] = {
    CouponStatus.ACTIVE: frozenset({CouponStatus.PAUSED, CouponStatus.ENDED}),
    CouponStatus.PAUSED: frozenset({CouponStatus.ACTIVE, CouponStatus.ENDED}),
    CouponStatus.ENDED: frozenset(),
}

PERCENT = {"max_digits": 5, "decimal_places": 2}


class Coupon(models.Model):
    """A fee discount, fee voucher or fee-rate card. ``institution`` is the issuer (None for
    the platform's own, created by staff, valid for any institution's funds)."""

    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coupons",
    )
    payer = models.CharField(max_length=12, choices=CouponPayer.choices)
    kind = models.CharField(max_length=16, choices=CouponKind.choices)
    name = models.CharField(max_length=120)
    code = models.CharField(max_length=32, blank=True)
    percent_off = models.DecimalField(null=True, blank=True, **PERCENT)
    amount_off = AmountField(null=True, blank=True)
    min_purchase = AmountField(default=0)
    rate_share = models.DecimalField(null=True, blank=True, **PERCENT)
    per_user_limit = models.PositiveIntegerField(default=1)
    valid_from = models.DateField()
    valid_until = models.DateField()
    budget = AmountField()
    max_count = models.PositiveIntegerField()
    products = models.ManyToManyField("products.Product", blank=True, related_name="+")
    status = models.CharField(
        max_length=8, choices=CouponStatus.choices, default=CouponStatus.ACTIVE
    )
    spent = AmountField(default=0)
    redeemed = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"), condition=~Q(code=""), name="coupon_code_unique_ci"
            ),
            models.CheckConstraint(condition=Q(kind__in=CouponKind.values), name="coupon_kind"),
            models.CheckConstraint(condition=Q(payer__in=CouponPayer.values), name="coupon_payer"),
            models.CheckConstraint(
                condition=Q(status__in=CouponStatus.values), name="coupon_status"
            ),
            models.CheckConstraint(
                condition=Q(payer=CouponPayer.PLATFORM, institution__isnull=True)
                | Q(payer=CouponPayer.INSTITUTION, institution__isnull=False),
                name="coupon_payer_matches_issuer",
            ),
            models.CheckConstraint(
                condition=~Q(kind=CouponKind.FEE_DISCOUNT)
                | Q(percent_off__gt=0, percent_off__lte=100),
                name="coupon_percent_off_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind=CouponKind.FEE_VOUCHER) | Q(amount_off__gt=0),
                name="coupon_amount_off_positive",
            ),
            models.CheckConstraint(
                condition=~Q(kind=CouponKind.FEE_RATE_CARD)
                | Q(rate_share__gte=0, rate_share__lt=100),
                name="coupon_rate_share_range",
            ),
            models.CheckConstraint(condition=Q(min_purchase__gte=0), name="coupon_min_purchase"),
            models.CheckConstraint(condition=Q(per_user_limit__gte=1), name="coupon_per_user"),
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="coupon_window"
            ),
            models.CheckConstraint(condition=Q(budget__gt=0), name="coupon_budget_positive"),
            models.CheckConstraint(condition=Q(max_count__gte=1), name="coupon_count_positive"),
            # The invariants the concurrent checkouts must never break.
            models.CheckConstraint(
                condition=Q(spent__gte=0, spent__lte=F("budget")), name="coupon_within_budget"
            ),
            models.CheckConstraint(
                condition=Q(redeemed__lte=F("max_count")), name="coupon_within_count"
            ),
        ]

    def __str__(self) -> str:
        return self.code or self.name

    @property
    def is_platform(self) -> bool:
        return self.payer == CouponPayer.PLATFORM

    @property
    def uses(self) -> int:
        """A card's purchases per investor (the per-investor limit of every kind)."""
        return self.per_user_limit


class GrantSource(models.TextChoices):
    CLAIMED = "claimed", _("Claimed with its code")
    GRANTED = "granted", _("Granted by the issuer")
    CHECKOUT = "checkout", _("Code used at checkout")
    OFFER = "offer", _("Came with an offer")


class CouponGrant(models.Model):
    """A coupon in an investor's wallet, with the uses they have left (the per-investor limit,
    held by the database: it never goes below zero)."""

    coupon = models.ForeignKey(Coupon, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coupon_grants"
    )
    uses_left = models.PositiveIntegerField()
    source = models.CharField(max_length=10, choices=GrantSource.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["coupon", "user"], name="coupon_grant_once"),
            models.CheckConstraint(condition=Q(uses_left__gte=0), name="coupon_grant_uses"),
        ]

    def __str__(self) -> str:
        return f"{self.coupon_id} → {self.user_id} ({self.uses_left} left)"


class RedemptionStatus(models.TextChoices):
    HELD = "held", _("Held (order pending)")
    USED = "used", _("Used (order confirmed)")
    RELEASED = "released", _("Released (order cancelled or rejected)")


class CouponRedemption(models.Model):
    """A coupon applied to one order, the discount fixed at placement (a later edit of the
    coupon never changes it)."""

    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="coupon_redemption"
    )
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    payer = models.CharField(max_length=12, choices=CouponPayer.choices)
    list_fee = AmountField()
    discount = AmountField()
    fee = AmountField()
    status = models.CharField(
        max_length=8, choices=RedemptionStatus.choices, default=RedemptionStatus.HELD
    )
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["coupon", "status"], name="redemption_coupon_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RedemptionStatus.values), name="redemption_status"
            ),
            models.CheckConstraint(
                condition=Q(payer__in=CouponPayer.values), name="redemption_payer"
            ),
            models.CheckConstraint(
                condition=Q(discount__gt=0, discount__lte=F("list_fee")),
                name="redemption_discount_within_fee",
            ),
            # fee = list_fee − discount is checked by reconcile_statements (SQLite, the embedded
            # default, compares decimals as floats, so the equality cannot be a CHECK there).
            models.CheckConstraint(condition=Q(fee__gte=0), name="redemption_fee_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.coupon_id} on order {self.order_id}: −{self.discount} ({self.status})"


class CouponEvent(models.Model):
    """Who changed a coupon, when, and how (created, edited, paused, ended, granted)."""

    coupon = models.ForeignKey(Coupon, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=16)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.coupon_id}: {self.action}"
