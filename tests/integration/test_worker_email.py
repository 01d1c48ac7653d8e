"""The approval e-mail is sent by a real Celery worker through Redis."""

import time

import pytest
from django.core import mail

from institutions.models import InstitutionEvent, InstitutionStatus
from institutions.services import applications
from tests.factories import InstitutionFactory, StaffFactory, UserFactory

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_approval_email_is_sent_by_a_worker_through_redis(real_worker):
    applicant = UserFactory(email="founder@newfunds.example")
    institution = InstitutionFactory(
        status=InstitutionStatus.APPLIED, applicant=applicant, contact_email="ops@newfunds.example"
    )
    mail.outbox.clear()

    event = applications.institution_approve(
        institution=institution, actor=StaffFactory(), reason="All documents in order."
    )

    assert wait_for(lambda: len(mail.outbox) == 1), "the worker never sent the e-mail"
    message = mail.outbox[0]
    assert sorted(message.to) == ["founder@newfunds.example", "ops@newfunds.example"]
    assert "approved" in message.subject.lower()
    assert "All documents in order." in message.body
    assert wait_for(lambda: InstitutionEvent.objects.get(pk=event.pk).notified_at is not None), (
        "the event was not marked as notified"
    )
