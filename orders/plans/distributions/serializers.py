"""Distribution API shapes (the services judge the values)."""

from __future__ import annotations

from rest_framework import serializers

from marketplace.fields import DecimalStringField

from .models import Distribution, DistributionPayment, DistributionStatus, Election


class DistributionSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status = serializers.ChoiceField(choices=DistributionStatus.choices, read_only=True)

    class Meta:
        model = Distribution
        fields = [
            "id",
            "product",
            "amount_per_unit",
            "record_date",
            "ex_date",
            "pay_date",
            "status",
            "declared_at",
            "reviewed_at",
            "reason",
            "paid_on",
        ]
        read_only_fields = fields


class DistributionDeclareSerializer(serializers.Serializer):
    # A decimal string like every amount of the API (DRF's DecimalField read "１０" as 10).
    amount_per_unit = DecimalStringField(places=4, maximum=10**8 - 1, positive=True)
    record_date = serializers.DateField()
    ex_date = serializers.DateField()
    pay_date = serializers.DateField()


class ElectionInputSerializer(serializers.Serializer):
    election = serializers.ChoiceField(choices=Election.choices)


class DistributionPaymentSerializer(serializers.ModelSerializer):
    distribution = serializers.IntegerField(source="distribution_id")
    amount_per_unit = serializers.DecimalField(
        max_digits=12, decimal_places=4, source="distribution.amount_per_unit"
    )
    record_date = serializers.DateField(source="distribution.record_date")

    class Meta:
        model = DistributionPayment
        fields = [
            "distribution",
            "amount_per_unit",
            "record_date",
            "paid_on",
            "election",
            "units_of_record",
            "gross",
            "cash",
            "reinvested",
            "units",
            "nav",
        ]
        read_only_fields = fields


class UpcomingDistributionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount_per_unit = serializers.DecimalField(max_digits=12, decimal_places=4)
    record_date = serializers.DateField()
    ex_date = serializers.DateField()
    pay_date = serializers.DateField()


class HoldingElectionSerializer(serializers.Serializer):
    product = serializers.SlugField()
    election = serializers.ChoiceField(choices=Election.choices)
    upcoming = UpcomingDistributionSerializer(many=True)
    payments = DistributionPaymentSerializer(many=True)
