"""Submitting an identity: the provider's outcomes, refusals that save nothing, one person one
account, resubmission after a rejection, staff review and the audit trail."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import override_settings

from profiles.identity import providers, services
from profiles.identity.documents import document_hash
from profiles.models import DocumentType, Identity, IdentityEvent, IdentityStatus
from tests.factories import StaffFactory, UserFactory

from .conftest import ADULT, rid

RID = DocumentType.RESIDENT_ID


def submit(user, number=None, **kwargs):
    return services.identity_submit(
        user=user,
        legal_name=kwargs.pop("legal_name", "王小明"),
        document_type=kwargs.pop("document_type", RID),
        document_number=number or rid(),
        **kwargs,
    )


def error_codes(exc) -> dict:
    return {f: [e.code for e in errs] for f, errs in exc.value.error_dict.items()}


def test_a_well_formed_number_is_verified_by_the_sandbox(newcomer):
    identity = submit(newcomer, " " + rid().lower() + " ")
    assert identity.status == IdentityStatus.VERIFIED
    assert identity.verified_at is not None
    assert identity.date_of_birth == ADULT
    assert identity.nationality == "CN"
    assert identity.document_last4 == rid()[-4:]
    assert identity.provider == "sandbox"
    assert identity.provider_reference.startswith("idv_")
    kinds = list(identity.events.values_list("kind", flat=True))
    assert kinds == ["submitted", "verified"]


def test_the_sandbox_review_number_waits_for_staff(newcomer):
    identity = submit(newcomer, rid(sequence=998))
    assert identity.status == IdentityStatus.REVIEW
    assert identity.verified_at is None
    assert list(identity.events.values_list("kind", flat=True)) == ["submitted", "sent_to_review"]


def test_the_sandbox_fail_number_is_not_verified_and_gives_its_number_back(newcomer):
    identity = submit(newcomer, rid(sequence=999))
    identity.refresh_from_db()
    assert identity.status == IdentityStatus.REJECTED
    assert identity.failure_reason == str(providers.NAME_MISMATCH)
    assert identity.document_number is None
    assert identity.document_hash == ""
    assert identity.document_last4 == rid(sequence=999)[-4:]
    # someone else may then verify that number (the refused record holds nothing of it)
    other = submit(UserFactory(identity=False), rid(sequence=999)[:-4] + rid(sequence=999)[-4:])
    assert other.status == IdentityStatus.REJECTED  # the sandbox still says no, but no clash


def test_the_number_is_encrypted_at_rest(newcomer):
    number = rid()
    identity = submit(newcomer, number)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document_number, document_hash FROM profiles_identity WHERE id = %s",
            [identity.pk],
        )
        raw, stored_hash = cursor.fetchone()
    assert raw != number
    assert number not in raw
    assert number[:-4] not in raw
    assert number[6:14] not in raw
    assert stored_hash == document_hash(RID, number)
    assert number not in stored_hash
    assert Identity.objects.get(pk=identity.pk).document_number == number


def test_a_number_verified_for_another_account_is_refused_without_saying_whose(newcomer):
    first = UserFactory(identity=False)
    submit(first, rid())
    with pytest.raises(ValidationError) as caught:
        submit(newcomer, rid()[:-1] + rid()[-1].lower(), legal_name="Someone Else")
    assert error_codes(caught) == {"document_number": ["identity_taken"]}
    assert first.email not in str(caught.value)
    assert not Identity.objects.filter(user=newcomer).exists()


def test_a_number_in_review_for_another_account_is_taken_too(newcomer):
    submit(UserFactory(identity=False), rid(sequence=998))
    with pytest.raises(ValidationError) as caught:
        submit(newcomer, rid(sequence=998))
    assert error_codes(caught) == {"document_number": ["identity_taken"]}


def test_a_minor_is_refused_and_nothing_is_saved(newcomer):
    today = dt.date.today()  # noqa: DTZ011
    minor = rid(birth=today.replace(year=today.year - 17), sequence=123)
    with pytest.raises(ValidationError) as caught:
        submit(newcomer, minor)
    # on the number, which holds the date (the date-of-birth field was left empty)
    assert error_codes(caught) == {"document_number": ["identity_minor"]}
    assert not Identity.objects.exists() or not Identity.objects.filter(user=newcomer).exists()
    assert not IdentityEvent.objects.filter(identity__user=newcomer).exists()
    # and the number is not blocked: the same person may come back once 18
    assert not Identity.objects.filter(document_hash=document_hash(RID, minor)).exists()


def test_a_minors_typed_in_date_of_birth_is_refused_on_that_field(newcomer):
    """A passport holds no date: the refusal goes next to the date the minor typed in."""
    today = dt.date.today()  # noqa: DTZ011
    with pytest.raises(ValidationError) as caught:
        submit(
            newcomer,
            "E12345678",
            document_type=DocumentType.PASSPORT,
            nationality="GB",
            date_of_birth=today.replace(year=today.year - 15),
        )
    assert error_codes(caught) == {"date_of_birth": ["identity_minor"]}
    assert not Identity.objects.filter(user=newcomer).exists()


def test_an_eighteenth_birthday_today_is_old_enough(newcomer):
    today = dt.date.today()  # noqa: DTZ011
    eighteen = today.replace(year=today.year - 18) if (today.month, today.day) != (2, 29) else None
    if eighteen is None:
        pytest.skip("29 February")
    assert submit(newcomer, rid(birth=eighteen)).status == IdentityStatus.VERIFIED


def test_bad_input_reports_every_field_and_saves_nothing(newcomer):
    with pytest.raises(ValidationError) as caught:
        submit(newcomer, "12345", legal_name="<b>x</b>")
    assert error_codes(caught) == {
        "legal_name": ["markup"],
        "document_number": ["number_too_short"],
    }
    assert not Identity.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "name_required"),
        ("   ", "name_required"),
        ("A" * 101, "name_too_long"),
        ("Mary 2nd", "name_bad_characters"),
        ("王小明😀", "name_bad_characters"),
    ],
)
def test_legal_names_are_letters_only(newcomer, name, code):
    with pytest.raises(ValidationError) as caught:
        submit(newcomer, legal_name=name)
    assert error_codes(caught) == {"legal_name": [code]}


def test_names_with_their_marks_are_accepted(newcomer):
    identity = submit(newcomer, legal_name="  阿卜杜·热合曼  ")
    assert identity.legal_name == "阿卜杜·热合曼"


def test_resubmission_after_a_rejection_is_allowed_but_not_after_verification(newcomer):
    submit(newcomer, rid(sequence=999))
    again = submit(newcomer, rid(sequence=124))
    assert again.status == IdentityStatus.VERIFIED
    assert Identity.objects.filter(user=newcomer).count() == 1
    with pytest.raises(ValidationError) as caught:
        submit(newcomer, rid(sequence=125))
    assert caught.value.code == "identity_final"
    assert Identity.objects.get(user=newcomer).document_number == rid(sequence=124)


def test_no_resubmission_while_in_review(newcomer):
    submit(newcomer, rid(sequence=998))
    with pytest.raises(ValidationError) as caught:
        submit(newcomer, rid(sequence=124))
    assert caught.value.code == "identity_in_progress"


@override_settings(IDENTITY_PROVIDER="")
def test_without_a_provider_verification_is_refused_and_nothing_saved(newcomer):
    with pytest.raises(ValidationError) as caught:
        submit(newcomer)
    assert caught.value.code == "identity_unavailable"
    assert not Identity.objects.filter(user=newcomer).exists()


def test_a_provider_that_does_not_answer_sends_the_identity_to_review(newcomer, monkeypatch):
    def down(**kwargs):
        raise providers.ProviderError("timeout")

    monkeypatch.setattr(providers.PROVIDERS["sandbox"], "verify", down)
    identity = submit(newcomer)
    assert identity.status == IdentityStatus.REVIEW
    assert identity.failure_reason == str(providers.PROVIDER_DOWN)


@pytest.fixture
def in_review(newcomer):
    return submit(newcomer, rid(sequence=998))


def test_staff_approve_an_identity_in_review(in_review):
    staff = StaffFactory()
    identity = services.identity_review(identity=in_review, actor=staff, approve=True)
    assert identity.status == IdentityStatus.VERIFIED
    assert identity.reviewed_by == staff
    event = identity.events.last()
    assert (event.kind, event.actor) == ("approved", staff)


def test_staff_reject_with_a_reason_the_investor_sees(in_review):
    staff = StaffFactory()
    with pytest.raises(ValidationError) as caught:
        services.identity_review(identity=in_review, actor=staff, approve=False, reason="  ")
    assert error_codes(caught) == {"reason": ["reason_required"]}
    in_review.refresh_from_db()
    assert in_review.status == IdentityStatus.REVIEW
    identity = services.identity_review(
        identity=in_review, actor=staff, approve=False, reason="The photo page is unreadable."
    )
    identity.refresh_from_db()
    assert identity.status == IdentityStatus.REJECTED
    assert identity.failure_reason == "The photo page is unreadable."
    assert identity.document_number is None
    assert identity.document_hash == ""
    assert identity.events.last().kind == "rejected"


def test_only_staff_review_never_their_own_and_only_once(in_review):
    with pytest.raises(PermissionDenied):
        services.identity_review(identity=in_review, actor=UserFactory(), approve=True)
    staff_self = in_review.user
    staff_self.is_staff = True
    staff_self.save()
    with pytest.raises(PermissionDenied):
        services.identity_review(identity=in_review, actor=staff_self, approve=True)
    services.identity_review(identity=in_review, actor=StaffFactory(), approve=True)
    with pytest.raises(ValidationError) as caught:
        services.identity_review(
            identity=in_review, actor=StaffFactory(), approve=False, reason="x"
        )
    assert caught.value.code == "identity_not_in_review"


def test_events_never_hold_the_number(newcomer):
    number = rid(sequence=998)
    identity = submit(newcomer, number)
    services.identity_review(identity=identity, actor=StaffFactory(), approve=False, reason="no")
    for event in IdentityEvent.objects.filter(identity=identity):
        assert number not in event.reason
        assert number[-8:] not in event.reason
