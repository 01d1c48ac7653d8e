"""Attachments follow the upload rules of DESIGN §5 (type by content, size limit, a random
stored name) and are served only to the request's parties."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from orders.aftersales import services
from orders.aftersales.models import RequestMessage, ServiceRequest
from tests import factories
from tests.orders.aftersales.factories import PDF, PNG
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


def _upload(content: bytes, name="statement.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def with_attachment(clock):
    order = OrderFactory()
    return services.request_open(
        investor=order.user,
        kind="complaint",
        subject="Wrong fee",
        body="See my statement.",
        order_id=order.pk,
        attachment=_upload(PDF, name="../../etc/my statement <1>.pdf"),
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_attachment_is_stored_under_a_random_name_with_its_type_from_the_content(
    with_attachment,
):
    message = with_attachment.messages.get()
    assert message.attachment.name.startswith("aftersales/")
    assert message.attachment.name.endswith(".pdf")
    assert "statement" not in message.attachment.name
    assert message.attachment_name == "my statement <1>.pdf"
    assert (message.attachment_type, message.attachment_size) == ("application/pdf", len(PDF))


def test_a_png_is_accepted_whatever_its_name_claims(clock):
    order = OrderFactory()
    request = services.request_open(
        investor=order.user,
        kind="question",
        subject="Screenshot",
        body="See.",
        order_id=order.pk,
        attachment=_upload(PNG, name="shot.pdf"),
    )
    message = request.messages.get()
    assert message.attachment_type == "image/png"
    assert message.attachment.name.endswith(".png")


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"MZ\x90\x00 an executable", "file_type"),
        (b"<html><script>alert(1)</script></html>", "file_type"),
        (b"", "file_empty"),
        (PDF + b"0" * (services.MAX_ATTACHMENT_MB * 1024 * 1024), "file_too_big"),
    ],
)
def test_a_wrong_or_too_big_attachment_is_refused_and_nothing_is_saved(clock, content, code):
    order = OrderFactory()
    with pytest.raises(services.ValidationError) as exc:
        services.request_open(
            investor=order.user,
            kind="question",
            subject="s",
            body="b",
            order_id=order.pk,
            attachment=_upload(content),
        )
    assert [e.code for e in exc.value.error_dict["attachment"]] == [code]
    assert not ServiceRequest.objects.exists()
    assert not RequestMessage.objects.exists()


def test_a_wrong_attachment_on_the_form_and_the_api_is_a_400(clock, user):
    order = OrderFactory(user=user)
    client = _client(user)
    response = client.post(
        "/me/requests/new/",
        {
            "form_token": "t",
            "kind": "question",
            "subject": "s",
            "body": "b",
            "order": order.pk,
            "attachment": _upload(b"GIF89a not allowed", name="x.gif"),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["attachment"]
    api = APIClient()
    api.force_authenticate(user)
    response = api.post(
        "/api/v1/me/requests/",
        {
            "kind": "question",
            "subject": "s",
            "body": "b",
            "order": order.pk,
            "attachment": _upload(b"GIF89a not allowed", name="x.gif"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "attachment" in response.json()
    assert not ServiceRequest.objects.exists()


def test_an_api_reply_may_carry_an_attachment(with_attachment):
    api = APIClient()
    api.force_authenticate(with_attachment.investor)
    response = api.post(
        f"/api/v1/me/requests/{with_attachment.pk}/messages/",
        {"body": "And this.", "attachment": _upload(PNG, name="shot.png")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["attachment"]["content_type"] == "image/png"


def test_only_the_parties_download_an_attachment(with_attachment, member_of, staff):
    message = with_attachment.messages.get()
    mine = f"/me/requests/{with_attachment.pk}/attachments/{message.pk}/"
    portal = f"/portal/requests/{with_attachment.pk}/attachments/{message.pk}/"
    staff_url = f"/staff/requests/{with_attachment.pk}/attachments/{message.pk}/"

    response = _client(with_attachment.investor).get(mine)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert _client(member_of(with_attachment.institution, "analyst")).get(portal).status_code == 200
    assert _client(staff).get(staff_url).status_code == 200

    stranger = factories.UserFactory()
    assert _client(stranger).get(mine).status_code == 404
    other_member = member_of(factories.InstitutionFactory(), "editor")
    assert _client(other_member).get(portal).status_code == 404
    assert _client(other_member).get(staff_url).status_code == 404
    assert Client().get(mine).status_code == 302  # to sign in


def test_a_message_without_attachment_has_nothing_to_download(clock, user):
    order = OrderFactory(user=user)
    request = services.request_open(
        investor=user, kind="question", subject="s", body="b", order_id=order.pk
    )
    message = request.messages.get()
    assert (
        _client(user).get(f"/me/requests/{request.pk}/attachments/{message.pk}/").status_code == 404
    )


def test_api_clients_download_attachments_of_their_own_requests_only(with_attachment, member_of):
    message = with_attachment.messages.get()
    api = APIClient()
    api.force_authenticate(with_attachment.investor)
    detail = api.get(f"/api/v1/me/requests/{with_attachment.pk}/").json()
    url = detail["messages"][0]["attachment"]["url"]
    assert url == f"/api/v1/me/requests/{with_attachment.pk}/messages/{message.pk}/attachment/"
    response = api.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF

    member = APIClient()
    member.force_authenticate(member_of(with_attachment.institution, "analyst"))
    portal_url = f"/api/v1/portal/requests/{with_attachment.pk}/messages/{message.pk}/attachment/"
    assert (
        member.get(f"/api/v1/portal/requests/{with_attachment.pk}/").json()["messages"][0][
            "attachment"
        ]["url"]
        == portal_url
    )
    assert member.get(portal_url).status_code == 200

    stranger = APIClient()
    stranger.force_authenticate(factories.UserFactory())
    assert stranger.get(url).status_code == 404
    other_member = APIClient()
    other_member.force_authenticate(member_of(factories.InstitutionFactory(), "admin"))
    assert other_member.get(portal_url).status_code == 404
