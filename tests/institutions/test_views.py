"""The institution pages as users reach them: forms, permissions, tenant portal."""

from decimal import Decimal

import pytest
from django.core import mail

from institutions.models import Institution, InstitutionStatus, Invitation, Membership, Role
from institutions.tenancy import SESSION_KEY
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Pearl Funds Co.",
    "type": "fund_company",
    "licence_number": "CSRC-FM-2020-001",
    "registered_address": "1 Pearl Road, Guangzhou",
    "website": "pearlfunds.example",
    "contact_name": "Huang Wei",
    "contact_email": "huang@pearlfunds.example",
    "requested_kinds": ["fund"],
    "description": "Index funds.",
}


def applications():
    return Institution.objects.exclude(type="platform")


def test_the_apply_page_is_public_but_applying_needs_a_verified_account(client):
    assert client.get("/institutions/apply/").status_code == 200
    response = client.post("/institutions/apply/", FORM)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    client.force_login(UserFactory(verified=False))
    response = client.post("/institutions/apply/", FORM)
    assert response["Location"] == "/accounts/email/"
    assert not applications().exists()


def test_a_verified_user_applies_through_the_form(verified_client, user):
    response = verified_client.post("/institutions/apply/", FORM, follow=True)
    assert response.status_code == 200
    institution = applications().get()
    assert institution.applicant == user
    assert institution.website == "https://pearlfunds.example"
    assert b"Thank you" in response.content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "N" * 5000, b"at most 200 characters"),
        ("name", "<b>Evil</b>", b"Plain text only"),
        ("name", "", b"This field is required"),
        ("licence_number", "", b"This field is required"),
        ("contact_email", "nope", b"valid email"),
        ("requested_kinds", [], b"Choose at least one kind of product"),
        ("type", "platform", b"Select a valid choice"),
    ],
)
def test_bad_application_input_shows_form_errors_and_saves_nothing(
    verified_client, field, value, message
):
    response = verified_client.post("/institutions/apply/", {**FORM, field: value})
    assert response.status_code == 200
    assert message in response.content
    assert not applications().exists()


def test_duplicate_licence_is_a_form_error(verified_client):
    InstitutionFactory(licence_number="CSRC-FM-2020-001")
    response = verified_client.post("/institutions/apply/", FORM)
    assert b"already applied" in response.content
    assert applications().count() == 1


def test_staff_pages_are_hidden_from_everyone_else(client):
    assert client.get("/staff/institutions/")["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())
    assert client.get("/staff/institutions/").status_code == 404
    assert client.get("/staff/").status_code == 404


def test_staff_see_the_queue_by_status_with_counts(staff_client):
    InstitutionFactory(name="Waiting Bank", status=InstitutionStatus.APPLIED)
    InstitutionFactory(name="Done Bank", status=InstitutionStatus.APPROVED)
    response = staff_client.get("/staff/institutions/")
    assert b"Waiting Bank" in response.content
    assert b"Done Bank" not in response.content
    response = staff_client.get("/staff/institutions/?status=approved")
    assert b"Done Bank" in response.content


def test_staff_decision_without_reason_is_a_form_error(staff_client):
    institution = InstitutionFactory(status=InstitutionStatus.APPLIED)
    response = staff_client.post(
        f"/staff/institutions/{institution.slug}/", {"action": "approve", "reason": ""}
    )
    assert response.status_code == 400
    assert b"Give a reason" in response.content
    institution.refresh_from_db()
    assert institution.status == InstitutionStatus.APPLIED
    assert not institution.events.exists()


def test_staff_illegal_move_is_refused_with_a_message(staff_client):
    institution = InstitutionFactory(status=InstitutionStatus.REJECTED)
    response = staff_client.post(
        f"/staff/institutions/{institution.slug}/", {"action": "approve", "reason": "Retry"}
    )
    assert response.status_code == 400
    assert b"cannot be approved" in response.content
    institution.refresh_from_db()
    assert institution.status == InstitutionStatus.REJECTED


def test_staff_approve_from_the_review_page(staff_client, django_capture_on_commit_callbacks):
    institution = InstitutionFactory(status=InstitutionStatus.APPLIED)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/staff/institutions/{institution.slug}/",
            {"action": "approve", "reason": "Licence verified."},
            follow=True,
        )
    assert response.status_code == 200
    institution.refresh_from_db()
    assert institution.status == InstitutionStatus.APPROVED
    assert b"Licence verified." in response.content  # shown in the history
    assert len(mail.outbox) == 1


def test_commission_contract_form_refuses_bad_rates(staff_client):
    institution = InstitutionFactory()
    data = {
        "institution": institution.slug,
        "product_kind": "fund",
        "upfront_basis": "amount",
        "upfront_rate": "20",
        "trail_rate": "90",
        "valid_from": "2026-01-01",
    }
    response = staff_client.post("/staff/commission/", data)
    assert response.status_code == 400
    assert institution.commission_contracts.count() == 0
    for bad in ("abc", "-1", "1e400", "0.1234567"):
        response = staff_client.post("/staff/commission/", {**data, "upfront_rate": bad})
        assert response.status_code == 400
    response = staff_client.post(
        "/staff/commission/", {**data, "upfront_rate": "0.30", "trail_rate": "30"}
    )
    assert response.status_code == 302
    assert institution.commission_contracts.count() == 1


