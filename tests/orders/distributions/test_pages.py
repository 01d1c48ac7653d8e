"""The portal, staff and investor pages and the API of distributions: shape, bad input (a 400
on its field, nothing saved), tenant isolation (another institution's fund is a 404) and the
schema."""

import pytest
from django.core.exceptions import ValidationError

from orders.models import Holding
from orders.plans.distributions.models import (
    Distribution,
    DistributionStatus,
    Election,
    HoldingElection,
)
from orders.plans.distributions.services.declaration import distribution_withdraw
from tests import factories

from .conftest import EX, PAY, RECORD

pytestmark = pytest.mark.django_db

GOOD = {
    "amount_per_unit": "0.0123",
    "record_date": RECORD.isoformat(),
    "ex_date": EX.isoformat(),
    "pay_date": PAY.isoformat(),
}


# --- portal -----------------------------------------------------------------------------------


def test_an_editor_declares_on_the_portal_page(client, fund, editor, clock):
    client.force_login(editor)
    page = client.get(f"/portal/products/{fund.slug}/distributions/")
    assert page.status_code == 200
    response = client.post(f"/portal/products/{fund.slug}/distributions/new/", GOOD)
    assert response.status_code == 302
    distribution = Distribution.objects.get()
    assert (distribution.product, distribution.status) == (fund, DistributionStatus.PENDING_REVIEW)
    assert "0.0123" in client.get(f"/portal/products/{fund.slug}/distributions/").content.decode()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount_per_unit": "0"}, "amount_per_unit"),
        ({"amount_per_unit": "0.12345"}, "amount_per_unit"),
        ({"amount_per_unit": "<b>1</b>"}, "amount_per_unit"),
        ({"amount_per_unit": "1" * 40}, "amount_per_unit"),
        ({"record_date": "2026-11-23"}, "record_date"),
        ({"record_date": "yesterday"}, "record_date"),
        ({"ex_date": "2026-11-24"}, "ex_date"),
        ({"pay_date": "2026-11-25"}, "pay_date"),
    ],
)
def test_bad_input_on_the_portal_page_is_a_400_on_its_field(
    client, fund, editor, clock, changes, field
):
    client.force_login(editor)
    response = client.post(f"/portal/products/{fund.slug}/distributions/new/", {**GOOD, **changes})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Distribution.objects.exists()


