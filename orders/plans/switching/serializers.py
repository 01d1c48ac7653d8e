"""Switch API shapes: the input (shape only; the service judges the rest) and a switch with
both of its orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.fields import DecimalStringField
from marketplace.money import UNITS_MESSAGES

from ...serializers import OrderSerializer
from ...services.trading.checks import UNITS_REQUIRED
from . import selectors
from .models import Switch, SwitchStatus


class SwitchInputSerializer(serializers.Serializer):
    """Switch ``units`` of ``from_product`` (a fund you hold) into ``to_product`` (a fund of
    the same institution on sale)."""

    from_product = serializers.SlugField(max_length=80, help_text="The fund you sell (slug).")
    to_product = serializers.SlugField(max_length=80, help_text="The fund you buy (slug).")
    units = DecimalStringField(
        places=2,
        positive=True,
        maximum=lambda: settings.MAX_ORDER_AMOUNT,
        messages=UNITS_MESSAGES,
        error_messages={"required": UNITS_REQUIRED},
    )
    acknowledge_risk = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Needed when the fund switched into is above the investor's risk level.",
    )


class SwitchSerializer(serializers.ModelSerializer):
    from_product = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    to_product = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status = serializers.SerializerMethodField()
    trade_date = serializers.SerializerMethodField()
    difference_rate = serializers.SerializerMethodField(
        help_text="max(0, to_subscription_rate − from_subscription_rate), charged on the amount."
    )
    amount = serializers.SerializerMethodField(
        help_text="What moved into the fund bought (the sale's proceeds); null until confirmed."
    )
    redemption_fee = serializers.SerializerMethodField()
    difference_fee = serializers.SerializerMethodField()
    cancellable = serializers.SerializerMethodField()
    sell_order = serializers.SerializerMethodField()
    buy_order = serializers.SerializerMethodField()

    class Meta:
        model = Switch
        fields = [
            "id",
            "status",
            "from_product",
            "to_product",
            "units",
            "trade_date",
            "estimated_amount",
            "from_subscription_rate",
            "to_subscription_rate",
            "difference_rate",
            "amount",
            "redemption_fee",
            "difference_fee",
            "cancellable",
            "created_at",
            "sell_order",
            "buy_order",
        ]
        read_only_fields = fields

    def get_status(self, switch: Switch) -> SwitchStatus:
        return SwitchStatus(selectors.switch_status(switch))

    def get_trade_date(self, switch: Switch) -> dt.date | None:
        sell, _buy = selectors.switch_legs(switch)
        return sell.trade_date if sell else None

    def get_difference_rate(self, switch: Switch) -> Decimal:
        return max(Decimal(0), switch.to_subscription_rate - switch.from_subscription_rate)

    def _figure(self, switch: Switch, side: str, name: str) -> str | None:
        sell, buy = selectors.switch_legs(switch)
        order = sell if side == "sell" else buy
        value = getattr(order, name, None) if order else None
        return None if value is None else f"{value:.2f}"

    def get_amount(self, switch: Switch) -> str | None:
        return self._figure(switch, "buy", "amount")

    def get_redemption_fee(self, switch: Switch) -> str | None:
        return self._figure(switch, "sell", "fee")

    def get_difference_fee(self, switch: Switch) -> str | None:
        return self._figure(switch, "buy", "fee")

    def get_cancellable(self, switch: Switch) -> bool:
        return selectors.switch_cancellable(switch)

    @extend_schema_field(OrderSerializer(allow_null=True))
    def get_sell_order(self, switch: Switch):
        sell, _buy = selectors.switch_legs(switch)
        return OrderSerializer(sell).data if sell else None

    @extend_schema_field(OrderSerializer(allow_null=True))
    def get_buy_order(self, switch: Switch):
        _sell, buy = selectors.switch_legs(switch)
        return OrderSerializer(buy).data if buy else None
