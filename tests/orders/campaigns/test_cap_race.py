"""The frequency cap holds when campaigns send to the same investors at the same time: real
threads against real PostgreSQL, released together."""

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from orders.campaigns import fanout, services
from orders.campaigns.models import CampaignRange, InboxMessage
from tests.factories import InstitutionFactory
from tests.integration.test_races import race
from tests.orders.campaigns.factories import CampaignFactory, consenting_investors

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _workers_idle(monkeypatch):
    """The ranges are run by the test's threads, not by eager tasks after each commit."""
    monkeypatch.setattr(fanout, "enqueue", lambda *args, **kwargs: None)
    monkeypatch.setattr(fanout.inbox, "enqueue", lambda *args, **kwargs: None)


def sending(institution, *, now):
    campaign = CampaignFactory(institution=institution)
    services.campaign_launch(campaign=campaign, actor=campaign.created_by)
    services.campaign_start_sending(campaign=campaign, now=now)
    return campaign


def deliver_all(campaign, *, now):
    return lambda: sum(
        fanout.campaign_range_deliver(campaign_id=campaign.pk, bucket=b, now=now)
        for b in CampaignRange.objects.filter(campaign=campaign).values_list("bucket", flat=True)
    )


def test_campaigns_racing_for_the_same_investors_never_exceed_the_weekly_cap():
    investors = consenting_investors(12)
    now = timezone.now() + dt.timedelta(days=2)
    # Two offers each this week already (from two institutions): room for one more.
    for earlier in (InstitutionFactory(), InstitutionFactory()):
        deliver_all(sending(earlier, now=now - dt.timedelta(days=1)), now=now)()
    racing = [sending(InstitutionFactory(), now=now) for _ in range(4)]

    results = race([deliver_all(c, now=now) for c in racing])

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == len(investors)  # each investor got exactly one of the four
    per_investor = InboxMessage.objects.values("user").annotate(n=Count("pk"))
    assert {row["n"] for row in per_investor} == {3}


def test_one_institutions_campaigns_racing_send_each_investor_one_offer_a_week():
    investors = consenting_investors(12)
    now = timezone.now() + dt.timedelta(days=2)
    institution = InstitutionFactory()
    racing = [sending(institution, now=now) for _ in range(3)]

    results = race([deliver_all(c, now=now) for c in racing])

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == len(investors)
    assert InboxMessage.objects.count() == len(investors)
