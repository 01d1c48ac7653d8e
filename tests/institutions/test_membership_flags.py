"""The memberships' answers asked on every signed-in request (MFA rule, portal link, insider
check) are cached per user, and every change that can alter them is seen on the next request:
the MFA rule is never late (issue 16)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from institutions.membership_flags import membership_flags
from institutions.models import InstitutionStatus, Membership, Role
from institutions.services import applications, members
from tests.factories import InstitutionFactory, MembershipFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
PAGE = "/products/"
PORTAL_LINK = b'<a href="/portal/"'


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _needs_mfa(response) -> bool:
    return response.status_code == 302 and "/accounts/2fa/" in response["Location"]


def test_the_memberships_are_read_once_and_then_come_from_the_cache():
    user = MembershipFactory(role=Role.EDITOR).user
    client = _client(user)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PAGE)
    assert response.status_code == 200
    assert PORTAL_LINK in response.content  # the header's portal link, from the cached flags
    assert not [q for q in captured.captured_queries if "institutions_membership" in q["sql"]]


def test_a_member_made_admin_must_set_up_mfa_on_the_very_next_request(
    django_capture_on_commit_callbacks,
):
    membership = MembershipFactory(role=Role.EDITOR)
    admin = MembershipFactory(institution=membership.institution, role=Role.ADMIN).user
    client = _client(membership.user)
    assert client.get(PAGE).status_code == 200  # flags cached: not an admin

    with django_capture_on_commit_callbacks(execute=True):
        members.membership_change_role(membership=membership, role=Role.ADMIN, actor=admin)

    assert _needs_mfa(client.get(PAGE))


def test_an_admin_whose_institution_is_approved_must_set_up_mfa_at_once(
    django_capture_on_commit_callbacks,
):
    institution = InstitutionFactory(status=InstitutionStatus.APPLIED)
    user = MembershipFactory(institution=institution, role=Role.ADMIN).user
    client = _client(user)
    assert client.get(PAGE).status_code == 200  # an applicant's admin: no portal yet

    with django_capture_on_commit_callbacks(execute=True):
        applications.institution_approve(institution=institution, actor=StaffFactory(), reason="ok")

    assert _needs_mfa(client.get(PAGE))


def test_a_removed_member_loses_the_portal_link_and_counts_as_a_visitor_again(
    django_capture_on_commit_callbacks,
):
    membership = MembershipFactory(role=Role.EDITOR)
    MembershipFactory(institution=membership.institution, role=Role.ADMIN)
    user = membership.user
    client = _client(user)
    assert PORTAL_LINK in client.get(PAGE).content

    with django_capture_on_commit_callbacks(execute=True):
        members.membership_remove(membership=membership, actor=user)

    assert PORTAL_LINK not in client.get(PAGE).content
    assert membership_flags(UserFactory()) == (False, False, False)
    assert not Membership.objects.filter(pk=membership.pk).exists()
