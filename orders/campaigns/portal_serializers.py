"""Portal API shapes of campaigns (shape only: ``services.campaign_save`` decides)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.fields import WholeNumberField
from marketplace.validators import plain_text
from products.models import Product
from profiles.models import AgeCohort, City, RiskCategory

from ..coupons.models import Coupon, CouponStatus
from .models import Campaign, Trigger
from .selectors import campaign_results
from .services import MAX_DELAY_HOURS, MAX_PURCHASE_DAYS


@extend_schema_field({"type": "string", "nullable": True, "description": "A product's slug."})
class _OwnProduct(serializers.SlugRelatedField):
    """A product of the member's institution, by slug (any other is "does not exist")."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", required=False, allow_null=True, **kwargs)

    def get_queryset(self):
        institution = getattr(self.context.get("request"), "institution", None)
        return Product.objects.filter(institution=institution)


@extend_schema_field({"type": "integer", "nullable": True, "description": "A coupon's id."})
class _OwnCoupon(serializers.PrimaryKeyRelatedField):
    """One of the member's institution's active coupons, by id."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def get_queryset(self):
        institution = getattr(self.context.get("request"), "institution", None)
        return Coupon.objects.filter(institution=institution, status=CouponStatus.ACTIVE)


class CampaignInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120, validators=[plain_text])
    body = serializers.CharField(max_length=2000, validators=[plain_text])
    trigger = serializers.ChoiceField(choices=Trigger.choices)
    product = _OwnProduct(help_text="after_purchase: the product whose purchase starts it.")
    delay_hours = WholeNumberField(min_value=0, max_value=MAX_DELAY_HOURS, default=0)
    send_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="scheduled: when it is sent (future)."
    )
    risk_levels = serializers.ListField(
        child=serializers.ChoiceField(choices=RiskCategory.values),
        required=False,
        max_length=5,
        help_text="Investor risk levels 1–5; empty: every level.",
    )
    age_cohorts = serializers.ListField(
        child=serializers.ChoiceField(choices=AgeCohort.values), required=False, max_length=6
    )
    cities = serializers.ListField(
        child=serializers.ChoiceField(choices=City.values), required=False, max_length=13
    )
    holders_of = _OwnProduct(help_text="Only investors holding units of this product.")
    coupon = _OwnCoupon(help_text="An active coupon of the institution, given with the offer.")
    purchased_min_days = WholeNumberField(
        min_value=0, max_value=MAX_PURCHASE_DAYS, required=False, allow_null=True
    )
    purchased_max_days = WholeNumberField(
        min_value=0, max_value=MAX_PURCHASE_DAYS, required=False, allow_null=True
    )


class CampaignResultsSerializer(serializers.Serializer):
    sent = serializers.IntegerField()
    opened = serializers.IntegerField()
    coupon_redeemed = serializers.IntegerField(allow_null=True)
    orders = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=18, decimal_places=2)
    attribution_days = serializers.IntegerField()


class CampaignSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    holders_of = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    risk_levels = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    age_cohorts = serializers.ListField(child=serializers.CharField(), read_only=True)
    cities = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "body",
            "status",
            "trigger",
            "product",
            "delay_hours",
            "send_at",
            "risk_levels",
            "age_cohorts",
            "cities",
            "holders_of",
            "purchased_min_days",
            "purchased_max_days",
            "coupon",
            "created_at",
            "launched_at",
        ]
        read_only_fields = fields


class CampaignDetailSerializer(CampaignSerializer):
    results = serializers.SerializerMethodField()

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "results"]
        read_only_fields = fields

    @extend_schema_field(CampaignResultsSerializer)
    def get_results(self, campaign) -> dict:
        return CampaignResultsSerializer(campaign_results(campaign=campaign)).data


class CampaignPreviewSerializer(serializers.Serializer):
    reachable = serializers.IntegerField(
        allow_null=True, help_text="null: fewer than the threshold (suppressed)."
    )
    display = serializers.CharField()
    threshold = serializers.IntegerField()
