import datetime as dt
import functools

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from marketplace.fields import DecimalStringField, WholeNumberField
from marketplace.money import AMOUNT_MESSAGES, UNITS_MESSAGES
from profiles.identity.ages import ELDERLY_WARNING
from profiles.identity.selectors import is_elderly

from .models import (
    CashEntry,
    LotMovement,
    Order,
    Payment,
    Side,
    Statement,
    StatementLine,
)
from .schedule import can_cancel, cancel_by
from .services.trading.checks import AMOUNT_REQUIRED, UNITS_REQUIRED
from .statement_figures import PAYABLE_FIELDS, STATEMENT_FIELDS, StatementFigures


class CashEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = CashEntry
        fields = ["id", "kind", "amount", "balance_after", "reference", "description", "created_at"]


class PaymentCardSerializer(serializers.Serializer):
    """The card a payment came from or went to (its last four digits only)."""

    id = serializers.IntegerField(read_only=True)
    bank_name = serializers.CharField(read_only=True)
    last4 = serializers.CharField(read_only=True)


class PaymentSerializer(serializers.ModelSerializer):
    card = PaymentCardSerializer(
        read_only=True, allow_null=True, help_text="Null for payments made before cards."
    )

    class Meta:
        model = Payment
        fields = [
            "id",
            "direction",
            "status",
            "amount",
            "card",
            "created_at",
            "settled_at",
        ]


def _cash_amount() -> DecimalStringField:
    return DecimalStringField(
        places=2,
        positive=True,
        maximum=lambda: settings.MAX_CASH_MOVEMENT,
        messages=AMOUNT_MESSAGES,
    )


def _order_figure(messages, *, required: str) -> DecimalStringField:
    return DecimalStringField(
        places=2,
        positive=True,
        maximum=lambda: settings.MAX_ORDER_AMOUNT,
        messages=messages,
        error_messages={"required": required},
    )


def _coupon_field(**kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="A coupon code (any case), or the id of a coupon in your wallet "
        "(GET /api/v1/me/coupons/). It discounts a fund's subscription fee only; the order "
        "then carries `list_fee`, `discount` and the discounted `fee`. One that cannot be used "
        "is a 400 with the reason on `coupon` (the service's error codes: coupon_unknown, "
        "coupon_expired, coupon_not_yet_valid, "
        "coupon_paused, coupon_ended, coupon_exhausted, coupon_limit_reached, "
        "coupon_wrong_product, coupon_wrong_institution, coupon_below_minimum, coupon_no_fee, "
        "coupon_insurance, coupon_savings, coupon_not_for_sells).",
        **kwargs,
    )


def _card_field(purpose: str) -> serializers.IntegerField:
    return WholeNumberField(
        min_value=1,
        max_value=2**63 - 1,
        help_text=f"The id of one of your bound cards (GET /api/v1/me/cards/) {purpose}. Any "
        "other id (another investor's card, an unbound one) is a 400 on `card`.",
    )


class DepositInputSerializer(serializers.Serializer):
    """Shape only: the service judges the card."""

    amount = _cash_amount()
    card = _card_field("to pay from")


class WithdrawalInputSerializer(serializers.Serializer):
    amount = _cash_amount()
    card = _card_field("to pay out to")


class CashSerializer(serializers.Serializer):
    balance = serializers.DecimalField(max_digits=18, decimal_places=2)
    entries = CashEntrySerializer(many=True)


