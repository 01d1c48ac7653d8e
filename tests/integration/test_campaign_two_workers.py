"""A campaign's ranges (orders/campaigns/fanout.py) run on TWO real worker processes at once:
no lock wider than a range's own bucket serialises them, every investor gets one offer, and the
campaign closes once, when its last range is done."""

import datetime as dt
import re
import time

import pytest
from django.utils import timezone

from marketplace.celery import app as celery_app
from orders.campaigns import fanout, services
from orders.campaigns.models import CampaignRange, CampaignStatus, InboxMessage
from tests.factories import UserFactory
from tests.integration.processes import start_workers
from tests.integration.test_worker_email import wait_for
from tests.orders.campaigns.factories import CampaignFactory
from tests.profiles.factories import InvestorProfileFactory

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
BUCKETS = 6
FIRST_ID = 10_000_000  # far above the ids the factories hand out


@pytest.fixture
def not_eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True


def test_two_worker_processes_share_a_campaign_s_ranges(tmp_path, not_eager):
    investors = [
        InvestorProfileFactory(
            user=UserFactory(id=FIRST_ID + n * fanout.RANGE_IDS), marketing_offers=True
        ).user
        for n in range(BUCKETS)
    ]
    campaign = CampaignFactory(send_at=timezone.now() + dt.timedelta(seconds=1))
    time.sleep(1.1)
    with start_workers(2, tmp_path) as workers:
        services.campaign_launch(campaign=campaign, actor=campaign.created_by)
        sent = wait_for(
            lambda: campaign.__class__.objects.get(pk=campaign.pk).status == CampaignStatus.SENT,
            timeout=90,
        )
        logs = [worker.output() for worker in workers]
    assert sent, logs
    assert CampaignRange.objects.filter(campaign=campaign).count() == BUCKETS
    assert not CampaignRange.objects.filter(campaign=campaign, done_at__isnull=True).exists()
    offers = InboxMessage.objects.filter(campaign=campaign)
    assert sorted(offers.values_list("user_id", flat=True)) == sorted(u.pk for u in investors)
    done = r"campaign_range_send\[[^\]]+\] succeeded"
    per_worker = [len(re.findall(done, log)) for log in logs]
    assert sum(per_worker) == BUCKETS, [log[-1500:] for log in logs]
    assert all(per_worker), per_worker  # both workers delivered ranges
