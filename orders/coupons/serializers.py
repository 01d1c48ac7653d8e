"""Coupon API shapes. Serializers check shape only; ``services`` judges the rest."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from rest_framework import serializers

from marketplace.fields import DecimalStringField, WholeNumberField
from marketplace.money import AMOUNT_MESSAGES
from marketplace.validators import plain_text

from .models import Coupon, CouponKind, CouponStatus

PERCENT_MESSAGES = {
    "not_number": "Enter a percentage, e.g. 50 or 12.50.",
    "not_positive": "Enter a percentage above zero.",
    "too_precise": "Percentages have at most 2 decimal places.",
    "too_large": "A percentage is at most {maximum:,}.",
}


def _money(*, positive=True, required=False) -> DecimalStringField:
    return DecimalStringField(
        places=2,
        positive=positive,
        maximum=lambda: settings.MAX_ORDER_AMOUNT,
        messages=AMOUNT_MESSAGES,
        required=required,
    )


def _percent(*, positive: bool) -> DecimalStringField:
    return DecimalStringField(
        places=2,
        positive=positive,
        maximum=Decimal(100),
        messages=PERCENT_MESSAGES,
        required=False,
    )


class CouponInputSerializer(serializers.Serializer):
    """A new coupon (DESIGN §6 "coupons"): the kind's own field is required (``percent_off``,
    ``amount_off``, or ``rate_share`` with ``uses``); the others are ignored."""

    kind = serializers.ChoiceField(choices=CouponKind.choices)
    name = serializers.CharField(
        max_length=120, required=False, allow_blank=True, validators=[plain_text]
    )
    code = serializers.RegexField(
        r"^[A-Za-z0-9_-]{3,32}$",
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="Optional; unique whatever the case. Without one the coupon is only for the "
        "investors it is granted to.",
    )
    percent_off = _percent(positive=True)
    amount_off = _money()
    min_purchase = _money(positive=False)
    rate_share = _percent(positive=False)
    uses = WholeNumberField(
        min_value=1, max_value=1000, required=False, help_text="A card's purchases per investor."
    )
    per_user_limit = WholeNumberField(min_value=1, max_value=1000, required=False)
    products = serializers.ListField(
        child=serializers.SlugField(max_length=80),
        max_length=200,
        required=False,
        help_text="Slugs of your funds (staff: any funds; empty = all).",
    )
    valid_from = serializers.DateField(required=False)
    valid_until = serializers.DateField()
    count = WholeNumberField(min_value=1, max_value=10_000_000)
    budget = _money(required=True)

    def validate(self, attrs):
        if attrs["kind"] == CouponKind.FEE_RATE_CARD and "uses" in attrs:
            attrs["per_user_limit"] = attrs["uses"]
        attrs.pop("uses", None)
        attrs["max_count"] = attrs.pop("count")
        return attrs


class CouponSerializer(serializers.ModelSerializer):
    products = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    institution = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    count = serializers.IntegerField(source="max_count", read_only=True)
    uses = serializers.IntegerField(source="per_user_limit", read_only=True)
    budget_used = DecimalStringField(places=2, maximum=10**16, source="spent", read_only=True)
    count_used = serializers.IntegerField(source="redeemed", read_only=True)
    percent_off = DecimalStringField(places=2, maximum=100, read_only=True, allow_null=True)
    rate_share = DecimalStringField(places=2, maximum=100, read_only=True, allow_null=True)
    amount_off = DecimalStringField(places=2, maximum=10**16, read_only=True, allow_null=True)
    min_purchase = DecimalStringField(places=2, maximum=10**16, read_only=True)
    budget = DecimalStringField(places=2, maximum=10**16, read_only=True)

    class Meta:
        model = Coupon
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "payer",
            "institution",
            "status",
            "percent_off",
            "amount_off",
            "min_purchase",
            "rate_share",
            "uses",
            "per_user_limit",
            "products",
            "valid_from",
            "valid_until",
            "count",
            "budget",
            "count_used",
            "budget_used",
            "created_at",
        ]
        read_only_fields = fields


class WalletCouponSerializer(serializers.Serializer):
    coupon = CouponSerializer()
    uses_left = serializers.IntegerField(source="grant.uses_left")
    usable = serializers.BooleanField()
    reason = serializers.CharField(help_text="Why it cannot be used now (empty when it can).")


class ClaimInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)


class CouponStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=CouponStatus.choices,
        help_text="active ↔ paused, either → ended (an ended coupon stays ended).",
    )


class GrantInputSerializer(serializers.Serializer):
    emails = serializers.ListField(
        child=serializers.EmailField(max_length=254),
        min_length=1,
        max_length=500,
        help_text="Your customers' e-mail addresses (investors with a confirmed order of "
        "yours); any other address refuses the whole list.",
    )


class GrantResultSerializer(serializers.Serializer):
    granted = serializers.IntegerField()