def test_the_portal_api_declares_and_lists(client, fund, editor, clock):
    client.force_login(editor)
    url = f"/api/v1/portal/products/{fund.slug}/distributions/"
    created = client.post(url, GOOD, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "pending_review"
    assert created.json()["amount_per_unit"] == "0.0123"
    listed = client.get(url).json()
    assert [d["id"] for d in listed] == [created.json()["id"]]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount_per_unit": "-1"}, "amount_per_unit"),
        ({"amount_per_unit": "0.00001"}, "amount_per_unit"),
        ({"amount_per_unit": "abc"}, "amount_per_unit"),
        ({"amount_per_unit": "1e300"}, "amount_per_unit"),
        ({"record_date": "2026-11-20"}, "record_date"),
        ({"ex_date": "2026-11-24"}, "ex_date"),
        ({"pay_date": "2026-11-25"}, "pay_date"),
        ({"pay_date": "not a date"}, "pay_date"),
    ],
)
def test_bad_input_on_the_portal_api_is_a_400_on_its_field(
    client, fund, editor, clock, changes, field
):
    client.force_login(editor)
    response = client.post(
        f"/api/v1/portal/products/{fund.slug}/distributions/",
        {**GOOD, **changes},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Distribution.objects.exists()


def test_another_institutions_fund_is_a_404_on_the_portal_and_its_api(client, fund, clock):
    other = factories.MembershipFactory().user
    client.force_login(other)
    assert client.get(f"/portal/products/{fund.slug}/distributions/").status_code == 404
    assert client.post(f"/portal/products/{fund.slug}/distributions/new/", GOOD).status_code == 404
    url = f"/api/v1/portal/products/{fund.slug}/distributions/"
    assert client.get(url).status_code == 404
    assert client.post(url, GOOD, content_type="application/json").status_code == 404
    assert not Distribution.objects.exists()


def test_an_analyst_sees_but_cannot_declare(client, fund, member_of, clock):
    client.force_login(member_of(fund.institution, "analyst"))
    assert client.get(f"/portal/products/{fund.slug}/distributions/").status_code == 200
    url = f"/api/v1/portal/products/{fund.slug}/distributions/"
    assert client.post(url, GOOD, content_type="application/json").status_code == 403
    assert not Distribution.objects.exists()


def test_the_institution_withdraws_a_pending_declaration_on_the_page_and_declares_again(
    client, fund, editor, declare, staff, clock
):
    distribution = declare()
    client.force_login(editor)
    page = client.get(f"/portal/products/{fund.slug}/distributions/").content.decode()
    withdraw = f"/portal/products/{fund.slug}/distributions/{distribution.pk}/withdraw/"
    assert withdraw in page
    assert client.post(withdraw).status_code == 302
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.WITHDRAWN
    assert list(distribution.events.values_list("to_status", flat=True)) == [
        "pending_review",
        "withdrawn",
    ]
    # Staff can no longer approve it; the record date is free to be declared again, corrected.
    client.force_login(staff)
    client.post(f"/staff/distributions/{distribution.pk}/", {"action": "approve"})
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.WITHDRAWN
    client.force_login(editor)
    again = client.post(
        f"/portal/products/{fund.slug}/distributions/new/", {**GOOD, "amount_per_unit": "0.02"}
    )
    assert again.status_code == 302
    assert Distribution.objects.filter(status=DistributionStatus.PENDING_REVIEW).count() == 1


def test_the_withdraw_api_and_its_refusals(client, fund, editor, declare, staff, member_of):
    distribution = declare()
    url = f"/api/v1/portal/products/{fund.slug}/distributions/{distribution.pk}/withdraw/"
    client.force_login(member_of(fund.institution, "analyst"))
    assert client.post(url).status_code == 403
    client.force_login(factories.MembershipFactory().user)  # another institution
    assert client.post(url).status_code == 404
    client.force_login(editor)
    response = client.post(url)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    again = client.post(url)  # already withdrawn: nothing left to take back
    assert again.status_code == 400
    with pytest.raises(ValidationError) as refused:
        distribution_withdraw(distribution=distribution, institution=fund.institution, actor=editor)
    assert refused.value.code == "distribution_not_pending"


def test_an_approved_distribution_cannot_be_withdrawn(client, fund, editor, approved):
    distribution = approved()
    client.force_login(editor)
    url = f"/api/v1/portal/products/{fund.slug}/distributions/{distribution.pk}/withdraw/"
    assert client.post(url).status_code == 400
    page = client.get(f"/portal/products/{fund.slug}/distributions/").content.decode()
    assert f"/distributions/{distribution.pk}/withdraw/" not in page
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.APPROVED


# --- staff ------------------------------------------------------------------------------------


def test_staff_approve_and_reject_on_the_review_page(client, declare, staff, clock):
    first = declare()
    second = declare(record_date=EX, ex_date=EX, pay_date=PAY)
    client.force_login(staff)
    queue = client.get("/staff/distributions/")
    assert queue.status_code == 200
    assert f"/staff/distributions/{first.pk}/" in queue.content.decode()
    assert client.get(f"/staff/distributions/{first.pk}/").status_code == 200
    approved = client.post(f"/staff/distributions/{first.pk}/", {"action": "approve"})
    assert approved.status_code == 302
    no_reason = client.post(f"/staff/distributions/{second.pk}/", {"action": "reject"})
    assert no_reason.status_code == 400
    assert no_reason.context["form"].errors["reason"]
    rejected = client.post(
        f"/staff/distributions/{second.pk}/", {"action": "reject", "reason": "Wrong amount."}
    )
    assert rejected.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("approved", "rejected")
    assert second.reason == "Wrong amount."


def test_staff_pages_are_for_staff_only(client, declare, editor):
    distribution = declare()
    client.force_login(editor)
    assert client.get("/staff/distributions/").status_code == 404
    assert (
        client.post(f"/staff/distributions/{distribution.pk}/", {"action": "approve"}).status_code
        == 404
    )
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.PENDING_REVIEW


# --- the investor's election ------------------------------------------------------------------


def test_the_investor_elects_reinvest_on_the_holding_page(client, holder, fund, approved):
    approved()
    client.force_login(holder)
    page = client.get(f"/me/portfolio/{fund.slug}/distributions/")
    assert page.status_code == 200
    assert page.context["current"] == Election.CASH
    assert (
        f"/me/portfolio/{fund.slug}/distributions/" in client.get("/me/portfolio/").content.decode()
    )
    response = client.post(f"/me/portfolio/{fund.slug}/distributions/", {"election": "reinvest"})
    assert response.status_code == 302
    assert HoldingElection.objects.get().election == Election.REINVEST


def test_a_bad_election_on_the_page_is_a_400_and_saves_nothing(client, holder, fund):
    client.force_login(holder)
    response = client.post(f"/me/portfolio/{fund.slug}/distributions/", {"election": "<b>x"})
    assert response.status_code == 400
    assert response.context["form"].errors["election"]
    assert not HoldingElection.objects.exists()


def test_the_election_api(client, holder, fund, approved):
    approved()
    client.force_login(holder)
    url = f"/api/v1/me/holdings/{fund.slug}/election/"
    got = client.get(url).json()
    assert got["election"] == "cash"
    assert [d["record_date"] for d in got["upcoming"]] == [RECORD.isoformat()]
    changed = client.post(url, {"election": "reinvest"}, content_type="application/json")
    assert changed.status_code == 200
    assert changed.json()["election"] == "reinvest"
    back = client.patch(url, {"election": "cash"}, content_type="application/json")
    assert back.json()["election"] == "cash"
    bad = client.post(url, {"election": "units"}, content_type="application/json")
    assert bad.status_code == 400
    assert "election" in bad.json()
    assert HoldingElection.objects.count() == 2


def test_another_investors_holding_is_a_404(client, holder, fund):
    client.force_login(factories.investor_with_cash())
    assert client.get(f"/me/portfolio/{fund.slug}/distributions/").status_code == 404
    url = f"/api/v1/me/holdings/{fund.slug}/election/"
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"election": "reinvest"}, content_type="application/json").status_code
        == 404
    )
    assert not HoldingElection.objects.exists()
    assert Holding.objects.count() == 1


# --- schema -----------------------------------------------------------------------------------


def test_the_schema_describes_the_new_operations(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    portal = paths["/api/v1/portal/products/{slug}/distributions/"]
    assert set(portal) >= {"get", "post"}
    election = paths["/api/v1/me/holdings/{slug}/election/"]
    assert set(election) >= {"get", "post", "patch"}
    assert "post" in paths["/api/v1/portal/products/{slug}/distributions/{id}/withdraw/"]
    body = portal["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][body.rsplit("/", 1)[-1]]["properties"]
    assert set(fields) == {"amount_per_unit", "record_date", "ex_date", "pay_date"}


def test_markup_in_a_rejection_reason_is_a_400_and_changes_nothing(client, declare, staff):
    distribution = declare()
    client.force_login(staff)
    response = client.post(
        f"/staff/distributions/{distribution.pk}/",
        {"action": "reject", "reason": "<script>alert(1)</script>"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["reason"]
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.PENDING_REVIEW
    assert distribution.events.count() == 1  # the declaration only
