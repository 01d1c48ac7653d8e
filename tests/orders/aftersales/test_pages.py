"""The pages of questions and complaints: the investor's (links from an order, a holding and a
product page, the form, the conversation), the portal's (role rules), staff's (late and
escalated, figures on the overview); bad input is a form error and saves nothing; list pages
cost the same number of queries however many rows they show."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orders.aftersales import services
from orders.aftersales.models import RequestStatus, ServiceRequest
from tests import factories
from tests.orders.aftersales.factories import RequestMessageFactory, ServiceRequestFactory
from tests.orders.factories import HoldingFactory, OrderFactory

pytestmark = pytest.mark.django_db


def _form(**extra):
    return {
        "form_token": extra.pop("token", "t-1"),
        "kind": "question",
        "subject": "Units?",
        "body": "When do my units arrive?",
        **extra,
    }


def test_the_order_holding_and_product_pages_link_to_the_new_request_form(verified_client, user):
    order = OrderFactory(user=user)
    HoldingFactory(user=user, product=order.product)
    page = verified_client.get(f"/me/orders/{order.pk}/").content.decode()
    assert f"/me/requests/new/?order={order.pk}&amp;kind=question" in page
    assert f"/me/requests/new/?order={order.pk}&amp;kind=complaint" in page
    holding = user.holdings.get()
    page = verified_client.get("/me/portfolio/").content.decode()
    assert f"/me/requests/new/?holding={holding.pk}&amp;kind=complaint" in page
    page = verified_client.get(f"/products/{order.product.slug}/").content.decode()
    assert f"/me/requests/new/?product={order.product.slug}&amp;kind=question" in page
    assert 'href="/me/requests/"' in verified_client.get("/me/orders/").content.decode()


def test_the_form_is_prefilled_with_what_it_is_about(verified_client, user):
    order = OrderFactory(user=user)
    response = verified_client.get(f"/me/requests/new/?order={order.pk}&kind=complaint")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["order"] == order.pk
    assert form.initial["kind"] == "complaint"
    assert order.product.name in response.content.decode()


def test_the_form_for_another_investors_order_is_not_found(verified_client):
    theirs = OrderFactory()
    assert verified_client.get(f"/me/requests/new/?order={theirs.pk}").status_code == 404
    assert verified_client.get("/me/requests/new/").status_code == 404
    assert verified_client.get("/me/requests/new/?order=99999999999999999999").status_code == 404


def test_sending_the_form_opens_the_request(verified_client, user, clock):
    order = OrderFactory(user=user)
    response = verified_client.post("/me/requests/new/", _form(order=order.pk))
    request = ServiceRequest.objects.get()
    assert response.status_code == 302
    assert response.url == f"/me/requests/{request.pk}/"
    assert request.order == order
    assert request.messages.count() == 1
    page = verified_client.get(response.url).content.decode()
    assert "When do my units arrive?" in page


def test_a_form_sent_twice_opens_one_request(verified_client, user, clock):
    order = OrderFactory(user=user)
    verified_client.post("/me/requests/new/", _form(order=order.pk))
    response = verified_client.post("/me/requests/new/", _form(order=order.pk))
    assert response.status_code == 302
    assert response.url == "/me/requests/"
    assert ServiceRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"subject": ""}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"body": "<script>alert(1)</script>"}, "body"),
        ({"body": "a\x00b"}, "body"),
        ({"kind": "praise"}, "kind"),
        ({"order": "not-a-number"}, "order"),
    ],
)
def test_bad_input_on_the_form_is_an_error_and_saves_nothing(
    verified_client, user, clock, fields, error_field
):
    order = OrderFactory(user=user)
    response = verified_client.post("/me/requests/new/", {**_form(order=order.pk), **fields})
    assert response.status_code == 400
    assert response.context["form"].errors[error_field]
    assert not ServiceRequest.objects.exists()


def test_naming_another_investors_order_in_the_form_saves_nothing(verified_client, clock):
    theirs = OrderFactory()
    response = verified_client.post("/me/requests/new/", _form(order=theirs.pk))
    assert response.status_code == 400
    assert response.context["form"].errors["order"]
    assert not ServiceRequest.objects.exists()


def test_the_investor_replies_closes_and_escalates_from_the_page(verified_client, user, clock):
    order = OrderFactory(user=user)
    request = services.request_open(
        investor=user, kind="complaint", subject="Fee", body="Too high", order_id=order.pk
    )
    verified_client.post(f"/me/requests/{request.pk}/reply/", {"body": "Any news?"})
    assert request.messages.count() == 2
    assert (
        verified_client.post(f"/me/requests/{request.pk}/reply/", {"body": ""}).status_code == 400
    )
    verified_client.post(f"/me/requests/{request.pk}/escalate/")
    verified_client.post(f"/me/requests/{request.pk}/close/")
    request.refresh_from_db()
    assert request.escalated_at is not None
    assert request.status == RequestStatus.CLOSED


def test_another_investors_request_is_not_found(verified_client):
    theirs = ServiceRequestFactory()
    for url in ("", "reply/", "close/", "escalate/"):
        method = verified_client.get if not url else verified_client.post
        assert method(f"/me/requests/{theirs.pk}/{url}").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == RequestStatus.OPEN
    assert theirs.escalated_at is None


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_investors_list_costs_the_same_queries_for_1_or_8_rows(verified_client, user):
    RequestMessageFactory(request=ServiceRequestFactory(investor=user))
    one = _count_queries(verified_client, "/me/requests/")
    for _ in range(7):
        RequestMessageFactory(request=ServiceRequestFactory(investor=user))
    assert _count_queries(verified_client, "/me/requests/") == one


# --- portal ---------------------------------------------------------------------------------


@pytest.fixture
def institution_request(clock):
    order = OrderFactory()
    return services.request_open(
        investor=order.user, kind="question", subject="Units?", body="When?", order_id=order.pk
    )


def _member_client(institution, role, member_of):
    client = Client()
    client.force_login(member_of(institution, role))
    return client


def test_an_editor_answers_in_the_portal(institution_request, member_of):
    client = _member_client(institution_request.institution, "editor", member_of)
    page = client.get("/portal/requests/")
    assert institution_request.subject in page.content.decode()
    response = client.post(
        f"/portal/requests/{institution_request.pk}/answer/", {"body": "Tomorrow."}
    )
    assert response.status_code == 302
    institution_request.refresh_from_db()
    assert institution_request.status == RequestStatus.ANSWERED
    assert "Tomorrow." in client.get(f"/portal/requests/{institution_request.pk}/").content.decode()


def test_an_analyst_reads_but_cannot_answer_or_close(institution_request, member_of):
    client = _member_client(institution_request.institution, "analyst", member_of)
    assert client.get(f"/portal/requests/{institution_request.pk}/").status_code == 200
    client.post(f"/portal/requests/{institution_request.pk}/answer/", {"body": "Tomorrow."})
    client.post(f"/portal/requests/{institution_request.pk}/close/")
    institution_request.refresh_from_db()
    assert institution_request.status == RequestStatus.OPEN
    assert institution_request.messages.count() == 1


def test_a_bad_answer_is_a_form_error(institution_request, member_of):
    client = _member_client(institution_request.institution, "editor", member_of)
    for body in ("", "x" * 4001, "<b>bold</b>"):
        response = client.post(f"/portal/requests/{institution_request.pk}/answer/", {"body": body})
        assert response.status_code == 400
    assert institution_request.messages.count() == 1


def test_the_portal_filters_and_refuses_a_bad_filter(institution_request, member_of):
    client = _member_client(institution_request.institution, "editor", member_of)
    assert (
        institution_request.subject in client.get("/portal/requests/?status=open").content.decode()
    )
    assert (
        institution_request.subject
        not in client.get("/portal/requests/?status=closed").content.decode()
    )
    assert client.get("/portal/requests/?status=bogus").status_code == 400
    assert client.get("/portal/requests/?late=maybe").status_code == 400


def test_the_portal_list_costs_the_same_queries_for_1_or_8_rows(member_of):
    institution = factories.InstitutionFactory()
    product = factories.ProductFactory(institution=institution)
    client = _member_client(institution, "analyst", member_of)
    ServiceRequestFactory(product=product)
    one = _count_queries(client, "/portal/requests/")
    for _ in range(7):
        RequestMessageFactory(request=ServiceRequestFactory(product=product))
    assert _count_queries(client, "/portal/requests/") == one


# --- staff ----------------------------------------------------------------------------------


def test_staff_see_late_and_escalated_requests_and_add_an_answer(staff_client, clock):
    order = OrderFactory()
    late = services.request_open(
        investor=order.user, kind="question", subject="Late one", body="?", order_id=order.pk
    )
    clock.set(dt.date(2026, 11, 26), 9)  # Thursday: the first one is late
    services.request_open(
        investor=order.user, kind="question", subject="Fresh one", body="?", order_id=order.pk
    )
    page = staff_client.get("/staff/requests/").content.decode()
    assert "Late one" in page
    assert "Fresh one" not in page
    assert staff_client.get(f"/staff/requests/{late.pk}/").status_code == 200
    staff_client.post(f"/staff/requests/{late.pk}/note/", {"body": "We are on it."})
    assert late.messages.filter(side="staff").count() == 1
    assert staff_client.post(f"/staff/requests/{late.pk}/note/", {"body": ""}).status_code == 400


def test_staff_pages_are_not_for_investors(verified_client):
    request = ServiceRequestFactory()
    assert verified_client.get("/staff/requests/").status_code == 404
    assert verified_client.get(f"/staff/requests/{request.pk}/").status_code == 404


def test_the_staff_overview_shows_figures_per_institution_in_constant_queries(staff_client):
    def add_institution():
        product = factories.ProductFactory()
        ServiceRequestFactory(product=product)
        return product.institution

    first = add_institution()
    with CaptureQueriesContext(connection) as one:
        page = staff_client.get("/staff/").content.decode()
    assert first.name in page
    assert "Questions and complaints" in page
    for _ in range(4):
        add_institution()
    with CaptureQueriesContext(connection) as five:
        staff_client.get("/staff/")
    assert len(five) == len(one)


def test_the_staff_list_costs_the_same_queries_for_1_or_5_institutions(staff_client, clock):
    def late_request():
        ServiceRequestFactory(
            created_at=clock() - dt.timedelta(days=3),
            first_response_due=clock() - dt.timedelta(hours=1),
        )

    late_request()
    one = _count_queries(staff_client, "/staff/requests/")
    for _ in range(4):
        late_request()
    assert _count_queries(staff_client, "/staff/requests/") == one
