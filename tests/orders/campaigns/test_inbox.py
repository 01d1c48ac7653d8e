"""The inbox: each message once, e-mails in batches, offers only with consent and with a
one-click unsubscribe link that works without a session."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from orders.campaigns import inbox
from orders.campaigns.models import EmailState, InboxMessage, MessageKind, Topic
from profiles.services import consent_set
from tests import factories
from tests.profiles.factories import InvestorProfileFactory


def _notice(user, key="order:1", **extra):
    return inbox.message_row(
        user_id=user.pk,
        topic=Topic.ORDER_CONFIRMED,
        subject_key=key,
        title="Your order was confirmed",
        body="1,000.00 units at 1.0000",
        link="/me/orders/1/",
        **extra,
    )


def _offer(user, campaign=1):
    return inbox.message_row(
        user_id=user.pk,
        kind=MessageKind.OFFER,
        topic=Topic.OFFER,
        subject_key=f"campaign:{campaign}",
        title="Half the fee on your next purchase",
        body="Use the card at checkout.",
    )


def test_a_notice_posted_twice_arrives_once_and_is_emailed_once(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        inbox.messages_post(rows=[_notice(user)])
    with django_capture_on_commit_callbacks(execute=True):
        inbox.messages_post(rows=[_notice(user), _notice(user)])
    assert InboxMessage.objects.filter(user=user).count() == 1
    assert len(mail.outbox) == 1  # eager Celery in tests: sent once the post commits
    assert mail.outbox[0].to == [user.email]
    assert "Your order was confirmed" in mail.outbox[0].subject
    assert "http://" in mail.outbox[0].body
    assert "/me/orders/1/" in mail.outbox[0].body
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers
    inbox.inbox_email_drain()
    assert len(mail.outbox) == 1


def test_a_notice_without_email_stays_in_the_inbox_only(user):
    inbox.messages_post(rows=[_notice(user, email=False)])
    assert InboxMessage.objects.get(user=user).email_state == EmailState.NONE
    assert mail.outbox == []


def test_an_offer_email_carries_a_one_click_unsubscribe_link(user):
    InvestorProfileFactory(user=user, marketing_offers=True)
    inbox.messages_post(rows=[_offer(user)])
    inbox.inbox_email_drain()
    (email,) = mail.outbox
    url = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in email.body
    anonymous = Client(enforce_csrf_checks=True)
    path = url.removeprefix("http://127.0.0.1:8000")
    assert anonymous.get(path).status_code == 200  # a link scanner changes nothing
    user.profile.refresh_from_db()
    assert user.profile.marketing_offers
    response = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    user.profile.refresh_from_db()
    assert not user.profile.marketing_offers


def test_an_offer_whose_consent_was_revoked_before_sending_is_not_emailed(user):
    InvestorProfileFactory(user=user, marketing_offers=True)
    inbox.messages_post(rows=[_offer(user)])  # the e-mail task runs after commit
    consent_set(user=user, kind="marketing_offers", granted=False)
    inbox.inbox_email_drain()
    assert mail.outbox == []
    assert InboxMessage.objects.get(user=user).email_state == EmailState.SKIPPED


def test_a_forged_unsubscribe_token_is_refused(client, user):
    token = inbox.unsubscribe_token(user.pk) + "x"
    response = client.post(reverse("campaigns:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert b"not valid" in response.content


def test_the_inbox_page_lists_and_marks_read_only_the_investors_own(verified_client, user):
    inbox.messages_post(rows=[_notice(user)])
    other = factories.UserFactory()
    inbox.messages_post(rows=[_notice(other)])
    mine = InboxMessage.objects.get(user=user)
    theirs = InboxMessage.objects.get(user=other)
    page = verified_client.get(reverse("campaigns:inbox"))
    assert b"Your order was confirmed" in page.content
    assert b"1 unread" in page.content
    assert verified_client.post(reverse("campaigns:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    opened = verified_client.post(reverse("campaigns:read", args=[mine.pk]), {"open": "1"})
    assert opened.status_code == 302
    assert opened["Location"] == "/me/orders/1/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_the_inbox_api_lists_filters_and_marks_read(user):
    api = Client()
    api.force_login(user)
    inbox.messages_post(rows=[_notice(user)])
    body = api.get("/api/v1/me/inbox/").json()
    (item,) = body["results"]
    assert item["kind"] == "notice"
    assert item["read"] is False
    assert item["title"]
    assert api.get("/api/v1/me/inbox/?kind=offer").json()["results"] == []
    read = api.post(f"/api/v1/me/inbox/{item['id']}/read/", content_type="application/json")
    assert read.status_code == 200
    assert read.json()["read"] is True
    assert api.get("/api/v1/me/inbox/?unread=true").json()["results"] == []
    other = InboxMessage.objects.create(
        user=factories.UserFactory(),
        kind="notice",
        topic="order_confirmed",
        subject_key="x",
        title="t",
        body="b",
    )
    assert api.post(f"/api/v1/me/inbox/{other.pk}/read/").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_draining_at_once_send_each_email_once():
    users = factories.UserFactory.create_batch(30)
    with pytest.MonkeyPatch.context() as patch:  # no worker: the two threads are the workers
        patch.setattr(inbox, "inbox_email_enqueue", lambda **kw: None)
        inbox.messages_post(rows=[_notice(u) for u in users])
    barrier = threading.Barrier(2)

    def drain():
        barrier.wait()
        try:
            return inbox.inbox_email_drain(limit=5)
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        counts = list(pool.map(lambda _: drain(), range(2)))
    assert sum(counts) == 30
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
