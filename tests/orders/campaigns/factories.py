"""Factories for campaigns (drafts; launch them through ``orders.campaigns.services``)."""

import datetime as dt

import factory
from django.utils import timezone

from orders.campaigns.models import Campaign, CampaignStatus, Trigger
from tests.factories import InstitutionFactory, UserFactory
from tests.profiles.factories import InvestorProfileFactory


class CampaignFactory(factory.django.DjangoModelFactory):
    """A draft campaign sent once, tomorrow, to every consenting investor."""

    class Meta:
        model = Campaign

    institution = factory.SubFactory(InstitutionFactory)
    title = factory.Sequence(lambda n: f"A lower fee for you {n}")
    body = "Buy our bond fund (R2) this month with half the subscription fee."
    status = CampaignStatus.DRAFT
    trigger = Trigger.SCHEDULED
    send_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))
    created_by = factory.SubFactory(UserFactory)


def consenting_investors(count: int, **profile) -> list:
    """``count`` investors with the marketing_offers consent (profile fields as given)."""
    profile.setdefault("marketing_offers", True)
    return [InvestorProfileFactory(**profile).user for _ in range(count)]
