"""The API of questions and complaints: the investor's and the institution's, bad input a
400 with the field's message and nothing saved, another's request a 404."""

import pytest
from rest_framework.test import APIClient

from orders.aftersales import services
from orders.aftersales.models import RequestMessage, RequestStatus, ServiceRequest
from tests import factories
from tests.orders.aftersales.factories import ServiceRequestFactory
from tests.orders.factories import HoldingFactory, OrderFactory

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def investor_api(user):
    return _client(user)


def _body(**extra):
    return {"kind": "question", "subject": "Units?", "body": "When do they arrive?", **extra}


def test_an_investor_opens_lists_and_reads_a_request(investor_api, user, clock):
    order = OrderFactory(user=user)
    response = investor_api.post("/api/v1/me/requests/", _body(order=order.pk), format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "open"
    assert created["order"] == order.pk
    assert created["institution"]["slug"] == order.product.institution.slug
    assert [m["body"] for m in created["messages"]] == ["When do they arrive?"]
    listed = investor_api.get("/api/v1/me/requests/").json()
    assert [r["id"] for r in listed["results"]] == [created["id"]]
    assert investor_api.get(f"/api/v1/me/requests/{created['id']}/").status_code == 200


def test_a_holding_or_a_product_can_be_what_it_is_about(investor_api, user, clock):
    holding = HoldingFactory(user=user)
    response = investor_api.post("/api/v1/me/requests/", _body(holding=holding.pk), format="json")
    assert response.status_code == 201
    product = factories.ProductFactory()
    response = investor_api.post("/api/v1/me/requests/", _body(product=product.slug), format="json")
    assert response.status_code == 201
    assert response.json()["product"] == product.slug


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "kind"),
        (_body(kind="praise"), "kind"),
        (_body(subject=""), "subject"),
        (_body(subject="x" * 201), "subject"),
        (_body(body="<img src=x onerror=alert(1)>"), "body"),
        (_body(body="\u0007bell"), "body"),
        (_body(order=0), "order"),
        (_body(order=2**64), "order"),
        (_body(order="abc"), "order"),
        (_body(product="ünï"), "product"),
        (_body(), "non_field_errors"),  # about nothing
        (_body(product="no-such-product"), "product"),
    ],
)
def test_bad_input_is_a_400_on_the_field_and_saves_nothing(investor_api, clock, body, field):
    response = investor_api.post("/api/v1/me/requests/", body, format="json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not ServiceRequest.objects.exists()


def test_another_investors_order_is_a_400_and_their_request_a_404(investor_api, clock):
    theirs = OrderFactory()
    response = investor_api.post("/api/v1/me/requests/", _body(order=theirs.pk), format="json")
    assert response.status_code == 400
    assert "order" in response.json()
    request = ServiceRequestFactory()
    for suffix in ("messages/", "close/", "escalate/"):
        assert (
            investor_api.post(
                f"/api/v1/me/requests/{request.pk}/{suffix}", {"body": "x"}, format="json"
            ).status_code
            == 404
        )
    assert investor_api.get(f"/api/v1/me/requests/{request.pk}/").status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert request.escalated_at is None
    assert not RequestMessage.objects.exists()


def test_reply_close_and_escalate_over_the_api(investor_api, user, clock):
    order = OrderFactory(user=user)
    request = services.request_open(
        investor=user, kind="complaint", subject="Fee", body="Too high", order_id=order.pk
    )
    base = f"/api/v1/me/requests/{request.pk}"
    assert (
        investor_api.post(f"{base}/messages/", {"body": "And?"}, format="json").status_code == 201
    )
    assert investor_api.post(f"{base}/messages/", {"body": ""}, format="json").status_code == 400
    assert investor_api.post(f"{base}/escalate/").json()["escalated"] is True
    second = investor_api.post(f"{base}/escalate/")
    assert second.status_code == 400
    assert investor_api.post(f"{base}/close/").json()["status"] == "closed"
    again = investor_api.post(f"{base}/close/")
    assert again.status_code == 400
    assert "non_field_errors" in again.json()
    assert investor_api.post(f"{base}/messages/", {"body": "x"}, format="json").status_code == 400


def test_an_institution_answers_and_closes_over_the_portal_api(clock, member_of):
    order = OrderFactory()
    request = services.request_open(
        investor=order.user, kind="question", subject="Units?", body="When?", order_id=order.pk
    )
    editor = _client(member_of(order.institution, "editor"))
    listed = editor.get("/api/v1/portal/requests/?status=open").json()
    assert [r["id"] for r in listed["results"]] == [request.pk]
    assert editor.get("/api/v1/portal/requests/?late=true").json()["count"] == 0
    assert editor.get("/api/v1/portal/requests/?status=nope").status_code == 400
    base = f"/api/v1/portal/requests/{request.pk}"
    answered = editor.post(f"{base}/messages/", {"body": "Tomorrow."}, format="json")
    assert answered.status_code == 201
    assert answered.json()["side"] == "institution"
    detail = editor.get(f"{base}/").json()
    assert detail["status"] == "answered"
    assert detail["first_response_at"]
    assert editor.post(f"{base}/messages/", {"body": "<b>x</b>"}, format="json").status_code == 400
    assert editor.post(f"{base}/close/").json()["status"] == "closed"


def test_an_analyst_reads_but_cannot_answer_over_the_api(clock, member_of):
    request = ServiceRequestFactory()
    analyst = _client(member_of(request.institution, "analyst"))
    assert analyst.get(f"/api/v1/portal/requests/{request.pk}/").status_code == 200
    base = f"/api/v1/portal/requests/{request.pk}"
    assert analyst.post(f"{base}/messages/", {"body": "x"}, format="json").status_code == 403
    assert analyst.post(f"{base}/close/").status_code == 403
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


def test_another_institutions_request_is_a_404_on_every_portal_endpoint(clock, member_of):
    request = ServiceRequestFactory(subject="Secret of B")
    other = _client(member_of(factories.InstitutionFactory(), "admin"))
    assert "Secret of B" not in other.get("/api/v1/portal/requests/").content.decode()
    base = f"/api/v1/portal/requests/{request.pk}"
    assert other.get(f"{base}/").status_code == 404
    assert other.post(f"{base}/messages/", {"body": "x"}, format="json").status_code == 404
    assert other.post(f"{base}/close/").status_code == 404
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert not request.messages.exists()
