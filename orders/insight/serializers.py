"""Shapes of the portfolio returns API (no logic: orders.insight.returns computes)."""

from __future__ import annotations

from rest_framework import serializers

from products.models import FundType, ProductKind

from .returns import Period

MONEY = {"max_digits": 18, "decimal_places": 2}
RATE = {"max_digits": 12, "decimal_places": 6}


class PeriodQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(
        choices=Period.choices,
        required=False,
        default=Period.ONE_YEAR.value,
        help_text="1m, 3m, 6m, 1y, ytd or all (since the first purchase).",
    )


class FiguresSerializer(serializers.Serializer):
    value_start = serializers.DecimalField(**MONEY, help_text="Value at the close of the base day.")
    value_end = serializers.DecimalField(**MONEY)
    paid_in = serializers.DecimalField(**MONEY, help_text="Purchases in the period.")
    paid_out = serializers.DecimalField(
        **MONEY, help_text="Sale proceeds, maturities and cash distributions in the period."
    )
    cash_distributions = serializers.DecimalField(**MONEY)
    reinvested = serializers.DecimalField(**MONEY, help_text="Distributions reinvested in units.")
    income = serializers.DecimalField(**MONEY, help_text="Money-market income in the period.")
    day_change = serializers.DecimalField(
        **MONEY, help_text="Today's gain: the change of the latest NAV (or the day's income)."
    )
    gain = serializers.DecimalField(
        **MONEY, help_text="value_end + paid_out − value_start − paid_in."
    )
    money_weighted = serializers.DecimalField(
        **RATE,
        allow_null=True,
        help_text="XIRR from the value at the start; for a period under a year, over the "
        "period (not annualised).",
    )
    money_weighted_annualised = serializers.DecimalField(
        **RATE, allow_null=True, help_text="Null for a period under a year."
    )
    time_weighted = serializers.DecimalField(
        **RATE, allow_null=True, help_text="Cumulative over the period."
    )
    time_weighted_annualised = serializers.DecimalField(
        **RATE, allow_null=True, help_text="Null for a period under a year."
    )


class ReturnProductSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ProductKind.choices)
    fund_type = serializers.CharField(help_text="Empty for insurance and savings.")
    risk_level = serializers.SerializerMethodField()

    def get_risk_level(self, product) -> str:
        return f"R{product.risk_level}"


class HoldingPerformanceSerializer(serializers.Serializer):
    product = ReturnProductSerializer()
    units = serializers.DecimalField(**MONEY)
    price = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    price_date = serializers.DateField(allow_null=True)
    figures = FiguresSerializer()


class SliceSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="A product kind, a fund type (" + ", ".join(FundType.values) + ") or 1–5."
    )
    label = serializers.CharField()
    value = serializers.DecimalField(**MONEY)
    share = serializers.DecimalField(**RATE, help_text="A fraction of the value at the end.")


class AllocationSerializer(serializers.Serializer):
    kind = SliceSerializer(many=True)
    fund_type = SliceSerializer(many=True)
    risk_level = SliceSerializer(many=True)


class PerformanceSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=Period.choices)
    base = serializers.DateField(help_text="The period starts from the value at its close.")
    end = serializers.DateField()
    annualised = serializers.BooleanField(help_text="Whether the period is a year or longer.")
    total = FiguresSerializer()
    holdings = HoldingPerformanceSerializer(many=True)
    allocation = serializers.SerializerMethodField()

    def get_allocation(self, performance) -> AllocationSerializer:
        return AllocationSerializer(
            {by: performance.allocation(by) for by in ("kind", "fund_type", "risk_level")}
        ).data
