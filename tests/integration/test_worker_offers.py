"""A launched campaign reaches the inbox and the mailbox through real Celery workers and
Redis, and a launch while Redis is down is sent once it is back (the outbox)."""

import datetime as dt
import time

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from marketplace import outbox
from marketplace.celery import app as celery_app
from marketplace.models import OutboxMessage
from orders.campaigns import services
from orders.campaigns.models import CampaignStatus, InboxMessage
from tests.integration.test_commission_reliability import use_broker
from tests.integration.test_worker_email import wait_for
from tests.orders.campaigns.factories import CampaignFactory, consenting_investors
from tests.profiles.factories import InvestorProfileFactory

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker_restored(settings):
    yield
    use_broker(settings.REDIS_URL)


def due_campaign():
    """A scheduled campaign whose time has just come (it launches straight into sending)."""
    campaign = CampaignFactory(send_at=timezone.now() + dt.timedelta(seconds=1))
    time.sleep(1.1)
    return campaign


def emailed(campaign) -> int:
    return InboxMessage.objects.filter(campaign=campaign, email_state="sent").count()


def test_a_launched_campaign_arrives_in_the_inbox_and_by_email(real_worker):
    investors = consenting_investors(3)
    InvestorProfileFactory(marketing_offers=False)
    campaign = due_campaign()
    mail.outbox.clear()

    services.campaign_launch(campaign=campaign, actor=campaign.created_by)

    assert wait_for(lambda: emailed(campaign) == 3, timeout=30), "the offers were not e-mailed"
    assert {m.to[0] for m in mail.outbox} == {u.email for u in investors}
    assert all("List-Unsubscribe" in m.extra_headers for m in mail.outbox)
    assert wait_for(
        lambda: campaign.__class__.objects.get(pk=campaign.pk).status == CampaignStatus.SENT
    )


def test_a_campaign_launched_while_redis_is_down_is_sent_once_it_is_back(
    real_worker, broker_restored
):
    consenting_investors(2)
    campaign = due_campaign()
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there

    services.campaign_launch(campaign=campaign, actor=campaign.created_by)

    waiting = OutboxMessage.objects.filter(task="orders.campaigns.tasks.campaign_range_send")
    assert waiting.count() == 1
    assert waiting.get().sent_at is None
    assert not InboxMessage.objects.exists()

    use_broker(settings.REDIS_URL)  # Redis is back; beat runs the relay
    assert outbox.relay(older_than=dt.timedelta(0)) == 1
    assert wait_for(lambda: emailed(campaign) == 2, timeout=30)
    assert InboxMessage.objects.filter(campaign=campaign).count() == 2
    assert celery_app.conf.task_always_eager is False