class LotMovementSerializer(serializers.ModelSerializer):
    """One lot's part of a sale, as priced."""

    acquired_on = serializers.DateField(source="lot.acquired_on")

    class Meta:
        model = LotMovement
        fields = [
            "acquired_on",
            "units",
            "days_held",
            "gross",
            "fee_rate",
            "fee",
            "interest",
            "cost",
        ]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    lots = LotMovementSerializer(source="lot_movements", many=True, read_only=True)
    cancel_by = serializers.SerializerMethodField(
        help_text="Until when the investor can cancel (null: an instant redemption, never)."
    )
    cancellable = serializers.SerializerMethodField(help_text="Whether it can be cancelled now.")

    class Meta:
        model = Order
        fields = [
            "id",
            "status",
            "product",
            "product_name",
            "kind",
            "side",
            "amount",
            "units",
            "fee",
            "fee_rate",
            "list_fee",
            "discount",
            "net_amount",
            "nav",
            "gross_amount",
            "cost_basis",
            "instant",
            "lots",
            "trade_date",
            "expected_confirm_date",
            "placed_at",
            "confirmed_at",
            "settled_at",
            "cancelled_at",
            "cancel_by",
            "cancellable",
            "suitability",
            "risk_acknowledged_version",
            "risk_acknowledged_at",
            "switch",
        ]
        read_only_fields = fields
        extra_kwargs = {  # noqa: RUF012 - DRF reads it as a class attribute
            "switch": {"help_text": "The switch this order is one half of (null: none)."}
        }

    def get_cancel_by(self, order: Order) -> dt.datetime | None:
        deadline = cancel_by(order)
        return None if deadline is None else timezone.localtime(deadline)

    def get_cancellable(self, order: Order) -> bool:
        return can_cancel(order=order, now=timezone.now())


class OrderPlacedSerializer(OrderSerializer):
    """The answer to placing an order: the order and the warnings its checkout shows."""

    warnings = serializers.SerializerMethodField(
        help_text="Warnings the investor must see with this order, e.g. the elderly-investor "
        "warning on every purchase by an investor aged 65 or over; empty when none."
    )

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "warnings"]
        read_only_fields = fields

    def get_warnings(self, order: Order) -> list[str]:
        if order.side != Side.BUY:
            return []
        # A new order knows it (order_place read the identity); a replayed one asks.
        elderly = getattr(order, "investor_elderly", None)
        if elderly is None:
            elderly = is_elderly(user=order.user)
        return [str(ELDERLY_WARNING)] if elderly else []


@functools.cache
def _order_placed_serializer() -> OrderPlacedSerializer:
    return OrderPlacedSerializer()


def order_placed_data(order: Order) -> dict:
    """The answer to placing ``order``: ``OrderPlacedSerializer``'s representation, from one
    instance built once per process. Building a model serializer's fields per request cost
    3 ms of a placement's CPU (ten times what representing the order takes); its fields keep
    no state between calls (time zone and language are read at each call)."""
    return _order_placed_serializer().to_representation(order)


class BuyOrderInputSerializer(serializers.Serializer):
    """A purchase: ``amount`` of money to invest. Shape only; the service judges the rest."""

    product = serializers.SlugField(max_length=80, help_text="The product's slug.")
    side = serializers.ChoiceField(choices=["buy"])
    amount = _order_figure(AMOUNT_MESSAGES, required=AMOUNT_REQUIRED)
    acknowledge_risk = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Needed when the product's risk is above the investor's level.",
    )
    coupon = _coupon_field()


class SellOrderInputSerializer(serializers.Serializer):
    """A sale of ``units`` (a redemption, an early savings withdrawal, a policy cancellation)."""

    product = serializers.SlugField(max_length=80, help_text="The product's slug.")
    side = serializers.ChoiceField(choices=["sell"])
    units = _order_figure(UNITS_MESSAGES, required=UNITS_REQUIRED)
    coupon = _coupon_field()  # refused: coupons discount purchases only, never silently ignored


class OrderInputSerializer(serializers.Serializer):
    """Picks the buy or sell shape by ``side``."""

    SIDES = {"buy": BuyOrderInputSerializer, "sell": SellOrderInputSerializer}

    side = serializers.ChoiceField(choices=list(SIDES))

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            return super().to_internal_value(data)
        side = super().to_internal_value({"side": data.get("side")})["side"]
        inner = self.SIDES[side](data=data)
        inner.is_valid(raise_exception=True)
        return dict(inner.validated_data)


