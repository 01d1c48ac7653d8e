"""A campaign may carry one of the institution's coupons: each recipient finds it in their
wallet with the offer, the offer says so, and the results count the recipients' uses."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from orders import services as orders_services
from orders.campaigns import services
from orders.campaigns.models import InboxMessage
from orders.campaigns.selectors import campaign_results
from orders.coupons.models import CouponGrant, GrantSource
from orders.coupons.services import coupon_set_status
from tests.factories import ProductFactory, investor_with_cash
from tests.orders.campaigns.factories import consenting_investors
from tests.orders.campaigns.test_fanout import send
from tests.orders.coupons.factories import make_coupon
from tests.profiles.factories import InvestorProfileFactory

pytestmark = pytest.mark.django_db


def test_every_recipient_gets_the_coupon_and_only_they_do(draft, fund, clock):
    card = make_coupon(product=fund, name="Half-fee card", valid_until=dt.date(2026, 12, 31))
    campaign = draft(coupon=card)
    reached = consenting_investors(3)
    left_out = InvestorProfileFactory(marketing_offers=False).user

    assert send(campaign) == 3
    grants = CouponGrant.objects.filter(coupon=card)
    assert set(grants.values_list("user_id", flat=True)) == {u.pk for u in reached}
    assert set(grants.values_list("source", flat=True)) == {GrantSource.OFFER}
    assert not grants.filter(user=left_out).exists()
    offer = InboxMessage.objects.filter(campaign=campaign).first()
    assert "Half-fee card is in your wallet" in offer.body
    assert "2026-12-31" in offer.body


def test_the_results_count_the_recipients_uses_of_the_coupon(draft, fund, clock):
    card = make_coupon(product=fund, name="Half-fee card", granted_only=True)
    campaign = draft(coupon=card)
    assert campaign_results(campaign=campaign).coupon_redeemed == 0
    recipient = investor_with_cash(cash="20000")
    recipient.profile.marketing_offers = True
    recipient.profile.save()
    send(campaign)
    orders_services.order_place(
        user=recipient, product=fund, side="buy", amount="10000", coupon=str(card.pk)
    )
    order = recipient.orders.get()
    assert order.discount == Decimal("73.34")  # list fee 147.78, half-rate fee 74.44
    assert campaign_results(campaign=campaign).coupon_redeemed == 1


def test_a_campaign_without_a_coupon_reports_none(draft):
    assert campaign_results(campaign=draft()).coupon_redeemed is None


def test_another_institutions_coupon_is_refused(draft, fund):
    foreign = make_coupon(product=ProductFactory())
    with pytest.raises(ValidationError) as caught:
        draft(coupon=foreign)
    assert caught.value.error_dict["coupon"][0].code == "foreign_coupon"


def test_a_campaign_cannot_launch_with_a_coupon_no_one_could_use(draft, fund, clock):
    card = make_coupon(product=fund)
    campaign = draft(coupon=card)
    coupon_set_status(coupon=card, actor=None, status="paused")
    with pytest.raises(ValidationError) as caught:
        services.campaign_launch(campaign=campaign, actor=campaign.created_by)
    assert caught.value.error_dict["coupon"][0].code == "coupon_unusable"
    campaign.refresh_from_db()
    assert campaign.is_draft
