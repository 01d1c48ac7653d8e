"""Two campaigns sent at once, their ranges of investors shared by TWO real worker processes,
reach exactly the investors the serial in-process send reaches: the same offers and coupons,
the weekly and per-institution caps held, nobody offered a campaign twice, and both workers
took ranges.

Ranges are :data:`RANGE` user ids (``fanout.RANGE_IDS``, set in the test process and in the
workers), so some thirty investors make a dozen ranges per campaign. The investors come in
groups by city, and campaigns of three other institutions sent earlier (serially) leave each
group at a different place under the caps (3 offers a week, 1 per institution):

- Beijing: 3 offers already (X, Y, Z): at the weekly cap, offered nothing more;
- Shanghai: 2 already (X, Y): one offer left, which A or B takes (serially: A, launched first;
  on the workers whichever range commits first), so only its count is compared;
- Guangzhou: 1 already from A: only B;
- Shenzhen: none: A and B, except those at risk level 5 (outside A's segment: only B) and
  those without the marketing consent (nothing).
"""

import datetime as dt
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from orders.campaigns import fanout
from orders.campaigns import services as campaigns
from orders.campaigns.models import Campaign, CampaignRange, CampaignStatus, InboxMessage
from orders.coupons.models import CouponGrant
from profiles.models import City, User
from tests.factories import InstitutionFactory, ProductFactory
from tests.integration.processes import not_eager, start_workers
from tests.integration.test_worker_email import wait_for
from tests.orders.campaigns.factories import CampaignFactory, consenting_investors
from tests.orders.coupons.factories import make_coupon
from tests.profiles.factories import InvestorProfileFactory

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
not_eager = not_eager  # the fixture
RANGE = 3
RANGE_TASK = fanout.RANGE_TASK
CONTENDED = City.SHANGHAI
PER_GROUP = 5


def _campaign(institution, **fields):
    """A draft due a minute ago: launching it starts sending at once."""
    return CampaignFactory(
        institution=institution, send_at=timezone.now() - dt.timedelta(minutes=1), **fields
    )


def _send(campaign) -> None:
    campaigns.campaign_launch(campaign=campaign, actor=campaign.created_by)


def build() -> tuple[Campaign, Campaign]:
    """The investors, the earlier campaigns (sent serially), and A and B still drafts."""
    bank_a, bank_b = InstitutionFactory(name="Bank A"), InstitutionFactory(name="Bank B")
    others = [InstitutionFactory(name=f"Bank {name}") for name in "XYZ"]
    for city in (City.BEIJING, City.SHANGHAI, City.GUANGZHOU, City.SHENZHEN):
        consenting_investors(PER_GROUP, city=city)
    consenting_investors(3, city=City.SHENZHEN, risk_level=5)
    for _ in range(3):
        InvestorProfileFactory(city=City.SHENZHEN, marketing_offers=False)
    earlier = [
        (others[0], [City.BEIJING, City.SHANGHAI]),
        (others[1], [City.BEIJING, City.SHANGHAI]),
        (others[2], [City.BEIJING]),
        (bank_a, [City.GUANGZHOU]),
    ]
    for institution, cities in earlier:
        _send(_campaign(institution, cities=cities))
    coupon = make_coupon(
        product=ProductFactory(institution=bank_b),
        name="Half-fee card",
        valid_until=dt.date(2027, 6, 30),
    )
    first = _campaign(bank_a, title="A: half the fee", risk_levels=[1, 2, 3, 4])
    second = _campaign(bank_b, title="B: a card for you", coupon=coupon)
    return first, second


def fingerprint(first: Campaign, second: Campaign) -> dict:
    ranks = {pk: n for n, pk in enumerate(User.objects.order_by("pk").values_list("pk", flat=True))}
    contended = set(User.objects.filter(profile__city=CONTENDED).values_list("pk", flat=True))
    offers = list(
        InboxMessage.objects.filter(kind="offer", campaign__in=[first, second]).values_list(
            "user_id", "campaign__title", "body"
        )
    )
    every_offer = InboxMessage.objects.filter(kind="offer").values_list("user_id", flat=True)
    return {
        "offers": sorted(
            (ranks[user], title, body) for user, title, body in offers if user not in contended
        ),
        "contended": sorted(
            Counter(ranks[user] for user, _t, _b in offers if user in contended).items()
        ),
        "all_offers": sorted(Counter(ranks[user] for user in every_offer).items()),
        "grants": sorted(
            (ranks[user], source)
            for user, source in CouponGrant.objects.values_list("user_id", "source")
            if user not in contended
        ),
        "status": [Campaign.objects.get(pk=c.pk).status for c in (first, second)],
    }


def caps_held() -> None:
    per_week = Counter(InboxMessage.objects.filter(kind="offer").values_list("user_id", flat=True))
    assert max(per_week.values()) <= settings.OFFERS_PER_WEEK
    per_institution = (
        InboxMessage.objects.filter(kind="offer")
        .values("user_id", "campaign__institution_id")
        .annotate(n=Count("pk"))
    )
    assert max(row["n"] for row in per_institution) <= settings.OFFERS_PER_INSTITUTION_PER_WEEK
    twice = (
        InboxMessage.objects.filter(kind="offer")
        .values("user_id", "campaign_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not twice.exists()
    granted = CouponGrant.objects.values_list("user_id", flat=True)
    offered = InboxMessage.objects.filter(campaign__coupon__isnull=False).values_list(
        "user_id", flat=True
    )
    assert sorted(granted) == sorted(offered)  # a coupon with each offer that carries one


def test_two_worker_processes_send_two_campaigns_as_the_serial_send_does(
    tmp_path, not_eager, monkeypatch
):
    monkeypatch.setattr(fanout, "RANGE_IDS", RANGE)
    first, second = build()
    _send(first)
    _send(second)
    serial = fingerprint(first, second)
    caps_held()
    assert serial["status"] == [CampaignStatus.SENT, CampaignStatus.SENT]
    reached = Counter(title for _r, title, _b in serial["offers"])
    assert reached == {"A: half the fee": PER_GROUP, "B: a card for you": 2 * PER_GROUP + 3}
    assert [n for _r, n in serial["contended"]] == [1] * PER_GROUP

    call_command("flush", interactive=False, verbosity=0)
    first, second = build()
    not_eager()
    with start_workers(2, tmp_path, constants={"orders.campaigns.fanout.RANGE_IDS": RANGE}) as (
        workers
    ):
        _send(first)
        _send(second)
        sent = wait_for(
            lambda: (
                Campaign.objects.filter(
                    pk__in=[first.pk, second.pk], status=CampaignStatus.SENT
                ).count()
                == 2
            ),
            timeout=60,
        )
        assert sent, [worker.output()[-3000:] for worker in workers]
        took = [worker.took(RANGE_TASK) for worker in workers]
    parallel = fingerprint(first, second)

    assert parallel == serial
    caps_held()
    ranges = CampaignRange.objects.filter(campaign__in=[first, second])
    assert ranges.count() > 2 * 6  # a dozen ranges or so each
    assert not ranges.filter(done_at__isnull=True).exists()
    assert ranges.filter(delivered__gt=0).count() > 5  # the workers' ranges are small too
    assert all(took), took  # both workers delivered ranges
    assert not took[0] & took[1]  # and none twice
    assert len(took[0] | took[1]) == ranges.count()
