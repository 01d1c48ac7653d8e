"""Serializers check shape only; services decide."""

from rest_framework import serializers

from marketplace.validators import plain_text

from .forms import APPLICABLE_TYPES
from .models import LICENCE_PATTERN, Institution, Invitation, Membership, ProductKind, Role


class InstitutionSummarySerializer(serializers.ModelSerializer):
    is_platform = serializers.BooleanField(read_only=True)

    class Meta:
        model = Institution
        # ``name`` is the request's language (Accept-Language), the others each language's.
        fields = ["slug", "name", "name_zh_hans", "name_en", "is_platform"]


class InstitutionSerializer(serializers.ModelSerializer):
    is_platform = serializers.BooleanField(read_only=True)
    allowed_kinds = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Institution
        fields = [
            "slug",
            "name",
            "type",
            "status",
            "is_platform",
            "licence_number",
            "registered_address",
            "website",
            "contact_name",
            "contact_email",
            "requested_kinds",
            "allowed_kinds",
            "description",
            "created_at",
            "status_changed_at",
        ]
        read_only_fields = fields


class ApplicationSerializer(serializers.Serializer):
    """The shape the model's own validators enforce, so the schema says it."""

    name = serializers.CharField(max_length=200, validators=[plain_text])
    type = serializers.ChoiceField(choices=APPLICABLE_TYPES)
    licence_number = serializers.RegexField(LICENCE_PATTERN, max_length=64)
    registered_address = serializers.CharField(max_length=300, validators=[plain_text])
    website = serializers.URLField(max_length=200, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=120, validators=[plain_text])
    contact_email = serializers.EmailField()
    requested_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ProductKind.choices), allow_empty=False
    )
    description = serializers.CharField(max_length=2000, validators=[plain_text])


class MembershipSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "email", "role", "created_at"]
        read_only_fields = fields


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "status", "created_at", "expires_at"]
        read_only_fields = ["id", "status", "created_at", "expires_at"]
