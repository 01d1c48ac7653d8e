"""Shapes of questions and complaints over the API (the services decide the rest)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.fields import WholeNumberField
from marketplace.validators import plain_text

from .models import BODY_MAX, ID_MAX, SUBJECT_MAX, RequestKind, RequestMessage, ServiceRequest


class AttachmentSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    url = serializers.CharField(help_text="Where the API sends the file (a path of this site).")


class RequestMessageSerializer(serializers.ModelSerializer):
    attachment = serializers.SerializerMethodField()

    class Meta:
        model = RequestMessage
        fields = ["id", "side", "body", "created_at", "attachment"]
        read_only_fields = fields

    @extend_schema_field(AttachmentSerializer(allow_null=True))
    def get_attachment(self, message: RequestMessage):
        if not message.attachment:
            return None
        route = self.context.get("attachment_route", "api-me-request-attachment")
        return {
            "name": message.attachment_name,
            "size": message.attachment_size,
            "content_type": message.attachment_type,
            "url": reverse(route, args=[message.request_id, message.pk]),
        }


class InstitutionRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class ServiceRequestSerializer(serializers.ModelSerializer):
    institution = InstitutionRefSerializer(read_only=True)
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    order = serializers.IntegerField(source="order_id", read_only=True, allow_null=True)
    holding = serializers.IntegerField(source="holding_id", read_only=True, allow_null=True)
    investor = serializers.IntegerField(source="investor_id", read_only=True)
    late = serializers.SerializerMethodField()
    escalated = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "kind",
            "subject",
            "status",
            "institution",
            "investor",
            "product",
            "order",
            "holding",
            "created_at",
            "first_response_due",
            "first_response_at",
            "last_activity_at",
            "escalated",
            "escalated_at",
            "closed_at",
            "late",
        ]
        read_only_fields = fields

    def get_late(self, obj: ServiceRequest) -> bool:
        return obj.is_late()

    def get_escalated(self, obj: ServiceRequest) -> bool:
        return obj.escalated_at is not None


class ServiceRequestDetailSerializer(ServiceRequestSerializer):
    messages = serializers.SerializerMethodField()

    class Meta(ServiceRequestSerializer.Meta):
        fields = [*ServiceRequestSerializer.Meta.fields, "messages"]
        read_only_fields = fields

    @extend_schema_field(RequestMessageSerializer(many=True))
    def get_messages(self, obj: ServiceRequest):
        messages = self.context.get("conversation")
        if messages is None:
            messages = obj.messages.all()
        return RequestMessageSerializer(messages, many=True, context=self.context).data


class MessageInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=BODY_MAX, validators=[plain_text])


class MessageUploadSerializer(MessageInputSerializer):
    attachment = serializers.FileField(
        required=False, help_text="A PDF, PNG or JPEG of at most 5 MB (judged by its content)."
    )


class RequestInputSerializer(serializers.Serializer):
    """At least one of ``order``, ``holding`` (the investor's own) or ``product`` (slug);
    each given must be about the same product."""

    kind = serializers.ChoiceField(choices=RequestKind.choices)
    subject = serializers.CharField(max_length=SUBJECT_MAX, validators=[plain_text])
    body = serializers.CharField(max_length=BODY_MAX, validators=[plain_text])
    order = WholeNumberField(required=False, min_value=1, max_value=ID_MAX)
    holding = WholeNumberField(required=False, min_value=1, max_value=ID_MAX)
    product = serializers.SlugField(required=False, max_length=200)


class RequestUploadSerializer(RequestInputSerializer):
    attachment = serializers.FileField(
        required=False, help_text="A PDF, PNG or JPEG of at most 5 MB (judged by its content)."
    )
