"""Serializers check shape only; the services decide. Money and rates are decimal strings."""

from __future__ import annotations

from rest_framework import serializers

from institutions.models import ProductKind
from institutions.serializers import InstitutionSummarySerializer

from .fees import Tier
from .models import DailyYield, FeeTier, FundType, NavPrice, Product, RiskLevel

RISK_CODES = [f"R{v}" for v in RiskLevel.values]


class RiskLevelField(serializers.ChoiceField):
    """``3`` ↔ ``"R3"``."""

    def __init__(self, **kwargs):
        super().__init__(choices=RISK_CODES, **kwargs)

    def to_representation(self, value):
        return f"R{value}"

    def to_internal_value(self, data):
        return int(super().to_internal_value(data)[1:])


class FeeTierSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeTier
        fields = ["schedule", "lower", "upper", "rate", "fixed_fee"]


class FundTermsSerializer(serializers.Serializer):
    management_fee_rate = serializers.DecimalField(max_digits=9, decimal_places=6)
    custody_fee_rate = serializers.DecimalField(max_digits=9, decimal_places=6)


class InsuranceTermsSerializer(serializers.Serializer):
    premium = serializers.DecimalField(max_digits=16, decimal_places=2)
    coverage_amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    term_months = serializers.IntegerField(min_value=1, max_value=1200)
    cooling_off_days = serializers.IntegerField(min_value=15, max_value=365, default=15)
    cancellation_fee = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, max_value=10, default=0
    )


class SavingsTermsSerializer(serializers.Serializer):
    term_months = serializers.IntegerField(min_value=1, max_value=600)
    annual_rate = serializers.DecimalField(max_digits=9, decimal_places=6)
    early_withdrawal_rate = serializers.DecimalField(max_digits=9, decimal_places=6)


TERMS_SERIALIZERS = {
    ProductKind.FUND: FundTermsSerializer,
    ProductKind.INSURANCE: InsuranceTermsSerializer,
    ProductKind.SAVINGS: SavingsTermsSerializer,
}


class ProductListSerializer(serializers.ModelSerializer):
    institution = InstitutionSummarySerializer(read_only=True)
    risk_level = RiskLevelField(read_only=True)
    is_platform_operated = serializers.BooleanField(read_only=True)

    class Meta:
        model = Product
        fields = [
            "slug",
            "name",
            "kind",
            "fund_type",
            "code",
            "risk_level",
            "institution",
            "is_platform_operated",
            "summary",
            "min_purchase",
            "latest_nav",
            "latest_nav_date",
            "return_6m",
            "return_1y",
            "return_since_launch",
            "headline_fee_rate",
            "latest_income_per_10k",
            "latest_seven_day_yield",
            "latest_yield_date",
            "published_at",
        ]
        read_only_fields = fields


class ProductDetailSerializer(ProductListSerializer):
    terms = serializers.SerializerMethodField()
    fee_tiers = FeeTierSerializer(many=True, read_only=True)
    risk_meaning = serializers.CharField(read_only=True)

    class Meta(ProductListSerializer.Meta):
        fields = [
            *ProductListSerializer.Meta.fields,
            "description",
            "risk_meaning",
            "terms",
            "fee_tiers",
        ]
        read_only_fields = fields

    def get_terms(self, product) -> dict:
        terms = getattr(product, f"{product.kind}_terms", None)
        if terms is None:
            return {}
        return TERMS_SERIALIZERS[product.kind](terms).data


class NavPriceSerializer(serializers.ModelSerializer):
    class Meta:
        model = NavPrice
        fields = ["date", "nav"]


class DailyYieldSerializer(serializers.ModelSerializer):
    """One day of a money-market fund: income per 10,000 units (CNY) and the 7-day annualised
    yield (a fraction: ``"0.018500"`` = 1.85%)."""

    class Meta:
        model = DailyYield
        fields = ["date", "income_per_10k", "seven_day_yield"]


class TierInputSerializer(serializers.Serializer):
    lower = serializers.DecimalField(max_digits=18, decimal_places=2, min_value=0)
    upper = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True
    )
    rate = serializers.DecimalField(max_digits=9, decimal_places=6, default=0)
    fixed_fee = serializers.DecimalField(
        max_digits=16, decimal_places=2, required=False, allow_null=True
    )

    def to_tier(self, data) -> Tier:
        return Tier(data["lower"], data.get("upper"), data.get("rate") or 0, data.get("fixed_fee"))


class ProductWriteSerializer(serializers.Serializer):
    """Create (all fields) or PATCH (any of them). ``terms`` is checked against ``kind``."""

    kind = serializers.ChoiceField(choices=ProductKind.choices)
    name = serializers.CharField(max_length=120)
    risk_level = RiskLevelField()
    summary = serializers.CharField(max_length=300)
    description = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    min_purchase = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    fund_type = serializers.ChoiceField(choices=FundType.choices, required=False, allow_blank=True)
    code = serializers.RegexField(r"^\d{6}$", required=False, allow_null=True, allow_blank=True)
    terms = serializers.DictField(required=False)
    subscription_tiers = TierInputSerializer(many=True, required=False)
    redemption_tiers = TierInputSerializer(many=True, required=False)

    def validate(self, attrs):
        kind = attrs.get("kind") or getattr(self.instance, "kind", None)
        if "terms" in attrs and kind:
            terms = TERMS_SERIALIZERS[kind](data=attrs["terms"], partial=self.partial)
            if not terms.is_valid():
                raise serializers.ValidationError({"terms": terms.errors})
            attrs["terms"] = terms.validated_data
        elif not self.partial:
            raise serializers.ValidationError({"terms": ["This field is required."]})
        return attrs

    def fee_tiers(self) -> dict | None:
        data = self.validated_data
        tiers = {}
        for schedule in ("subscription", "redemption"):
            if f"{schedule}_tiers" in data:
                tiers[schedule] = [
                    TierInputSerializer().to_tier(row) for row in data[f"{schedule}_tiers"]
                ]
        return tiers or None


class NavRowsSerializer(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)),
        allow_empty=False,
        max_length=200_000,
    )


class NavUploadResultSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.ListField(child=serializers.DictField())


class YieldRowsSerializer(serializers.Serializer):
    """``{"rows": [{"date", "income_per_10k", "seven_day_yield"}, …]}``, values as strings."""

    rows = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)),
        allow_empty=False,
        max_length=200_000,
    )


class YieldUploadResultSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.ListField(child=serializers.DictField())
