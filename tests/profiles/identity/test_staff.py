"""Staff's identity review queue (/staff/identity/): staff only, the identities in review,
approve or reject with a reason the investor sees, never one's own, every decision an event;
the number encrypted at rest and shown nowhere, the admin included, but by its last four."""

import datetime as dt

import pytest
from django.db import connection

from profiles.identity import services
from profiles.models import DocumentType, Identity, IdentityEvent, IdentityStatus
from tests.factories import StaffFactory, UserFactory

from .conftest import rid

pytestmark = pytest.mark.django_db
QUEUE = "/staff/identity/"
RID = DocumentType.RESIDENT_ID
BORN = dt.date(1985, 4, 2)


def submit(user, sequence, name="王小明"):
    return services.identity_submit(
        user=user, legal_name=name, document_type=RID, document_number=rid(BORN, sequence)
    )


@pytest.fixture
def in_review(newcomer):
    return submit(newcomer, 998)


def review_url(identity):
    return f"{QUEUE}{identity.pk}/"


def test_anonymous_is_sent_to_sign_in(client, in_review):
    for response in (client.get(QUEUE), client.post(review_url(in_review), {"action": "approve"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    in_review.refresh_from_db()
    assert in_review.status == IdentityStatus.REVIEW


def test_an_investor_gets_no_queue_and_cannot_decide(client, in_review):
    client.force_login(UserFactory())
    assert client.get(QUEUE).status_code in (403, 404)
    response = client.post(review_url(in_review), {"action": "approve"})
    assert response.status_code in (403, 404)
    in_review.refresh_from_db()
    assert in_review.status == IdentityStatus.REVIEW
    assert in_review.reviewed_by is None


def test_staff_without_two_factor_are_sent_to_set_it_up(client, in_review):
    client.force_login(StaffFactory(mfa=False))
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]


def test_the_queue_lists_identities_in_review_only_by_their_last_four(staff_client, in_review):
    verified = submit(UserFactory(identity=False), 123, name="Li Hua")
    failed = submit(UserFactory(identity=False), 999, name="Zhang San")
    response = staff_client.get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-identity="{in_review.pk}"' in html
    assert f'data-identity="{verified.pk}"' not in html
    assert f'data-identity="{failed.pk}"' not in html
    assert "王小明" in html
    assert f"•••• {in_review.document_last4}" in html
    assert rid(BORN, 998) not in html
    assert rid(BORN, 998)[:-4] not in html


def test_the_queue_is_empty_when_nothing_waits(staff_client):
    html = staff_client.get(QUEUE).content.decode()
    assert "No identity waits for a review." in html


def test_staff_approve_and_the_investor_is_verified(staff_client, staff, in_review, newcomer):
    response = staff_client.post(review_url(in_review), {"action": "approve", "reason": ""})
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    in_review.refresh_from_db()
    assert in_review.status == IdentityStatus.VERIFIED
    assert in_review.reviewed_by == staff
    assert in_review.verified_at is not None
    event = in_review.events.last()
    assert (event.kind, event.actor) == ("approved", staff)
    assert f'data-identity="{in_review.pk}"' not in staff_client.get(QUEUE).content.decode()


def test_a_rejection_needs_a_reason_and_saves_nothing_without_one(staff_client, in_review):
    for reason in ("", "   "):
        response = staff_client.post(review_url(in_review), {"action": "reject", "reason": reason})
        assert response.status_code == 400
        assert str(services.REASON_REQUIRED) in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == IdentityStatus.REVIEW
    assert in_review.document_number == rid(BORN, 998)
    assert list(in_review.events.values_list("kind", flat=True)) == ["submitted", "sent_to_review"]


def test_a_rejection_with_markup_in_the_reason_is_refused(staff_client, in_review):
    response = staff_client.post(
        review_url(in_review), {"action": "reject", "reason": "<script>x</script>"}
    )
    assert response.status_code == 400
    in_review.refresh_from_db()
    assert in_review.status == IdentityStatus.REVIEW


def test_a_reason_over_300_characters_is_refused_with_that_reason(staff_client, in_review):
    response = staff_client.post(review_url(in_review), {"action": "reject", "reason": "x" * 301})
    assert response.status_code == 400
    html = response.content.decode()
    assert "at most 300 characters" in html
    assert "Choose approve or reject." not in html
    in_review.refresh_from_db()
    assert in_review.status == IdentityStatus.REVIEW


def test_a_bad_action_is_a_400(staff_client, in_review):
    response = staff_client.post(review_url(in_review), {"action": "delete"})
    assert response.status_code == 400
    assert "Choose approve or reject." in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == IdentityStatus.REVIEW


def test_an_unknown_identity_is_a_404(staff_client):
    assert staff_client.post(f"{QUEUE}999999/", {"action": "approve"}).status_code == 404


def test_a_rejection_with_a_reason_is_shown_to_the_investor(client, staff, in_review, newcomer):
    client.force_login(staff)
    reason = "The name on the register is spelt differently."
    response = client.post(review_url(in_review), {"action": "reject", "reason": reason})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == IdentityStatus.REJECTED
    assert in_review.failure_reason == reason
    assert in_review.document_number is None  # the number is given back
    event = in_review.events.last()
    assert (event.kind, event.actor, event.reason) == ("rejected", staff, reason)
    client.force_login(newcomer)
    page = client.get("/me/identity/").content.decode()
    assert reason in page
    assert 'id="identity-form"' in page  # they may submit again


def test_a_decided_identity_cannot_be_decided_again(staff_client, in_review):
    assert staff_client.post(review_url(in_review), {"action": "approve"}).status_code == 302
    response = staff_client.post(review_url(in_review), {"action": "reject", "reason": "no"})
    assert response.status_code == 400
    assert str(services.NOT_IN_REVIEW) in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == IdentityStatus.VERIFIED


def test_staff_cannot_review_their_own_identity(client):
    member = StaffFactory()
    own = submit(member, 998)
    client.force_login(member)
    response = client.post(review_url(own), {"action": "approve"})
    assert response.status_code == 400
    assert str(services.OWN_IDENTITY) in response.content.decode()
    own.refresh_from_db()
    assert own.status == IdentityStatus.REVIEW
    assert not own.events.filter(kind__in=["approved", "rejected"]).exists()
    # another member of staff may
    client.force_login(StaffFactory())
    assert client.post(review_url(own), {"action": "approve"}).status_code == 302
    own.refresh_from_db()
    assert own.status == IdentityStatus.VERIFIED


def test_the_queue_offers_no_decision_on_ones_own_identity(client):
    member = StaffFactory()
    own = submit(member, 998)
    client.force_login(member)
    html = client.get(QUEUE).content.decode()
    assert f'data-identity="{own.pk}"' in html
    assert f'id="approve-{own.pk}"' not in html
    assert "data-own-identity" in html
    client.force_login(StaffFactory())
    assert f'id="approve-{own.pk}"' in client.get(QUEUE).content.decode()


def test_the_number_is_encrypted_in_its_raw_column_and_events_never_hold_it(in_review):
    number = rid(BORN, 998)
    with connection.cursor() as cursor:
        cursor.execute("SELECT document_number FROM profiles_identity")
        rows = [row[0] for row in cursor.fetchall()]
    assert len(rows) == 1
    [raw] = rows
    assert raw
    assert number not in raw
    assert number[:-4] not in raw
    assert number[6:14] not in raw
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM profiles_identityevent")
        assert all(number not in row[0] for row in cursor.fetchall())
    assert Identity.objects.get(pk=in_review.pk).document_number == number


@pytest.fixture
def admin_client(client):
    admin = StaffFactory(is_superuser=True)
    client.force_login(admin)
    return client


def test_the_admin_shows_the_last_four_only(admin_client, in_review):
    number = rid(BORN, 998)
    pages = [
        admin_client.get("/admin/profiles/identity/"),
        admin_client.get(f"/admin/profiles/identity/{in_review.pk}/change/"),
        admin_client.get(f"/admin/profiles/identity/?q={number}"),
    ]
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert in_review.document_last4 in html
        assert number not in html.replace(f"q={number}", "").replace(f'value="{number}"', "")
        assert number[:-4] not in html.replace(number, "")
        assert in_review.document_hash not in html


def test_the_admin_cannot_add_delete_or_change_an_identity(admin_client, in_review):
    assert admin_client.get("/admin/profiles/identity/add/").status_code == 403
    assert admin_client.get(f"/admin/profiles/identity/{in_review.pk}/delete/").status_code == 403
    admin_client.post(
        f"/admin/profiles/identity/{in_review.pk}/change/",
        {"legal_name": "Changed", "status": "verified"},
    )
    in_review.refresh_from_db()
    assert (in_review.legal_name, in_review.status) == ("王小明", IdentityStatus.REVIEW)
    assert IdentityEvent.objects.filter(identity=in_review).count() == 2
