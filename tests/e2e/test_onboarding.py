"""Onboarding in a real browser: an institution applies, staff approve, it joins.

A new user signs up and verifies their e-mail, applies to list products; staff (with MFA)
approve; the applicant receives the e-mail, sets up MFA, sees the portal and invites an editor,
who signs up and joins.
"""

import re

import pytest
from django.core import mail

from institutions.models import Institution, InstitutionStatus, Membership, Role
from tests.e2e.conftest import totp_now
from tests.factories import PASSWORD, TOTP_SECRET, StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def link_in(message, pattern: str) -> str:
    match = re.search(rf"https?://[^\s]+{pattern}[^\s]*", message.body)
    assert match, f"no link matching {pattern!r} in:\n{message.body}"
    return re.sub(r"^https?://[^/]+", "", match.group(0))


def sign_up_and_verify(page, shot, email: str, name: str) -> None:
    mail.outbox.clear()
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    shot(page, f"{name}-signup")
    page.locator("form:has(input[name=password1]) [type=submit]").first.click()
    page.wait_for_load_state()
    shot(page, f"{name}-verification-sent")
    confirm = link_in(mail.outbox[-1], "/accounts/confirm-email/")
    page.goto(confirm)
    shot(page, f"{name}-confirm-email")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()


def test_institution_applies_staff_approve_admin_sets_up_mfa_and_invites_an_editor(new_page, shot):
    # 1. A new user signs up, verifies, and applies.
    applicant = new_page()
    sign_up_and_verify(applicant, shot, "founder@harbourfunds.example", "applicant")
    applicant.goto("/institutions/apply/")
    applicant.fill("input[name=name]", "Harbour Funds Management Co.")
    applicant.select_option("select[name=type]", "fund_company")
    applicant.fill("input[name=licence_number]", "CSRC-FM-2026-777")
    applicant.fill("input[name=registered_address]", "9 Harbour Road, Xiamen")
    applicant.fill("input[name=website]", "https://harbourfunds.example")
    applicant.fill("input[name=contact_name]", "Lin Hai")
    applicant.fill("input[name=contact_email]", "founder@harbourfunds.example")
    applicant.check("input[name=requested_kinds][value=fund]")
    applicant.fill("textarea[name=description]", "Bond and money-market funds for savers.")
    shot(applicant, "application-filled")
    applicant.locator("form:has(input[name=licence_number]) [type=submit]").first.click()
    applicant.wait_for_load_state()
    shot(applicant, "application-submitted")
    institution = Institution.objects.get(licence_number="CSRC-FM-2026-777")
    assert institution.status == InstitutionStatus.APPLIED
    assert "received" in mail.outbox[-1].subject.lower()

    # 2. Staff log in with their TOTP code and approve it.
    StaffFactory(email="reviewer@fortune.example")
    staff = new_page()
    staff.goto("/accounts/login/")
    staff.fill("input[name=login]", "reviewer@fortune.example")
    staff.fill("input[name=password]", PASSWORD)
    staff.locator("form:has(input[name=password]) [type=submit]").first.click()
    staff.wait_for_url("**/accounts/2fa/authenticate/")
    shot(staff, "staff-mfa-challenge")
    staff.fill("input[name=code]", totp_now(TOTP_SECRET))
    staff.locator("form:has(input[name=code]) [type=submit]").first.click()
    staff.wait_for_load_state()
    staff.goto("/staff/institutions/")
    shot(staff, "staff-queue")
    staff.get_by_role("link", name="Harbour Funds Management Co.").first.click()
    staff.wait_for_load_state()
    staff.fill("textarea[name=reason]", "Licence verified with the regulator.")
    shot(staff, "staff-review")
    mail.outbox.clear()
    staff.locator("button[name=action][value=approve]").click()
    staff.wait_for_load_state()
    shot(staff, "staff-approved")
    institution.refresh_from_db()
    assert institution.status == InstitutionStatus.APPROVED
    assert "Licence verified with the regulator." in staff.content()

    # 3. The applicant got the e-mail; they must set up MFA before the portal.
    approval = mail.outbox[-1]
    assert "approved" in approval.subject.lower()
    assert "founder@harbourfunds.example" in approval.to
    applicant.goto("/portal/")
    # allauth asks for the password again before a security change (the last sign-in was by
    # the e-mail confirmation link), then continues to the authenticator set-up.
    applicant.wait_for_url("**/accounts/reauthenticate/**")
    shot(applicant, "admin-confirms-password")
    applicant.fill("input[name=password]", PASSWORD)
    applicant.locator("form:has(input[name=password]) [type=submit]").first.click()
    applicant.wait_for_url("**/accounts/2fa/totp/activate/")
    shot(applicant, "admin-must-set-up-mfa")
    secret = applicant.locator("#authenticator_secret").input_value()
    applicant.fill("input[name=code]", totp_now(secret))
    applicant.locator("form:has(input[name=code]) [type=submit]").first.click()
    applicant.wait_for_load_state()
    shot(applicant, "admin-mfa-activated")
    applicant.goto("/portal/")
    shot(applicant, "portal-dashboard")
    assert "Harbour Funds Management Co." in applicant.content()

    # 4. The admin invites an editor.
    applicant.goto("/portal/members/")
    mail.outbox.clear()
    applicant.fill("input[name=email]", "editor@harbourfunds.example")
    applicant.select_option("select[name=role]", "editor")
    applicant.locator(
        "form:has(select[name=role]):has(input[name=email]) [type=submit]"
    ).first.click()
    applicant.wait_for_load_state()
    shot(applicant, "invitation-sent")
    invitation_link = link_in(mail.outbox[-1], "/institutions/invitations/")

    # 5. The editor signs up with the invited address, verifies, and joins.
    editor = new_page(width=390, height=844)  # on a phone
    sign_up_and_verify(editor, shot, "editor@harbourfunds.example", "editor")
    editor.goto(invitation_link)
    shot(editor, "editor-invitation")
    editor.locator("main form [type=submit]").first.click()
    editor.wait_for_load_state()
    shot(editor, "editor-portal")
    membership = Membership.objects.get(user__email="editor@harbourfunds.example")
    assert (membership.institution, membership.role) == (institution, Role.EDITOR)
    assert "Harbour Funds Management Co." in editor.content()

    for page in (applicant, staff, editor):
        assert page.csp_errors == [], page.csp_errors
