"""The institutions area in Simplified Chinese: pages, service messages and e-mails.

These need the compiled catalogue (locale/zh_Hans); English pages are covered by the other tests.
"""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from institutions.models import APPLICATION_SUBMITTED, InstitutionEvent, InstitutionStatus, Role
from institutions.services import applications, members
from tests.factories import (
    InstitutionFactory,
    InvitationFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_the_portal_dashboard_and_members_page_speak_chinese(client, member_of):
    institution = InstitutionFactory(name="Acme Funds")
    client.force_login(member_of(institution, Role.ADMIN))
    page = client.get("/portal/", **ZH).content.decode()
    assert "机构后台" in page
    assert "管理员" in page  # the role, from Role's labels
    assert "已通过" in page  # the status badge
    assert "Dashboard" not in page
    members_page = client.get("/portal/members/", **ZH).content.decode()
    assert "邀请成员" in members_page
    assert "发送邀请" in members_page
    assert "Send invitation" not in members_page


def test_the_apply_page_and_its_form_speak_chinese(verified_client):
    page = verified_client.get("/institutions/apply/", **ZH).content.decode()
    assert "在财富市场上架您的产品" in page
    assert "法定名称" in page  # a form label
    assert "基金公司" in page  # a choice of InstitutionType
    assert "Submit application" not in page


def test_staff_review_page_offers_its_decisions_in_chinese(client):
    applied = InstitutionFactory(status=InstitutionStatus.APPLIED)
    InstitutionEvent.objects.create(
        institution=applied,
        actor=applied.applicant,
        to_status=InstitutionStatus.APPLIED,
        reason=APPLICATION_SUBMITTED,
    )
    client.force_login(StaffFactory())
    page = client.get(f"/staff/institutions/{applied.slug}/", **ZH).content.decode()
    assert "审核决定" in page
    assert ">通过</button>" in page
    assert ">驳回</button>" in page
    assert "已提交入驻申请。" in page  # the system's own reason, rendered at display time
    assert "Application submitted." not in page


def test_staff_home_shows_revenue_in_yuan(client):
    client.force_login(StaffFactory())
    page = client.get("/staff/", **ZH).content.decode()
    assert "近 30 天平台收入" in page
    assert "¥0.00" in page


def test_a_service_error_is_chinese_under_a_chinese_request_and_keeps_its_code():
    institution = InstitutionFactory(status=InstitutionStatus.REJECTED)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as err:
        applications.institution_approve(institution=institution, actor=StaffFactory(), reason="ok")
    assert err.value.code == "illegal_transition"
    with translation.override("zh-hans"):
        assert "「已驳回」" in err.value.messages[0]
    with translation.override("en"):
        assert err.value.messages[0] == "An institution that is rejected cannot be approved."


def test_the_decision_email_is_written_in_the_applicants_language(
    django_capture_on_commit_callbacks,
):
    applicant = UserFactory(language="zh-hans")
    institution = InstitutionFactory(status=InstitutionStatus.APPLIED, applicant=applicant)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        applications.institution_approve(
            institution=institution, actor=StaffFactory(), reason="证照齐全。"
        )
    message = mail.outbox[-1]
    assert "已通过财富市场入驻审核" in message.subject
    assert "好消息" in message.body
    assert "证照齐全。" in message.body
    assert "Good news" not in message.body


def test_an_english_applicant_still_gets_english(django_capture_on_commit_callbacks):
    institution = InstitutionFactory(
        status=InstitutionStatus.APPLIED, applicant=UserFactory(language="en")
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        applications.institution_approve(
            institution=institution, actor=StaffFactory(), reason="Fine."
        )
    assert "is approved on Fortune Market" in mail.outbox[-1].subject


def test_the_invitation_email_follows_the_invitee_else_the_inviting_admin():
    admin = UserFactory(language="zh-hans")
    institution = InstitutionFactory()
    MembershipFactory(user=admin, institution=institution, role=Role.ADMIN)
    UserFactory(email="known@example.com", language="en")
    mail.outbox.clear()
    for email in ("known@example.com", "stranger@example.com"):
        invitation = InvitationFactory(institution=institution, invited_by=admin, email=email)
        members.invitation_send_email(invitation_id=invitation.pk)
    known, stranger = mail.outbox[-2:]
    assert known.subject.startswith("You are invited to join")
    assert stranger.subject.startswith("邀请您加入财富市场上的")
    assert "编辑" in stranger.body  # the role, translated
