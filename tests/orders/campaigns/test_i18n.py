"""Campaigns and the inbox in Chinese (issue 14): the inbox page follows Accept-Language; one
offer fan-out writes the coupon line in each recipient's language; notices built by workers
are in the recipient's language. Needs the compiled catalogue (``locale/``)."""

import datetime as dt

import pytest

from orders.campaigns.inbox import in_recipients_language, notice_post
from orders.campaigns.models import InboxMessage, Topic
from tests.orders.campaigns.factories import consenting_investors
from tests.orders.campaigns.test_fanout import send
from tests.orders.coupons.factories import make_coupon

pytestmark = pytest.mark.django_db


def test_the_inbox_page_in_chinese(client, investor):
    notice_post(
        user_id=investor.pk, topic=Topic.ORDER_CONFIRMED, subject_key="x", title="T", body="B"
    )
    client.force_login(investor)

    text = client.get("/me/inbox/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "消息中心" in text
    assert "全部标为已读" in text
    assert "Mark all read" not in text


def test_one_fan_out_writes_the_coupon_line_in_each_recipients_language(draft, fund, clock):
    card = make_coupon(product=fund, name="Half-fee card", valid_until=dt.date(2026, 12, 31))
    campaign = draft(coupon=card)
    chinese, english = consenting_investors(2)
    chinese.language = "zh-hans"
    chinese.save(update_fields=["language"])

    assert send(campaign) == 2

    zh = InboxMessage.objects.get(campaign=campaign, user=chinese).body
    en = InboxMessage.objects.get(campaign=campaign, user=english).body
    assert "Half-fee card已放入您的卡券包" in zh
    assert "Half-fee card is in your wallet" in en
    # The institution's own text is the same for both.
    assert zh.split("\n\n")[0] == en.split("\n\n")[0] == campaign.body


def test_rows_are_grouped_by_their_recipients_language(django_user_model):
    from django.utils import translation

    from tests.factories import UserFactory

    zh, en = UserFactory(language="zh-hans"), UserFactory(language="")
    seen = {}
    rows = [{"user": zh.pk}, {"user": en.pk}]
    for group in in_recipients_language(rows, lambda row: row["user"]):
        seen[translation.get_language()] = [row["user"] for row in group]
    assert seen == {"zh-hans": [zh.pk], "en": [en.pk]}
