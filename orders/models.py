"""Trading: the investor's cash ledger, payments through a gateway, the trading calendar,
orders with their events, holdings and lots, end-of-day runs, commission entries and monthly
statements."""

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

from .statement_figures import StatementFigures


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
    DEPOSIT = "deposit", _("Deposit")
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    WITHDRAWAL_RETURNED = "withdrawal_returned", _("Withdrawal returned")
    PURCHASE = "purchase", _("Purchase")
    REFUND = "refund", _("Refund")
    REDEMPTION = "redemption", _("Redemption proceeds")
    INCOME = "income", _("Income")
    MATURITY = "maturity", _("Maturity")
    CORRECTION = "correction", _("NAV correction")
    DISTRIBUTION = "distribution", _("Distribution")


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
        # The month (``created_at``) an index can range-partition by: an account's ledger and
        # its entries of a year or month (README "Scale-out path").
        indexes = [
            models.Index(fields=["account", "created_at"], name="cash_entry_account_month_idx")
        ]
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
    DEPOSIT = "deposit", _("Deposit")
    WITHDRAWAL = "withdrawal", _("Withdrawal")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    DECLINED = "declined", _("Declined")
    FAILED = "failed", _("Failed")


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
    # The bound card the money came from or went to (payments before cards have none).
    card = models.ForeignKey(
        "orders.BankCard",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    provider_reference = models.CharField(max_length=64, unique=True)
    failure_reason = models.CharField(max_length=200, blank=True, validators=[plain_text])
    created_at = models.DateTimeField(default=timezone.now)
    settled_at = models.DateTimeField(null=True, blank=True)
    # Calls made to the provider for this payment, and when a pending payout is tried again.
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

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


# --- orders ----------------------------------------------------------------------------------


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


# --- holdings ------------------------------------------------------------------------------------


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


class EndOfDayRun(models.Model):
    """One row per business date: runs of the same date take its lock in turn, and it records
    what the last run did."""

    date = models.DateField(unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    stats = models.JSONField(default=dict)
    # Every run of the date is a new attempt with parts of its own (EndOfDayPart); a run
    # started while the last attempt is unfinished joins (resumes) that attempt.
    attempt = models.PositiveIntegerField(default=0)
    phase = models.CharField(max_length=200, blank=True)  # the attempt's phase now ("" closed)
    batch_size = models.PositiveIntegerField(default=10_000)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"End of day {self.date}"


class EndOfDayPart(models.Model):
    """One part of an end-of-day attempt: a phase's work for one range of investors (user ids
    ``first_user``–``last_user``; none: everything, for steps that are not split). Parts of a
    phase run at once on any workers; a part does its work and sets ``done_at`` in one
    transaction, so running it again does nothing, and the part that finishes its phase last
    creates the next phase's parts (or closes the run)."""

    run = models.ForeignKey(EndOfDayRun, on_delete=models.CASCADE, related_name="parts")
    attempt = models.PositiveIntegerField()
    phase = models.CharField(max_length=200)
    seq = models.PositiveIntegerField()
    first_user = models.BigIntegerField(null=True, blank=True)
    last_user = models.BigIntegerField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    stats = models.JSONField(default=dict)

    class Meta:
        ordering = ["run", "attempt", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "attempt", "phase", "seq"], name="end_of_day_part_once"
            )
        ]

    def __str__(self) -> str:
        return f"End of day {self.run_id}/{self.attempt} {self.phase} #{self.seq}"


# --- commission and settlement ----------------------------------------------------------------


class CommissionKind(models.TextChoices):
    UPFRONT = "upfront", _("Upfront")
    TRAIL = "trail", _("Trail")
    CORRECTION = "correction", _("Correction")


