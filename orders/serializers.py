from rest_framework import serializers

from .models import CashEntry, Order, Payment


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


class OrderSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)

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
            "trade_date",
            "expected_confirm_date",
            "placed_at",
            "confirmed_at",
            "cancelled_at",
            "suitability",
            "risk_acknowledged_version",
            "risk_acknowledged_at",
        ]
        read_only_fields = fields


class OrderInputSerializer(serializers.Serializer):
    """Shape only; the service judges everything else."""

    product = serializers.SlugField(max_length=80)
    side = serializers.ChoiceField(choices=["buy", "sell"])
    amount = serializers.CharField(max_length=40, required=False)
    units = serializers.CharField(max_length=40, required=False)
    coupon = serializers.CharField(max_length=64, required=False, allow_blank=True)
    acknowledge_risk = serializers.BooleanField(required=False, default=False)