def test_staff_enter_commission_rates_as_percentages(staff_client):
    institution = InstitutionFactory()
    page = staff_client.get("/staff/commission/").content.decode()
    assert "1.50 means 1.5 %" in page
    data = {
        "institution": institution.slug,
        "product_kind": "fund",
        "upfront_basis": "amount",
        "upfront_rate": "1.50",
        "trail_rate": "30",
        "valid_from": "2026-01-01",
    }
    assert staff_client.post("/staff/commission/", data).status_code == 302
    contract = institution.commission_contracts.get()
    assert contract.upfront_rate == Decimal("0.0150")
    assert contract.trail_rate == Decimal("0.30")
    refused = staff_client.post("/staff/commission/", {**data, "upfront_rate": "abc"})
    assert 'value="abc"' in refused.content.decode()  # the form shows what was typed


# --- the portal -----------------------------------------------------------------------------


def test_non_members_get_a_404_from_the_portal(verified_client):
    assert verified_client.get("/portal/").status_code == 404


def test_members_of_an_unapproved_or_rejected_institution_see_no_portal(client):
    for status in (InstitutionStatus.APPLIED, InstitutionStatus.REJECTED):
        membership = MembershipFactory(institution=InstitutionFactory(status=status))
        client.force_login(membership.user)
        assert client.get("/portal/").status_code == 404


def test_member_of_several_institutions_chooses_one(client):
    user = UserFactory()
    a = MembershipFactory(user=user, institution=InstitutionFactory(name="Alpha Funds")).institution
    b = MembershipFactory(user=user, institution=InstitutionFactory(name="Beta Bank")).institution
    client.force_login(user)
    response = client.get("/portal/members/")
    assert response.status_code == 302
    assert response["Location"].startswith("/portal/choose/")
    response = client.post("/portal/choose/", {"institution": b.slug, "next": "/portal/members/"})
    assert response["Location"] == "/portal/members/"
    assert client.session[SESSION_KEY] == b.id
    assert b"Beta Bank" in client.get("/portal/").content
    response = client.post("/portal/choose/", {"institution": "not-mine"})
    assert response.status_code == 404
    response = client.post(
        "/portal/choose/", {"institution": a.slug, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/portal/"


def test_suspended_institution_members_can_look_but_not_change(client):
    institution = InstitutionFactory(status=InstitutionStatus.SUSPENDED)
    admin = MembershipFactory(institution=institution, role=Role.ADMIN, user=UserFactory(mfa=True))
    client.force_login(admin.user)
    response = client.get("/portal/")
    assert response.status_code == 200
    assert b"suspended" in response.content.lower()
    response = client.post(
        "/portal/members/", {"email": "x@example.com", "role": "editor"}, follow=True
    )
    assert b"suspended" in response.content.lower()
    assert not Invitation.objects.exists()


def test_only_admins_manage_members(client):
    institution = InstitutionFactory()
    MembershipFactory(institution=institution, role=Role.ADMIN)
    editor = MembershipFactory(institution=institution, role=Role.EDITOR)
    client.force_login(editor.user)
    assert client.get("/portal/members/").status_code == 200
    client.post("/portal/members/", {"email": "x@example.com", "role": "admin"})
    client.post(f"/portal/members/{editor.pk}/role/", {"role": "admin"})
    editor.refresh_from_db()
    assert editor.role == Role.EDITOR
    assert not Invitation.objects.exists()


def test_admin_changes_a_role_and_removes_a_member(client):
    institution = InstitutionFactory()
    admin = MembershipFactory(institution=institution, role=Role.ADMIN, user=UserFactory(mfa=True))
    analyst = MembershipFactory(institution=institution, role=Role.ANALYST)
    client.force_login(admin.user)
    client.post(f"/portal/members/{analyst.pk}/role/", {"role": "editor"})
    analyst.refresh_from_db()
    assert analyst.role == Role.EDITOR
    response = client.post(f"/portal/members/{admin.pk}/remove/", follow=True)
    assert b"at least one admin" in response.content
    client.post(f"/portal/members/{analyst.pk}/remove/")
    assert list(Membership.objects.filter(institution=institution)) == [admin]


def test_invitation_form_bad_input_is_a_clear_error(client):
    institution = InstitutionFactory()
    admin = MembershipFactory(institution=institution, role=Role.ADMIN, user=UserFactory(mfa=True))
    client.force_login(admin.user)
    for data in (
        {"email": "not-an-email", "role": "editor"},
        {"email": "a@b.example", "role": "god"},
    ):
        response = client.post("/portal/members/", data)
        assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_public_institution_page_shows_only_approved_institutions(client):
    approved = InstitutionFactory(name="Open Bank")
    pending = InstitutionFactory(status=InstitutionStatus.APPLIED)
    assert b"Open Bank" in client.get(f"/institutions/{approved.slug}/").content
    assert client.get(f"/institutions/{pending.slug}/").status_code == 404
    platform = Institution.objects.get(type="platform")
    assert b"Operated by the platform" in client.get(f"/institutions/{platform.slug}/").content
