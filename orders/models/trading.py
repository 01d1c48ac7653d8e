"""The trading calendar, orders with their events and legal moves, and refused purchases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.money import AmountField, NavField, RateField, UnitsField
from marketplace.validators import plain_text
from products.models import ProductKind


class Holiday(models.Model):
    """A weekday the exchanges are closed (staff edit the list at /staff/holidays/)."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100, validators=[plain_text])

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class Side(models.TextChoices):
    BUY = "buy", _("Buy")
    SELL = "sell", _("Sell")


class OrderStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("order status", "Pending")
    CONFIRMED = "confirmed", pgettext_lazy("order status", "Confirmed")
    SETTLED = "settled", pgettext_lazy("order status", "Settled")
    CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")
    REJECTED = "rejected", pgettext_lazy("order status", "Rejected")


# The only legal moves (services.order_transition refuses anything else).
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PENDING: frozenset(
        {OrderStatus.CONFIRMED, OrderStatus.CANCELLED, OrderStatus.REJECTED}
    ),
    OrderStatus.CONFIRMED: frozenset({OrderStatus.SETTLED, OrderStatus.CANCELLED}),
    OrderStatus.SETTLED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REJECTED: frozenset(),
}


class Order(models.Model):
    """One order of any product kind. A fund buy is a subscription by amount, a fund sell a
    redemption by units; insurance buy/sell purchase/cancel a policy; savings buy/sell deposit/
    withdraw early. The commission contract in force is snapshotted when it is placed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="orders")
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="orders"
    )
    kind = models.CharField(max_length=10, choices=ProductKind.choices)
    side = models.CharField(max_length=4, choices=Side.choices)
    status = models.CharField(
        max_length=10, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    amount = AmountField(null=True, blank=True, help_text="Buy: what was paid. Sell: proceeds.")
    units = UnitsField(null=True, blank=True, help_text="Sell: units redeemed. Buy: issued.")
    fee = AmountField(null=True, blank=True)
    fee_rate = RateField(null=True, blank=True)
    net_amount = AmountField(null=True, blank=True)
    nav = NavField(null=True, blank=True)
    trade_date = models.DateField()
    expected_confirm_date = models.DateField()
    placed_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The business day whose end-of-day run confirmed it (what statements and commission count
    # by; a run that finishes after midnight still belongs to its own day).
    confirmed_on = models.DateField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Suitability: outcome when placed, and the acknowledged warning if one was needed.
    suitability = models.CharField(max_length=24)
    risk_acknowledged_version = models.CharField(max_length=32, blank=True)
    risk_acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Commission contract in force when placed (a later change never rewrites it).
    contract = models.ForeignKey(
        "institutions.CommissionContract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
    )
    contract_upfront_basis = models.CharField(max_length=10, blank=True)
    contract_upfront_rate = RateField(null=True, blank=True)
    contract_trail_rate = RateField(null=True, blank=True)
    # Idempotency: the same key from the same user is the same order.
    idempotency_key = models.CharField(max_length=64, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    # Sells, as priced: units × NAV (or principal + interest) before fees, and the cost of the
    # units sold (for realised gain). ``instant``: a money-market redemption paid at once (T+0).
    gross_amount = AmountField(null=True, blank=True)
    cost_basis = AmountField(null=True, blank=True)
    instant = models.BooleanField(default=False)
    # The statement that settled it with the institution (set when its month is closed; one
    # confirmed after its month closed lands on the next one).
    statement = models.ForeignKey(
        "Statement", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    # Buys: what the investor agreed to, kept at placement (DESIGN §4) and carried onto the lot
    # when confirmed; a later change to the product applies to later orders only. A fund buy's
    # subscription band (a rate, or a fixed fee) and the redemption schedule its units will pay
    # (``Tier.as_dict`` rows); a deposit's rate, term and early rate; a policy's cancellation fee.
    subscription_rate = RateField(null=True, blank=True)
    subscription_fixed_fee = AmountField(null=True, blank=True)
    redemption_tiers = models.JSONField(null=True, blank=True)
    annual_rate = RateField(null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(null=True, blank=True)
    early_withdrawal_rate = RateField(null=True, blank=True)
    cancellation_fee = AmountField(null=True, blank=True)
    # A fund buy with a coupon: the band's fee before it and the discount, fixed at placement
    # (``fee`` is then set at placement too, and confirmation charges exactly it).
    list_fee = AmountField(null=True, blank=True)
    discount = AmountField(null=True, blank=True)
    # One leg of a switch (``orders.plans.switching``): its sell or its buy, confirmed and cancelled
    # with the other. A switch's buy has no amount until its sell is priced.
    switch = models.ForeignKey(
        "orders.Switch", on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )

    class Meta:
        ordering = ["-placed_at", "-id"]
        indexes = [
            models.Index(fields=["status", "trade_date"], name="order_status_trade_idx"),
            models.Index(fields=["institution", "placed_at"], name="order_institution_month_idx"),
            models.Index(fields=["user", "placed_at"], name="order_user_idx"),
            models.Index(fields=["confirmed_at"], name="order_confirmed_idx"),
            models.Index(fields=["settled_at"], name="order_settled_idx"),
            models.Index(fields=["institution", "confirmed_on"], name="order_institution_day_idx"),
            # Closing a month attaches the orders on no statement yet: a small partial index.
            models.Index(
                fields=["institution", "confirmed_on"],
                condition=Q(statement__isnull=True),
                name="order_unsettled_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="order_side_valid"),
            models.CheckConstraint(
                condition=Q(kind__in=ProductKind.values), name="order_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="order_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(units__isnull=True) | Q(units__gt=0), name="order_units_positive"
            ),
            models.CheckConstraint(
                condition=Q(fee__isnull=True) | Q(fee__gte=0), name="order_fee_non_negative"
            ),
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(subscription_rate__isnull=True)
                | Q(subscription_fixed_fee__isnull=True),
                name="order_band_rate_or_fixed_fee",
            ),
            models.CheckConstraint(
                condition=Q(discount__isnull=True) | Q(discount__gt=0, list_fee__gte=F("discount")),
                name="order_discount_within_list_fee",
            ),
            models.UniqueConstraint(
                fields=["switch", "side"],
                condition=Q(switch__isnull=False),
                name="order_one_sell_one_buy_per_switch",
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.pk}: {self.side} {self.product_id} ({self.status})"


class OrderEvent(models.Model):
    """Every status move of an order (who, when, from → to, why)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set once the investor was e-mailed about this event (moves that need a notice only).
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        # An order's events in their order, and the month they can be range-partitioned by.
        indexes = [models.Index(fields=["order", "created_at"], name="order_event_month_idx")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '—'} → {self.to_status}"


class PurchaseRefusal(models.Model):
    """An investor who could not buy a product, and why (the suitability reason, never the
    questionnaire answers), so the institution can see it. One row per investor, product, day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("products.Product", on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="purchase_refusals"
    )
    reason = models.CharField(max_length=300)
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "product", "day"], name="refusal_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} could not buy {self.product_id}: {self.reason}"