class CommissionEntry(models.Model):
    """What the platform earns from an institution, one immutable line at a time: an upfront
    entry per confirmed purchase, a trail entry per holding per day, and corrections as new
    (negative) lines. ``statement`` is set when the month is closed."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="commission_entries"
    )
    product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, related_name="commission_entries"
    )
    kind = models.CharField(max_length=10, choices=CommissionKind.choices)
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="commission_entries"
    )
    holding = models.ForeignKey(
        Holding, on_delete=models.PROTECT, null=True, blank=True, related_name="commission_entries"
    )
    accrual_date = models.DateField(help_text="The business day the commission belongs to.")
    basis = AmountField(help_text="Order amount, front-end fee, or market value.")
    rate = RateField(help_text="Upfront rate, or the annual trail rate (fee × share).")
    amount = AmountField()
    # Trail: what rounding to the cent left over, carried into the next day of the month.
    carry = models.DecimalField(max_digits=30, decimal_places=20, default=0)
    statement = models.ForeignKey(
        "Statement", on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["accrual_date", "id"]
        indexes = [
            models.Index(fields=["institution", "accrual_date"], name="commission_inst_day_idx"),
            models.Index(fields=["holding", "accrual_date"], name="commission_holding_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CommissionKind.values), name="commission_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=Q(order__isnull=False),
                name="commission_once_per_order_kind",
            ),
            models.UniqueConstraint(
                fields=["holding", "accrual_date"],
                condition=Q(kind="trail"),
                name="commission_trail_once_per_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} ({self.institution_id}, {self.accrual_date})"


class StatementStatus(models.TextChoices):
    CLOSED = "closed", _("Closed")
    PAID = "paid", _("Paid")


class Statement(models.Model):
    """An institution's monthly settlement, closed once and never changed (only marked paid).

    The platform collected the subscriptions and paid the redemption proceeds; the institution
    owes the commission and the coupon costs it bears. The net goes one way or the other."""

    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.PROTECT, related_name="statements"
    )
    month = models.DateField(help_text="First day of the month.")
    status = models.CharField(
        max_length=10, choices=StatementStatus.choices, default=StatementStatus.CLOSED
    )
    gross_subscriptions = AmountField(default=0)
    gross_redemptions = AmountField(default=0)
    gross_maturities = AmountField(default=0)
    fees_collected = AmountField(default=0)
    upfront_commission = AmountField(default=0)
    trail_commission = AmountField(default=0)
    corrections = AmountField(default=0)
    coupon_costs = AmountField(default=0)
    platform_coupons = AmountField(default=0)
    # Fund distributions of the month: paid in cash by the platform for the institution, and
    # reinvested in new units (no cash moved; shown for reference).
    distributions_paid = AmountField(default=0)
    distributions_reinvested = AmountField(default=0)
    payable_to_institution = AmountField(default=0)
    payable_to_platform = AmountField(default=0)
    closed_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-month", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "month"], name="statement_once_per_month"
            ),
            models.CheckConstraint(
                condition=Q(payable_to_institution__gte=0) & Q(payable_to_platform__gte=0),
                name="statement_payables_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Statement {self.institution_id} {self.month:%Y-%m}"

    @property
    def figures(self) -> StatementFigures:
        return StatementFigures.of_statement(self)

    @property
    def commission(self):
        return self.figures.commission


class StatementLine(models.Model):
    """One product's figures on a statement; the lines add up to the statement. The product's
    name, code and kind are kept as they were at closing (a closed statement never changes)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    product_name = models.CharField(max_length=200, blank=True)
    product_code = models.CharField(max_length=32, blank=True)
    product_kind = models.CharField(max_length=10, choices=ProductKind.choices, blank=True)
    subscriptions = AmountField(default=0)
    redemptions = AmountField(default=0)
    maturities = AmountField(default=0)
    fees = AmountField(default=0)
    upfront = AmountField(default=0)
    trail = AmountField(default=0)
    corrections = AmountField(default=0)
    coupon_costs = AmountField(default=0)
    platform_coupons = AmountField(default=0)
    distributions = AmountField(default=0)
    reinvested = AmountField(default=0)

    class Meta:
        ordering = ["product_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["statement", "product"], name="statement_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.statement} · {self.product_id}"

    @property
    def figures(self) -> StatementFigures:
        return StatementFigures.of_line(self)

    @property
    def commission(self):
        return self.figures.commission


# --- models of their own modules and of the sub-packages, imported here so that Django finds
# them (isort keeps this block in alphabetical order) --------------------------------------------

# After-sales service: questions and complaints (orders/aftersales).
from .aftersales.models import (  # noqa: E402, F401
    RequestEvent,
    RequestMessage,
    ServiceRequest,
)

# Campaigns, offers and the inbox (orders/campaigns).
from .campaigns.models import (  # noqa: E402, F401
    Campaign,
    CampaignEvent,
    CampaignRange,
    CampaignStatus,
    EmailState,
    InboxMessage,
    MessageKind,
    Topic,
    Trigger,
)

# --- bank cards (orders/cash/) ----------------------------------------------------------------
from .cash.models import BankCard, CardKind, CardStatus  # noqa: E402, F401

# NAV corrections.
from .correction_models import (  # noqa: E402, F401
    CorrectionStatus,
    NavCorrection,
    NavCorrectionLine,
)

# --- discount cards and coupons (orders/coupons/) ----------------------------------------------
from .coupons.models import (  # noqa: E402, F401
    Coupon,
    CouponEvent,
    CouponGrant,
    CouponKind,
    CouponPayer,
    CouponRedemption,
    CouponStatus,
    RedemptionStatus,
)

# --- the watchlist and its alerts (orders/insight/) ---------------------------------------------
from .insight.models import Alert, AlertFiring, AlertKind, WatchItem  # noqa: E402, F401

# --- distributions of funds (orders/plans/distributions/) ----------------------------------------
from .plans.distributions.models import (  # noqa: E402, F401
    Distribution,
    DistributionEvent,
    DistributionPayment,
    DistributionStatus,
    Election,
    HoldingElection,
)

# --- automatic investment plans (orders/plans/) -------------------------------------------------
from .plans.models import (  # noqa: E402, F401
    Frequency,
    InvestmentPlan,
    PlanEvent,
    PlanPurchase,
    PlanStatus,
    PurchaseStatus,
)

# --- switching between funds of one institution (orders/plans/switching/) -------------------------
from .plans.switching.models import Switch, SwitchStatus  # noqa: E402, F401
