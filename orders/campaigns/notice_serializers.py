"""The investor's notification preferences over the API (shape only; the service decides)."""

from rest_framework import serializers

from .notices import ALWAYS_EMAILED, OPTIONAL


class NotificationPreferencesSerializer(serializers.Serializer):
    """``true``: the notice also comes by e-mail (it always arrives in the inbox)."""

    order_confirmed = serializers.BooleanField(
        required=False, help_text="E-mail the confirmation of each order (units, NAV, fee)."
    )
    redemption_paid = serializers.BooleanField(
        required=False,
        help_text="E-mail when a sale's proceeds, a refund or an early withdrawal reach cash.",
    )
    assessment_expiring = serializers.BooleanField(
        required=False, help_text="E-mail 30 days before the risk assessment expires."
    )
    always_emailed = serializers.ListField(
        child=serializers.ChoiceField(choices=list(ALWAYS_EMAILED)),
        read_only=True,
        help_text="Notices that are always e-mailed: they protect your money or rights.",
    )

    def to_representation(self, instance: dict) -> dict:
        return {**{topic: instance[topic] for topic in OPTIONAL}, "always_emailed": ALWAYS_EMAILED}
