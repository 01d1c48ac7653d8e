"""Plan API shapes: input checks shape only (the plan services judge the rest)."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from marketplace.fields import DecimalStringField, WholeNumberField
from marketplace.money import AMOUNT_MESSAGES

from .models import Frequency, InvestmentPlan, PlanPurchase, PlanStatus, PurchaseStatus
from .services import MAX_PURCHASES

DAY_HELP = (
    "Weekly and fortnightly plans: the ISO weekday, 1 (Monday) to 5 (Friday). Monthly plans: "
    "the day of the month, 1 to 28. A day that is not a trading day buys on the next one."
)


def _amount(**kwargs) -> DecimalStringField:
    return DecimalStringField(
        places=2,
        positive=True,
        maximum=lambda: settings.MAX_ORDER_AMOUNT,
        messages=AMOUNT_MESSAGES,
        help_text="CNY each purchase, at least the fund's minimum purchase.",
        **kwargs,
    )


class PlanInputSerializer(serializers.Serializer):
    product = serializers.SlugField(max_length=80, help_text="The fund's slug.")
    amount = _amount()
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    day = WholeNumberField(min_value=1, max_value=28, help_text=DAY_HELP)
    start_date = serializers.DateField(
        help_text="The first purchase is on the first due day on or after this date "
        "(tomorrow at the earliest, within a year)."
    )
    end_date = serializers.DateField(
        required=False, allow_null=True, help_text="Optional: no purchase is scheduled after it."
    )
    max_purchases = WholeNumberField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_PURCHASES,
        help_text="Optional (instead of end_date): the plan finishes after this many purchases.",
    )


class PlanChangeSerializer(serializers.Serializer):
    amount = _amount(required=False)
    day = WholeNumberField(min_value=1, max_value=28, required=False, help_text=DAY_HELP)


class PlanProductSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class PlanSerializer(serializers.ModelSerializer):
    product = PlanProductSerializer(read_only=True)
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    status = serializers.ChoiceField(choices=PlanStatus.choices)
    next_purchase_date = serializers.SerializerMethodField()

    class Meta:
        model = InvestmentPlan
        fields = [
            "id",
            "product",
            "amount",
            "frequency",
            "day",
            "start_date",
            "end_date",
            "max_purchases",
            "status",
            "status_reason",
            "purchases_made",
            "consecutive_skips",
            "next_purchase_date",
            "created_at",
        ]
        read_only_fields = fields

    def get_next_purchase_date(self, plan) -> str | None:
        dates = self.context.get("next_dates", {})
        day = dates.get(plan.pk)
        return day.isoformat() if day else None


class PlanPurchaseSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=PurchaseStatus.choices)
    order = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = PlanPurchase
        fields = ["due_date", "amount", "status", "order", "reason_code", "reason"]
        read_only_fields = fields


class PlanFiguresSerializer(serializers.Serializer):
    invested = serializers.DecimalField(max_digits=18, decimal_places=2)
    pending = serializers.DecimalField(max_digits=18, decimal_places=2)
    cost = serializers.DecimalField(max_digits=18, decimal_places=2)
    units = serializers.DecimalField(max_digits=18, decimal_places=2)
    nav = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    nav_date = serializers.DateField(allow_null=True)
    value = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)
    gain = serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True)


class PlanDetailSerializer(PlanSerializer):
    figures = serializers.SerializerMethodField()
    purchases = serializers.SerializerMethodField()

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "figures", "purchases"]
        read_only_fields = fields

    def get_figures(self, plan) -> PlanFiguresSerializer:
        return PlanFiguresSerializer(self.context["figures"]).data

    def get_purchases(self, plan) -> PlanPurchaseSerializer(many=True):
        return PlanPurchaseSerializer(plan.purchases.order_by("-due_date"), many=True).data
