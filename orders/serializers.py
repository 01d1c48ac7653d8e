import datetime as dt

from django.utils import timezone
from rest_framework import serializers

from .models import CashEntry, LotMovement, Order, Payment, Statement, StatementLine
from .schedule import can_cancel, cancel_by
from .statement_figures import PAYABLE_FIELDS, STATEMENT_FIELDS, StatementFigures


class CashEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = CashEntry
        fields = ["id", "kind", "amount", "balance_after", "reference", "description", "created_at"]


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = [
            "id",
            "direction",
            "status",
            "amount",
            "payment_method",
            "created_at",
            "settled_at",
        ]


class DepositInputSerializer(serializers.Serializer):
    """Shape only: the service judges the amount (2 dp, > 0, ≤ the limit) and the token."""

    amount = serializers.CharField(max_length=40)
    payment_method = serializers.CharField(max_length=64)


class WithdrawalInputSerializer(serializers.Serializer):
    amount = serializers.CharField(max_length=40)


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
        ]
        read_only_fields = fields

    def get_cancel_by(self, order: Order) -> dt.datetime | None:
        deadline = cancel_by(order)
        return None if deadline is None else timezone.localtime(deadline)

    def get_cancellable(self, order: Order) -> bool:
        return can_cancel(order=order, now=timezone.now())


class OrderInputSerializer(serializers.Serializer):
    """Shape only; the service judges everything else."""

    product = serializers.SlugField(max_length=80)
    side = serializers.ChoiceField(choices=["buy", "sell"])
    amount = serializers.CharField(max_length=40, required=False)
    units = serializers.CharField(max_length=40, required=False)
    coupon = serializers.CharField(max_length=64, required=False, allow_blank=True)
    acknowledge_risk = serializers.BooleanField(required=False, default=False)


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
    pnl = serializers.DecimalField(max_digits=18, decimal_places=2)
    return_rate = serializers.DecimalField(max_digits=12, decimal_places=6, allow_null=True)
    lots = HoldingLotSerializer(many=True)


class PortfolioSerializer(serializers.Serializer):
    count = serializers.SerializerMethodField()
    cash = serializers.DecimalField(max_digits=18, decimal_places=2)
    market_value = serializers.DecimalField(max_digits=18, decimal_places=2)
    cost = serializers.DecimalField(max_digits=18, decimal_places=2)
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
