from rest_framework import serializers

from .models import InboxMessage


class InboxMessageSerializer(serializers.ModelSerializer):
    read = serializers.BooleanField(source="is_read", read_only=True)

    class Meta:
        model = InboxMessage
        fields = ["id", "kind", "topic", "title", "body", "link", "read", "read_at", "created_at"]
        read_only_fields = fields
