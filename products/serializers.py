"""Serializers check shape only; the services decide. Money and rates are decimal strings."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from institutions.models import ProductKind
from institutions.serializers import InstitutionSummarySerializer
from marketplace.fields import DecimalStringField, WholeNumberField
from marketplace.validators import plain_text

from .fees import Tier
from .models import DailyYield, FeeTier, FundType, NavPrice, Product, RiskLevel

RISK_CODES = [f"R{v}" for v in RiskLevel.values]
MONEY_MAX = 10**16 - 1  # what an AmountField's 18 digits (2 dp) hold
RATE_MAX = 1  # a rate is a fraction; the services judge the real limits


def _money(**kwargs) -> DecimalStringField:
    return DecimalStringField(places=2, maximum=MONEY_MAX, **kwargs)


def _rate(**kwargs) -> DecimalStringField:
    return DecimalStringField(places=6, maximum=RATE_MAX, **kwargs)


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
    management_fee_rate = _rate()
    custody_fee_rate = _rate()


class InsuranceTermsSerializer(serializers.Serializer):
    premium = _money()
    coverage_amount = _money()
    term_months = WholeNumberField(min_value=1, max_value=1200)
    cooling_off_days = WholeNumberField(min_value=15, max_value=365, default=15)
    cancellation_fee = DecimalStringField(places=2, maximum=10, default=Decimal(0))
    premium_years = WholeNumberField(min_value=1, max_value=100, default=1)
    waiting_days = WholeNumberField(min_value=0, max_value=365, default=0)
    claims = serializers.CharField(
        max_length=2000, allow_blank=True, default="", validators=[plain_text]
    )
    exclusions = serializers.CharField(
        max_length=2000, allow_blank=True, default="", validators=[plain_text]
    )


class SavingsTermsSerializer(serializers.Serializer):
    term_months = serializers.IntegerField(min_value=1, max_value=600)
    annual_rate = _rate()
    early_withdrawal_rate = _rate()
    deposit_insured = serializers.BooleanField(default=False)


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
            # ``name``/``summary`` in the request's language (Accept-Language, falling back to
            # the other); each language's beside them.
            "name",
            "name_zh_hans",
            "name_en",
            "kind",
            "fund_type",
            "code",
            "risk_level",
            "institution",
            "is_platform_operated",
            "summary",
            "summary_zh_hans",
            "summary_en",
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
    """One band: from ``lower`` (an amount, or days held for redemptions) up to ``upper``
    (null: open-ended), charging ``rate`` (a fraction) or a ``fixed_fee``."""

    lower = _money()
    upper = _money(required=False, allow_null=True)
    rate = _rate(required=False)
    fixed_fee = _money(required=False, allow_null=True)

    def to_tier(self, data) -> Tier:
        return Tier(
            data["lower"], data.get("upper"), data.get("rate", Decimal(0)), data.get("fixed_fee")
        )


class TermsField(serializers.DictField):
    """Checked against ``kind`` by :class:`ProductWriteSerializer`."""


class TermsFieldSchema(OpenApiSerializerFieldExtension):
    """drf-spectacular: ``terms`` is one of the three kinds' terms."""

    target_class = TermsField

    def map_serializer_field(self, auto_schema, direction):
        return {
            "oneOf": [
                auto_schema.resolve_serializer(TERMS_SERIALIZERS[kind], direction).ref
                for kind in (ProductKind.FUND, ProductKind.INSURANCE, ProductKind.SAVINGS)
            ],
            "description": "The terms of the product's kind (fund, insurance or savings).",
        }


class ProductWriteSerializer(serializers.Serializer):
    """Create (all fields) or PATCH (any of them). ``terms`` is checked against ``kind``."""

    kind = serializers.ChoiceField(choices=ProductKind.choices)
    # ``name``/``summary`` set the request language's; ``name_zh_hans`` … each language's.
    name = serializers.CharField(max_length=120, required=False, validators=[plain_text])
    name_zh_hans = serializers.CharField(
        max_length=120, required=False, allow_blank=True, validators=[plain_text]
    )
    name_en = serializers.CharField(
        max_length=120, required=False, allow_blank=True, validators=[plain_text]
    )
    risk_level = RiskLevelField()
    summary = serializers.CharField(max_length=300, required=False, validators=[plain_text])
    summary_zh_hans = serializers.CharField(
        max_length=300, required=False, allow_blank=True, validators=[plain_text]
    )
    summary_en = serializers.CharField(
        max_length=300, required=False, allow_blank=True, validators=[plain_text]
    )
    description = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, validators=[plain_text]
    )
    min_purchase = _money()
    fund_type = serializers.ChoiceField(choices=FundType.choices, required=False, allow_blank=True)
    code = serializers.RegexField(r"^\d{6}$", required=False, allow_null=True, allow_blank=True)
    terms = TermsField(required=False)
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
            raise serializers.ValidationError({"terms": [_("This field is required.")]})
        if not self.partial:
            for field_name in ("name", "summary"):
                if not any(attrs.get(f"{field_name}{s}") for s in ("", "_zh_hans", "_en")):
                    raise serializers.ValidationError(
                        {field_name: [_("This field is required.")]}, code="required"
                    )
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


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "date": {"type": "string", "description": "YYYY-MM-DD"},
            "nav": {"type": "string", "description": 'The NAV, e.g. "1.2345"'},
        },
        "required": ["date", "nav"],
        "description": "One day's NAV. Rows that cannot be read are reported back in "
        "``rejected`` with their line, not refused as a whole.",
    }
)
class NavRowField(serializers.DictField):
    child = serializers.CharField(allow_blank=True)


class NavRowsSerializer(serializers.Serializer):
    rows = serializers.ListField(child=NavRowField(), allow_empty=False, max_length=200_000)


class NavCsvUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A CSV file with a header row: date,nav")


class YieldCsvUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A CSV file with a header row: date,income_per_10k,seven_day_yield"
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


class ProductCreateSerializer(ProductWriteSerializer):
    """A new listing: every field but the optional ones, ``terms`` of its ``kind`` included."""

    terms = TermsField()
