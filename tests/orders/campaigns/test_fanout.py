"""Sending a campaign: who gets the offer (segment, consent at send time), once per campaign,
under the weekly cap and the per-institution share, and after-purchase follow-ups."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from orders.campaigns import fanout, services
from orders.campaigns.models import CampaignRange, CampaignStatus, InboxMessage, Trigger
from orders.models import OrderStatus
from profiles.models import ConsentKind
from profiles.services import consent_set
from tests.factories import InstitutionFactory, ProductFactory
from tests.orders.campaigns.factories import consenting_investors
from tests.orders.factories import HoldingFactory, OrderFactory
from tests.profiles.factories import InvestorProfileFactory

pytestmark = pytest.mark.django_db


def send(campaign, *, now=None):
    """Launch a scheduled draft, start it at ``now`` and run every range (as the workers would)."""
    now = now or campaign.send_at + dt.timedelta(minutes=1)
    services.campaign_launch(campaign=campaign, actor=campaign.created_by)
    services.campaign_start_sending(campaign=campaign, now=now)
    return run_ranges(campaign, now=now)


def run_ranges(campaign, *, now):
    return sum(
        fanout.campaign_range_deliver(campaign_id=campaign.pk, bucket=b, now=now)
        for b in CampaignRange.objects.filter(campaign=campaign).values_list("bucket", flat=True)
    )


def recipients(campaign) -> set:
    return set(InboxMessage.objects.filter(campaign=campaign).values_list("user_id", flat=True))


def test_a_scheduled_campaign_reaches_every_consenting_investor_once_and_is_then_sent(draft):
    reached = consenting_investors(3)
    refused = InvestorProfileFactory(marketing_offers=False).user
    campaign = draft()

    assert send(campaign) == 3

    assert recipients(campaign) == {u.pk for u in reached}
    assert refused.pk not in recipients(campaign)
    offer = InboxMessage.objects.filter(campaign=campaign).first()
    assert (offer.kind, offer.topic, offer.subject_key) == ("offer", "offer", campaign.subject_key)
    assert offer.title == campaign.title
    assert offer.email_state == "pending"
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    assert list(campaign.events.values_list("to_status", flat=True)) == [
        "launched",
        "sending",
        "sent",
    ]


@pytest.mark.parametrize(
    ("segment", "profile_in", "profile_out"),
    [
        ({"risk_levels": [4, 5]}, {"risk_level": 4}, {"risk_level": 3}),
        ({"age_cohorts": ["post_80s"]}, {"age_cohort": "post_80s"}, {"age_cohort": "post_90s"}),
        ({"cities": ["hangzhou", "wuhan"]}, {"city": "wuhan"}, {"city": "beijing"}),
    ],
)
def test_the_segment_narrows_who_is_reached(draft, segment, profile_in, profile_out):
    (inside,) = consenting_investors(1, **profile_in)
    (outside,) = consenting_investors(1, **profile_out)
    campaign = draft(**segment)

    send(campaign)

    assert recipients(campaign) == {inside.pk}


def test_holders_of_a_product_are_those_holding_units_of_it(draft, fund):
    holder, seller, other = consenting_investors(3)
    HoldingFactory(user=holder, product=fund)
    HoldingFactory(user=seller, product=fund, units=Decimal("0"), cost=Decimal("0"))
    HoldingFactory(user=other, product=ProductFactory(institution=fund.institution))
    campaign = draft(holders_of=fund)

    send(campaign)

    assert recipients(campaign) == {holder.pk}


def test_days_since_a_confirmed_purchase_of_the_institutions_products(draft, fund):
    now = timezone.now() + dt.timedelta(hours=2)
    recent, old, pending, elsewhere = consenting_investors(4)
    OrderFactory(
        user=recent, product=fund, status="confirmed", confirmed_at=now - dt.timedelta(days=5)
    )
    OrderFactory(user=old, product=fund, status="settled", confirmed_at=now - dt.timedelta(days=40))
    OrderFactory(user=pending, product=fund, status=OrderStatus.PENDING)
    OrderFactory(user=elsewhere, status="confirmed", confirmed_at=now - dt.timedelta(days=5))
    campaign = draft(purchased_min_days=3, purchased_max_days=30)

    send(campaign, now=now)

    assert recipients(campaign) == {recent.pk}


def test_consent_revoked_after_launch_stops_the_offer(draft):
    keeps, revokes = consenting_investors(2)
    campaign = draft()
    services.campaign_launch(campaign=campaign, actor=campaign.created_by)

    consent_set(user=revokes, kind=ConsentKind.MARKETING, granted=False)
    now = campaign.send_at + dt.timedelta(minutes=1)
    services.campaign_start_sending(campaign=campaign, now=now)
    run_ranges(campaign, now=now)

    assert recipients(campaign) == {keeps.pk}


def test_a_rerun_of_a_range_delivers_nothing_new(draft):
    consenting_investors(3)
    campaign = draft()
    now = campaign.send_at + dt.timedelta(minutes=1)
    send(campaign, now=now)
    first = sorted(InboxMessage.objects.values_list("pk", "user_id"))

    assert run_ranges(campaign, now=now) == 0  # the range is done
    CampaignRange.objects.filter(campaign=campaign).update(done_at=None)  # as if never marked
    InboxMessage.objects.update(email_state="sent")
    campaign.status = CampaignStatus.SENDING
    campaign.save()
    assert run_ranges(campaign, now=now + dt.timedelta(minutes=5)) == 0

    assert sorted(InboxMessage.objects.values_list("pk", "user_id")) == first


def test_a_paused_campaign_delivers_nothing_until_resumed(draft):
    (investor,) = consenting_investors(1)
    campaign = draft()
    now = campaign.send_at + dt.timedelta(minutes=1)
    services.campaign_launch(campaign=campaign, actor=campaign.created_by)
    services.campaign_start_sending(campaign=campaign, now=now)
    services.campaign_pause(campaign=campaign, actor=campaign.created_by)

    assert run_ranges(campaign, now=now) == 0
    services.campaign_resume(campaign=campaign, actor=campaign.created_by)
    assert services.campaigns_due_start(now=now) == 1
    assert run_ranges(campaign, now=now) == 1
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT


def _offer_from(institution, user, *, draft, at):
    campaign = draft(institution=institution)
    fanout_now = at
    services.campaign_launch(campaign=campaign, actor=campaign.created_by)
    services.campaign_start_sending(campaign=campaign, now=fanout_now)
    run_ranges(campaign, now=fanout_now)
    return InboxMessage.objects.filter(campaign=campaign, user=user).exists()


def test_one_institution_sends_an_investor_at_most_one_offer_a_week(draft, fund_company):
    (investor,) = consenting_investors(1)
    start = timezone.now() + dt.timedelta(hours=2)

    assert _offer_from(fund_company, investor, draft=draft, at=start)
    assert not _offer_from(fund_company, investor, draft=draft, at=start + dt.timedelta(days=6))
    assert _offer_from(
        fund_company, investor, draft=draft, at=start + dt.timedelta(days=7, hours=1)
    )


def test_the_weekly_cap_is_shared_across_institutions(draft):
    (investor,) = consenting_investors(1)
    start = timezone.now() + dt.timedelta(hours=2)
    institutions = [InstitutionFactory() for _ in range(4)]

    got = [
        _offer_from(i, investor, draft=draft, at=start + dt.timedelta(hours=n))
        for n, i in enumerate(institutions)
    ]

    assert got == [True, True, True, False]
    assert InboxMessage.objects.filter(user=investor, kind="offer").count() == 3


@override_settings(OFFERS_PER_WEEK=1, OFFERS_PER_INSTITUTION_PER_WEEK=1)
def test_the_caps_are_settings(draft):
    (investor,) = consenting_investors(1)
    start = timezone.now() + dt.timedelta(hours=2)

    assert _offer_from(InstitutionFactory(), investor, draft=draft, at=start)
    assert not _offer_from(InstitutionFactory(), investor, draft=draft, at=start)


def test_notices_do_not_count_towards_the_cap(draft, fund_company):
    from orders.campaigns import inbox

    (investor,) = consenting_investors(1)
    for n in range(3):
        inbox.notice_post(
            user_id=investor.pk,
            topic="order_confirmed",
            subject_key=f"order:{n}",
            title="t",
            body="b",
        )
    assert _offer_from(
        fund_company, investor, draft=draft, at=timezone.now() + dt.timedelta(hours=2)
    )


# --- after a confirmed purchase ---------------------------------------------------------------


def _after_purchase(draft, fund, **fields):
    campaign = draft(trigger=Trigger.AFTER_PURCHASE, product=fund, delay_hours=48, **fields)
    services.campaign_launch(campaign=campaign, actor=campaign.created_by)
    campaign.refresh_from_db()
    return campaign


def _follow_up(campaign, *, now):
    """What beat does: find the buckets due, then each range task runs."""
    buckets = fanout._trigger_buckets(campaign, now=now)
    for bucket in buckets:
        fanout.campaign_range_deliver(campaign_id=campaign.pk, bucket=bucket, now=now)
    return buckets


def test_an_after_purchase_offer_waits_for_the_delay(draft, fund):
    campaign = _after_purchase(draft, fund)
    buyer, other_buyer = consenting_investors(2)
    confirmed = campaign.launched_at + dt.timedelta(hours=1)
    OrderFactory(user=buyer, product=fund, status="confirmed", confirmed_at=confirmed)
    OrderFactory(
        user=other_buyer,
        product=ProductFactory(institution=fund.institution),
        status="confirmed",
        confirmed_at=confirmed,
    )

    assert _follow_up(campaign, now=confirmed + dt.timedelta(hours=47)) == []
    assert recipients(campaign) == set()
    _follow_up(campaign, now=confirmed + dt.timedelta(hours=48))
    assert recipients(campaign) == {buyer.pk}
    assert _follow_up(campaign, now=confirmed + dt.timedelta(hours=49)) == []  # once


def test_an_after_purchase_campaign_ignores_purchases_before_its_launch_and_unconfirmed(
    draft, fund
):
    campaign = _after_purchase(draft, fund)
    early, pending, refused = consenting_investors(3)
    OrderFactory(
        user=early,
        product=fund,
        status="confirmed",
        confirmed_at=campaign.launched_at - dt.timedelta(hours=1),
    )
    OrderFactory(user=pending, product=fund, status=OrderStatus.PENDING)
    no_consent = InvestorProfileFactory(marketing_offers=False).user
    OrderFactory(
        user=no_consent,
        product=fund,
        status="confirmed",
        confirmed_at=campaign.launched_at + dt.timedelta(hours=1),
    )

    assert _follow_up(campaign, now=campaign.launched_at + dt.timedelta(days=3)) == []
    assert recipients(campaign) == set()


def test_the_after_purchase_beat_enqueues_one_range_task_per_bucket_that_delivers(
    draft, fund, clock, django_capture_on_commit_callbacks
):
    campaign = _after_purchase(draft, fund)
    buyers = consenting_investors(2)
    for buyer in buyers:
        OrderFactory(
            user=buyer,
            product=fund,
            status="confirmed",
            confirmed_at=campaign.launched_at + dt.timedelta(minutes=5),
        )
    clock.advance(days=2, hours=1)  # the tasks run eagerly after commit, at this time

    with django_capture_on_commit_callbacks(execute=True):
        tasks = fanout.campaign_triggers_dispatch()

    assert tasks == len({fanout.bucket_of(b.pk) for b in buyers})
    assert recipients(campaign) == {b.pk for b in buyers}
    with django_capture_on_commit_callbacks(execute=True):
        assert fanout.campaign_triggers_dispatch() == 0  # nobody left to follow up
