import pytest

from institutions.models import Institution, Invitation, Role
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = {
    "name": "API Funds",
    "type": "fund_company",
    "licence_number": "API-0001",
    "registered_address": "1 Road",
    "contact_name": "Ann",
    "contact_email": "ann@api.example",
    "requested_kinds": ["fund"],
    "description": "Funds.",
}


def test_apply_by_api(verified_client, user):
    response = verified_client.post(
        "/api/v1/institutions/applications/", BODY, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "applied"
    assert Institution.objects.get(licence_number="API-0001").applicant == user


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"name": "<i>x</i>"}, "name"),
        ({"name": "x" * 5000}, "name"),
        ({"licence_number": None}, "licence_number"),
        ({"requested_kinds": []}, "requested_kinds"),
        ({"requested_kinds": ["crypto"]}, "requested_kinds"),
        ({"type": "platform"}, "type"),
        ({"contact_email": "x"}, "contact_email"),
    ],
)
def test_bad_api_application_is_a_400_with_field_errors(verified_client, patch, field):
    response = verified_client.post(
        "/api/v1/institutions/applications/", {**BODY, **patch}, content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Institution.objects.filter(licence_number="API-0001").exists()


def test_duplicate_licence_by_api_is_a_field_error(verified_client):
    InstitutionFactory(licence_number="API-0001")
    response = verified_client.post(
        "/api/v1/institutions/applications/", BODY, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "licence_number": ["An institution with this licence number has already applied."]
    }


def test_unverified_user_cannot_apply_by_api(client):
    client.force_login(UserFactory(verified=False))
    response = client.post(
        "/api/v1/institutions/applications/", BODY, content_type="application/json"
    )
    assert response.status_code == 403


def test_portal_api_lists_own_members_and_admins_invite(client):
    institution = InstitutionFactory()
    admin = MembershipFactory(institution=institution, role=Role.ADMIN, user=UserFactory(mfa=True))
    client.force_login(admin.user)
    members = client.get("/api/v1/portal/members/").json()
    assert [m["email"] for m in members["results"]] == [admin.user.email]
    response = client.post(
        "/api/v1/portal/invitations/",
        {"email": "new@x.example", "role": "analyst"},
        content_type="application/json",
    )
    assert response.status_code == 201
    response = client.post(
        "/api/v1/portal/invitations/",
        {"email": "new@x.example", "role": "analyst"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "email" in response.json()
    assert Invitation.objects.count() == 1


def test_analyst_cannot_invite_by_api(client):
    analyst = MembershipFactory(role=Role.ANALYST)
    client.force_login(analyst.user)
    response = client.post(
        "/api/v1/portal/invitations/",
        {"email": "new@x.example", "role": "analyst"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()
