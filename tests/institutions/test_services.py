"""Institution lifecycle, members and contracts: the rules of DESIGN §4."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from institutions.models import (
    INSTITUTION_TRANSITIONS,
    CommissionContract,
    Institution,
    InstitutionEvent,
    InstitutionStatus,
    InstitutionType,
    Invitation,
    Membership,
    ProductKind,
    Role,
)
from institutions.selectors import commission_contract_in_force
from institutions.services import applications, contracts, members
from tests.factories import (
    InstitutionFactory,
    InvitationFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

APPLICATION = {
    "name": "Bosera-like Funds Co.",
    "type": InstitutionType.FUND_COMPANY,
    "licence_number": "csrc-fm-1998-002",
    "registered_address": "1 Fund Road, Shenzhen",
    "website": "https://funds.example",
    "contact_name": "Wang Fang",
    "contact_email": "Wang@Funds.example",
    "requested_kinds": [ProductKind.FUND],
    "description": "Bond and equity funds.",
}


def apply(user, **overrides):
    return applications.institution_apply(applicant=user, **{**APPLICATION, **overrides})


# --- applying ----------------------------------------------------------------------------------


def test_application_is_recorded_as_applied_with_an_audit_row_and_acknowledged_by_email(
    django_capture_on_commit_callbacks,
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        institution = apply(user)
    assert institution.status == InstitutionStatus.APPLIED
    assert institution.licence_number == "CSRC-FM-1998-002"
    assert institution.contact_email == "wang@funds.example"
    event = institution.events.get()
    assert (event.from_status, event.to_status, event.actor) == ("", "applied", user)
    assert len(mail.outbox) == 1
    assert "received" in mail.outbox[0].subject.lower()
    assert not Membership.objects.filter(institution=institution).exists()


def test_duplicate_licence_number_is_refused_and_saves_nothing():
    apply(UserFactory())
    with pytest.raises(ValidationError) as err:
        apply(UserFactory(), name="Another", licence_number="CSRC-FM-1998-002 ")
    assert err.value.message_dict == {"licence_number": [applications.LICENCE_TAKEN]}
    assert Institution.objects.filter(name="Another").count() == 0
    assert InstitutionEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "x" * 5000),
        ("name", "<script>alert(1)</script>"),
        ("name", ""),
        ("licence_number", "??"),
        ("contact_email", "not-an-email"),
        ("website", "javascript:alert(1)"),
        ("description", "<b>bold</b>"),
        ("requested_kinds", []),
        ("requested_kinds", ["crypto"]),
        ("type", "platform"),
        ("type", "hedge_fund"),
    ],
)
def test_bad_application_input_is_a_field_error_and_saves_nothing(field, value):
    with pytest.raises(ValidationError) as err:
        apply(UserFactory(), **{field: value})
    assert field in err.value.message_dict
    assert not Institution.objects.exclude(type=InstitutionType.PLATFORM).exists()
    assert not InstitutionEvent.objects.exists()


def test_unicode_names_are_welcome():
    institution = apply(UserFactory(), name="南方基金管理股份有限公司")
    assert institution.name == "南方基金管理股份有限公司"
    assert institution.slug  # a slug is always made, even from a non-Latin name


# --- review -----------------------------------------------------------------------------------


def test_approval_makes_the_applicant_first_admin_and_emails_them(
    django_capture_on_commit_callbacks,
):
    applicant = UserFactory()
    institution = apply(applicant)
    staff = StaffFactory()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event = applications.institution_approve(
            institution=institution, actor=staff, reason="Licence checked."
        )
    institution.refresh_from_db()
    assert institution.status == InstitutionStatus.APPROVED
    assert (event.actor, event.from_status, event.to_status, event.reason) == (
        staff,
        "applied",
        "approved",
        "Licence checked.",
    )
    assert Membership.objects.get(institution=institution).user == applicant
    assert Membership.objects.get(institution=institution).role == Role.ADMIN
    assert [m.to for m in mail.outbox] == [sorted({applicant.email, "wang@funds.example"})]
    assert "approved" in mail.outbox[0].subject.lower()
    assert "Licence checked." in mail.outbox[0].body
    event.refresh_from_db()
    assert event.notified_at is not None


def test_notification_is_sent_once_even_if_the_task_runs_twice(
    django_capture_on_commit_callbacks,
):
    institution = apply(UserFactory())
    event = applications.institution_reject(
        institution=institution, actor=StaffFactory(), reason="Licence not found."
    )
    mail.outbox.clear()
    assert applications.institution_event_notify(event_id=event.pk) is True
    assert applications.institution_event_notify(event_id=event.pk) is False
    assert len(mail.outbox) == 1


ALL_MOVES = [(a, b) for a in InstitutionStatus.values for b in InstitutionStatus.values]


@pytest.mark.parametrize(("from_status", "to_status"), ALL_MOVES)
def test_only_the_lifecycle_moves_are_allowed(from_status, to_status):
    institution = InstitutionFactory(status=from_status)
    staff = StaffFactory()
    allowed = to_status in INSTITUTION_TRANSITIONS[from_status]
    if allowed:
        applications.institution_transition(
            institution=institution, to_status=to_status, actor=staff, reason="Because."
        )
        institution.refresh_from_db()
        assert institution.status == to_status
        assert institution.events.get().to_status == to_status
    else:
        with pytest.raises(ValidationError):
            applications.institution_transition(
                institution=institution, to_status=to_status, actor=staff, reason="Because."
            )
        institution.refresh_from_db()
        assert institution.status == from_status
        assert not institution.events.exists()


def test_approving_a_rejected_application_is_refused():
    institution = InstitutionFactory(status=InstitutionStatus.REJECTED)
    with pytest.raises(ValidationError, match="rejected cannot be approved"):
        applications.institution_approve(institution=institution, actor=StaffFactory(), reason="x")


def test_suspending_an_applied_institution_is_refused():
    institution = InstitutionFactory(status=InstitutionStatus.APPLIED)
    with pytest.raises(ValidationError, match="applied cannot be suspended"):
        applications.institution_suspend(institution=institution, actor=StaffFactory(), reason="x")


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_every_decision_needs_a_reason(reason):
    institution = InstitutionFactory(status=InstitutionStatus.APPLIED)
    with pytest.raises(ValidationError) as err:
        applications.institution_approve(
            institution=institution, actor=StaffFactory(), reason=reason
        )
    assert err.value.message_dict == {"reason": [applications.REASON_REQUIRED]}
    institution.refresh_from_db()
    assert institution.status == InstitutionStatus.APPLIED


def test_only_staff_can_decide():
    institution = InstitutionFactory(status=InstitutionStatus.APPLIED)
    with pytest.raises(PermissionDenied):
        applications.institution_approve(institution=institution, actor=UserFactory(), reason="me")
    institution.refresh_from_db()
    assert institution.status == InstitutionStatus.APPLIED


def test_reinstating_does_not_duplicate_the_admin_membership():
    institution = apply(UserFactory())
    staff = StaffFactory()
    applications.institution_approve(institution=institution, actor=staff, reason="ok")
    applications.institution_suspend(institution=institution, actor=staff, reason="complaint")
    applications.institution_reinstate(institution=institution, actor=staff, reason="resolved")
    assert Membership.objects.filter(institution=institution).count() == 1
    assert [e.to_status for e in institution.events.order_by("pk")] == [
        "applied",
        "approved",
        "suspended",
        "approved",
    ]


def test_kinds_follow_the_type_and_staff_can_widen_them():
    bank = InstitutionFactory(type=InstitutionType.BANK)
    insurer = InstitutionFactory(type=InstitutionType.INSURER)
    group = InstitutionFactory(type=InstitutionType.FINANCIAL_GROUP)
    assert bank.allowed_kinds == ["fund", "savings"]
    assert insurer.allowed_kinds == ["insurance"]
    assert group.allowed_kinds == ["fund", "insurance", "savings"]
    assert Institution.objects.get(type=InstitutionType.PLATFORM).allowed_kinds == [
        "fund",
        "insurance",
        "savings",
    ]
    fund_co = apply(UserFactory(), requested_kinds=["fund", "insurance"])
    applications.institution_approve(
        institution=fund_co, actor=StaffFactory(), reason="ok", granted_kinds=["insurance"]
    )
    fund_co.refresh_from_db()
    assert fund_co.allowed_kinds == ["fund", "insurance"]


# --- members --------------------------------------------------------------------------------


def test_admin_invites_and_the_invitee_joins_with_the_invited_role(
    django_capture_on_commit_callbacks,
):
    institution = InstitutionFactory()
    admin = MembershipFactory(institution=institution, role=Role.ADMIN).user
    with django_capture_on_commit_callbacks(execute=True):
        invitation = members.invitation_create(
            institution=institution, invited_by=admin, email="New@Example.com", role=Role.ANALYST
        )
    assert invitation.email == "new@example.com"
    assert len(mail.outbox) == 1
    assert invitation.token in mail.outbox[0].body
    invitee = UserFactory(email="new@example.com")
    membership = members.invitation_accept(token=invitation.token, user=invitee)
    assert (membership.institution, membership.role) == (institution, Role.ANALYST)
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    with pytest.raises(ValidationError) as used:
        members.invitation_accept(token=invitation.token, user=invitee)
    assert used.value.code == "invitation_used"


def test_expired_invitation_cannot_be_accepted():
    invitation = InvitationFactory(expires_at=timezone.now() - dt.timedelta(minutes=1))
    invitee = UserFactory(email=invitation.email)
    with pytest.raises(ValidationError, match="expired"):
        members.invitation_accept(token=invitation.token, user=invitee)
    assert not Membership.objects.filter(user=invitee).exists()


def test_invitation_accepted_only_by_the_invited_verified_address():
    invitation = InvitationFactory()
    stranger = UserFactory()
    unverified = UserFactory(email=invitation.email, verified=False)
    for user in (stranger, unverified):
        with pytest.raises(ValidationError, match="was sent to"):
            members.invitation_accept(token=invitation.token, user=user)
    assert not Membership.objects.filter(institution=invitation.institution).exists()


def test_only_admins_of_an_approved_institution_invite():
    institution = InstitutionFactory()
    editor = MembershipFactory(institution=institution, role=Role.EDITOR).user
    with pytest.raises(PermissionDenied):
        members.invitation_create(
            institution=institution, invited_by=editor, email="a@example.com", role="editor"
        )
    suspended = InstitutionFactory(status=InstitutionStatus.SUSPENDED)
    admin = MembershipFactory(institution=suspended, role=Role.ADMIN).user
    with pytest.raises(PermissionDenied):
        members.invitation_create(
            institution=suspended, invited_by=admin, email="a@example.com", role="editor"
        )
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_or_twice_is_a_clear_error():
    institution = InstitutionFactory()
    admin = MembershipFactory(institution=institution, role=Role.ADMIN).user
    with pytest.raises(ValidationError, match="already a member"):
        members.invitation_create(
            institution=institution, invited_by=admin, email=admin.email, role="editor"
        )
    members.invitation_create(
        institution=institution, invited_by=admin, email="b@example.com", role="editor"
    )
    with pytest.raises(ValidationError, match="already open"):
        members.invitation_create(
            institution=institution, invited_by=admin, email="B@example.com", role="analyst"
        )
    assert Invitation.objects.count() == 1


def test_the_last_admin_can_be_neither_removed_nor_demoted():
    institution = InstitutionFactory()
    admin_membership = MembershipFactory(institution=institution, role=Role.ADMIN)
    admin = admin_membership.user
    with pytest.raises(ValidationError, match="at least one admin"):
        members.membership_remove(membership=admin_membership, actor=admin)
    with pytest.raises(ValidationError, match="at least one admin"):
        members.membership_change_role(membership=admin_membership, role="editor", actor=admin)
    admin_membership.refresh_from_db()
    assert admin_membership.role == Role.ADMIN
    second = MembershipFactory(institution=institution, role=Role.EDITOR)
    members.membership_change_role(membership=second, role=Role.ADMIN, actor=admin)
    members.membership_remove(membership=admin_membership, actor=second.user)
    assert list(Membership.objects.filter(institution=institution)) == [second]


# --- commission contracts --------------------------------------------------------------------


def contract(institution, staff, **overrides):
    values = {
        "institution": institution,
        "product_kind": ProductKind.FUND,
        "upfront_basis": "front_fee",
        "upfront_rate": Decimal("0.4"),
        "trail_rate": Decimal("0.3"),
        "valid_from": dt.date(2026, 1, 1),
        "actor": staff,
    }
    return contracts.commission_contract_create(**{**values, **overrides})


def test_a_new_contract_ends_the_previous_one_the_day_before():
    institution, staff = InstitutionFactory(), StaffFactory()
    first = contract(institution, staff)
    second = contract(
        institution, staff, valid_from=dt.date(2026, 7, 1), trail_rate=Decimal("0.25")
    )
    first.refresh_from_db()
    assert first.valid_to == dt.date(2026, 6, 30)
    in_force = commission_contract_in_force
    assert (
        in_force(institution=institution, product_kind="fund", on_date=dt.date(2026, 6, 30))
        == first
    )
    assert (
        in_force(institution=institution, product_kind="fund", on_date=dt.date(2026, 7, 1))
        == second
    )
    assert (
        in_force(institution=institution, product_kind="fund", on_date=dt.date(2025, 12, 31))
        is None
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"trail_rate": Decimal("0.51")}, "trail_rate"),
        ({"trail_rate": Decimal("-0.01")}, "trail_rate"),
        ({"upfront_basis": "amount", "upfront_rate": Decimal("0.2")}, "upfront_rate"),
        ({"upfront_rate": Decimal("1.01")}, "upfront_rate"),
        ({"product_kind": "crypto"}, "product_kind"),
        ({"upfront_basis": "vibes"}, "upfront_basis"),
    ],
)
def test_contract_rates_out_of_range_are_refused(overrides, field):
    with pytest.raises(ValidationError) as err:
        contract(InstitutionFactory(), StaffFactory(), **overrides)
    assert field in err.value.message_dict
    assert not CommissionContract.objects.exists()


def test_a_contract_cannot_start_before_an_existing_one():
    institution, staff = InstitutionFactory(), StaffFactory()
    contract(institution, staff, valid_from=dt.date(2026, 7, 1))
    with pytest.raises(ValidationError) as err:
        contract(institution, staff, valid_from=dt.date(2026, 7, 1))
    assert "valid_from" in err.value.message_dict
    assert CommissionContract.objects.count() == 1
