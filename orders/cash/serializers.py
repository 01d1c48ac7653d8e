from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import BankCard


class BankCardSerializer(serializers.ModelSerializer):
    class Meta:
        model = BankCard
        fields = [
            "id",
            "bank_name",
            "last4",
            "kind",
            "holder_name",
            "is_default",
            "status",
            "bound_at",
            "unbound_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "last4": {"help_text": "The card's last four digits (the number is never kept)."},
            "holder_name": {"help_text": "The verified legal name the card is bound in."},
        }


NUMBER_AS_TEXT = _("Send the card number as a string of digits.")


class CardNumberField(serializers.CharField):
    """Text only: a JSON number would lose leading digits or precision."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(NUMBER_AS_TEXT, code="invalid")
        return super().to_internal_value(data)


class CardBindInputSerializer(serializers.Serializer):
    card_number = CardNumberField(
        write_only=True,
        max_length=40,
        help_text="The debit card's number: 16 to 19 digits (spaces or hyphens allowed), with "
        "a valid Luhn check digit. It goes to the payment gateway and is never stored, logged "
        "or returned. The card is bound in your verified legal name (the bank checks it).",
    )
