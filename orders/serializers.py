from rest_framework import serializers

from .models import CashEntry, Payment


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
