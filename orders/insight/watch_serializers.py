"""Shapes of the watchlist and alerts API. Serializers check shape only; ``watch`` decides.

An alert's body depends on its kind (a discriminated ``oneOf`` in the schema): a NAV for
``nav_above`` and ``nav_below`` (above zero, 4 decimals), a percentage for ``daily_move``
(above 0, at most 100, 2 decimals) and nothing for ``announcement``."""

from __future__ import annotations

from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from marketplace.fields import DecimalStringField
from products.serializers import RiskLevelField

from .models import Alert, AlertKind, WatchItem

SLUG_PATTERN = r"^[-a-zA-Z0-9_]{1,80}$"
NAV_LIMIT = 99_999_999


def _slug_field(**kwargs) -> serializers.RegexField:
    return serializers.RegexField(SLUG_PATTERN, max_length=80, **kwargs)


class WatchInputSerializer(serializers.Serializer):
    product = _slug_field(help_text="The product's slug.")


class _AlertInput(serializers.Serializer):
    product = _slug_field(help_text="The product's slug (it joins the watchlist if needed).")


class NavAboveAlertInputSerializer(_AlertInput):
    kind = serializers.ChoiceField(choices=[AlertKind.NAV_ABOVE.value])
    threshold = DecimalStringField(
        places=4, maximum=NAV_LIMIT, positive=True, help_text="Fires when the NAV is ≥ this."
    )


class NavBelowAlertInputSerializer(_AlertInput):
    kind = serializers.ChoiceField(choices=[AlertKind.NAV_BELOW.value])
    threshold = DecimalStringField(
        places=4, maximum=NAV_LIMIT, positive=True, help_text="Fires when the NAV is ≤ this."
    )


class DailyMoveAlertInputSerializer(_AlertInput):
    kind = serializers.ChoiceField(choices=[AlertKind.DAILY_MOVE.value])
    threshold = DecimalStringField(
        places=2,
        maximum=100,
        positive=True,
        help_text="Percent: fires when the NAV moves by at least this much in a day, up or down.",
    )


class AnnouncementAlertInputSerializer(_AlertInput):
    kind = serializers.ChoiceField(choices=[AlertKind.ANNOUNCEMENT.value])


ALERT_INPUTS: dict[str, type[serializers.Serializer]] = {
    AlertKind.NAV_ABOVE.value: NavAboveAlertInputSerializer,
    AlertKind.NAV_BELOW.value: NavBelowAlertInputSerializer,
    AlertKind.DAILY_MOVE.value: DailyMoveAlertInputSerializer,
    AlertKind.ANNOUNCEMENT.value: AnnouncementAlertInputSerializer,
}

AlertInputSerializer = PolymorphicProxySerializer(
    component_name="AlertInput",
    serializers=ALERT_INPUTS,
    resource_type_field_name="kind",
)


class AlertKindSerializer(serializers.Serializer):
    """Only the discriminator: which of :data:`ALERT_INPUTS` reads the body."""

    kind = serializers.ChoiceField(choices=AlertKind.choices)


class AlertSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(source="item.product", slug_field="slug", read_only=True)
    threshold = serializers.DecimalField(
        max_digits=12, decimal_places=4, read_only=True, allow_null=True
    )
    last_value = serializers.DecimalField(
        max_digits=16,
        decimal_places=4,
        read_only=True,
        allow_null=True,
        help_text="What the last check saw: the NAV, or the day's move in percent.",
    )

    class Meta:
        model = Alert
        fields = [
            "id",
            "product",
            "kind",
            "threshold",
            "armed",
            "last_fired_at",
            "last_value",
            "last_checked_on",
            "created_at",
        ]
        read_only_fields = fields


class WatchedProductSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    risk_level = RiskLevelField(read_only=True)
    institution = serializers.CharField(source="institution.name", read_only=True)
    latest_nav = serializers.DecimalField(
        max_digits=12, decimal_places=4, read_only=True, allow_null=True
    )
    latest_nav_date = serializers.DateField(read_only=True, allow_null=True)
    day_change = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        read_only=True,
        allow_null=True,
        help_text="The latest NAV against the one before, as a fraction (0.0125 = +1.25%).",
    )


class WatchItemSerializer(serializers.ModelSerializer):
    product = WatchedProductSerializer(read_only=True)
    alerts = AlertSerializer(many=True, read_only=True)

    class Meta:
        model = WatchItem
        fields = ["product", "alerts", "created_at"]
        read_only_fields = fields