class IdempotencyConflictSerializer(serializers.Serializer):
    idempotency_key = serializers.ListField(child=serializers.CharField())


class HoldingLotSerializer(serializers.Serializer):
    acquired_on = serializers.DateField(source="lot.acquired_on")
    source = serializers.CharField(source="lot.source")
    units = serializers.DecimalField(max_digits=18, decimal_places=2, source="lot.units_remaining")
    cost = serializers.DecimalField(max_digits=18, decimal_places=2, source="lot.cost_remaining")
    days_held = serializers.IntegerField()
    redemption_fee_rate_today = serializers.DecimalField(
        max_digits=9, decimal_places=6, source="fee_rate_today", allow_null=True
    )
    matures_on = serializers.DateField(source="lot.matures_on", allow_null=True)
    cooling_off_until = serializers.DateField(source="lot.cooling_off_until", allow_null=True)


class ProductBriefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    kind = serializers.CharField()
    risk_level = serializers.CharField(source="risk_code")


class PositionSerializer(serializers.Serializer):
    product = ProductBriefSerializer()
    units = serializers.DecimalField(max_digits=18, decimal_places=2, source="holding.units")
    reserved = serializers.DecimalField(max_digits=18, decimal_places=2, source="holding.reserved")
    cost = serializers.DecimalField(max_digits=18, decimal_places=2)
    average_cost = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    price = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    price_date = serializers.DateField(allow_null=True)
    market_value = serializers.DecimalField(max_digits=18, decimal_places=2)
    distributions = serializers.DecimalField(max_digits=18, decimal_places=2)
    pnl = serializers.DecimalField(max_digits=18, decimal_places=2)
    return_rate = serializers.DecimalField(max_digits=12, decimal_places=6, allow_null=True)
    lots = HoldingLotSerializer(many=True)


class PortfolioSerializer(serializers.Serializer):
    count = serializers.SerializerMethodField()
    cash = serializers.DecimalField(max_digits=18, decimal_places=2)
    market_value = serializers.DecimalField(max_digits=18, decimal_places=2)
    cost = serializers.DecimalField(max_digits=18, decimal_places=2)
    distributions = serializers.DecimalField(max_digits=18, decimal_places=2)
    pnl = serializers.DecimalField(max_digits=18, decimal_places=2)
    return_rate = serializers.DecimalField(max_digits=12, decimal_places=6, allow_null=True)
    holdings_value = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        help_text="Market value of the holdings less the units being sold (in `in_transit`).",
    )
    in_transit = serializers.DecimalField(
        max_digits=18,
        decimal_places=2,
        help_text="Pending buys (already paid from cash) and sells not yet paid out.",
    )
    total_assets = serializers.DecimalField(
        max_digits=18, decimal_places=2, help_text="cash + holdings_value + in_transit"
    )
    results = PositionSerializer(source="positions", many=True)

    def get_count(self, portfolio) -> int:
        return len(portfolio.positions)


class StatementSerializer(serializers.ModelSerializer):
    month = serializers.DateField(format="%Y-%m")
    commission = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "month",
            "status",
            *STATEMENT_FIELDS.values(),
            "commission",
            *PAYABLE_FIELDS,
            "closed_at",
            "paid_at",
        ]
        read_only_fields = fields


class StatementLineSerializer(serializers.ModelSerializer):
    """A line as closed: the product's slug, and its name, code and kind as they were then."""

    product = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    commission = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta:
        model = StatementLine
        fields = [
            "product",
            "product_name",
            "product_code",
            "product_kind",
            *StatementFigures._fields,
            "commission",
        ]
        read_only_fields = fields


class StatementDetailSerializer(StatementSerializer):
    lines = StatementLineSerializer(many=True, read_only=True)

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "lines"]
        read_only_fields = fields
