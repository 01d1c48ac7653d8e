"""The identity API's shapes: the number goes in, only its last four characters come out."""

import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.validators import plain_text

from . import providers
from .countries import COUNTRIES
from .models import DocumentType, Identity, IdentityStatus
from .services import NAME_MAX

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


@extend_schema_field({"type": "string", "format": "date", "pattern": DATE_PATTERN})
class CalendarDateField(serializers.DateField):
    """A date written YYYY-MM-DD only (as the schema says): Python's ISO parser also takes
    19900307 or 1990-W10-3, which the schema does not allow."""

    def to_internal_value(self, value):
        if isinstance(value, str) and not re.fullmatch(DATE_PATTERN, value):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class IdentityInputSerializer(serializers.Serializer):
    legal_name = serializers.CharField(
        max_length=NAME_MAX,
        validators=[plain_text],
        help_text="Exactly as printed on the document.",
    )
    document_type = serializers.ChoiceField(choices=DocumentType.choices)
    document_number = serializers.CharField(
        max_length=60,
        validators=[plain_text],
        help_text="As printed; spaces and dashes are ignored, a lower-case x is read as X. "
        "Never returned: responses carry its last four characters only.",
    )
    date_of_birth = CalendarDateField(
        required=False,
        allow_null=True,
        help_text="Required for a passport and an 8/9/11-character permit; a resident ID (or "
        "18-character residence permit) holds it, and one given must match it.",
    )
    nationality = serializers.ChoiceField(
        choices=sorted(COUNTRIES),
        required=False,
        allow_blank=True,
        help_text="ISO 3166-1 alpha-2; required for a passport. Resident IDs are CN, permits "
        "HK, MO or TW (set from the document; one given must match).",
    )


class ReasonField(serializers.CharField):
    """A stored failure reason in the request's language (the platform's own reasons)."""

    def to_representation(self, value):
        return providers.reason_text(super().to_representation(value))


class IdentitySerializer(serializers.ModelSerializer):
    failure_reason = ReasonField(read_only=True)
    document_type = serializers.ChoiceField(choices=DocumentType.choices, read_only=True)
    status = serializers.ChoiceField(
        choices=IdentityStatus.choices,
        read_only=True,
        help_text="verified: you may top up and invest; review: a person at Fortune Market "
        "checks it; failed: not verified (see failure_reason), submit again; pending: being "
        "checked.",
    )
    document_last4 = serializers.CharField(read_only=True, help_text="The number's last four.")

    class Meta:
        model = Identity
        fields = [
            "legal_name",
            "document_type",
            "document_last4",
            "date_of_birth",
            "nationality",
            "status",
            "failure_reason",
            "submitted_at",
            "verified_at",
        ]
        read_only_fields = fields
