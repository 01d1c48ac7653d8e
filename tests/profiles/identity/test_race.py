"""One person, one account, under concurrency: real threads against real PostgreSQL. Two
accounts submitting one document number at once end with exactly one holding it, the other
refused as "already verified for another account"; no IntegrityError ever reaches the caller."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from profiles.identity import services
from profiles.models import DocumentType, Identity, IdentityStatus
from tests.factories import UserFactory, resident_id
from tests.integration.test_races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
BORN = dt.date(1987, 9, 9)


def submit(user, number):
    return services.identity_submit(
        user=user,
        legal_name="王小明",
        document_type=DocumentType.RESIDENT_ID,
        document_number=number,
    )


def codes(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {f: [e.code for e in errors] for f, errors in exc.error_dict.items()}
    return {"__all__": [e.code for e in exc.error_list]}


@pytest.mark.parametrize("sequence", [321, 998])  # verified at once, or held while in review
def test_two_accounts_submitting_one_number_at_once_one_holds_it(sequence):
    for round_ in range(3):  # a few rounds: the interleaving differs from one to the next
        number = resident_id(BORN + dt.timedelta(days=round_), sequence)
        first, second = UserFactory(identity=False), UserFactory(identity=False)
        results = race(
            [
                lambda a=first, n=number: submit(a, n),
                lambda b=second, n=number: submit(b, n.lower()),
            ]
        )
        won = [r for r in results if isinstance(r, Identity)]
        lost = [r for r in results if not isinstance(r, Identity)]
        assert (len(won), len(lost)) == (1, 1), results
        assert isinstance(lost[0], ValidationError), repr(lost[0])
        assert codes(lost[0]) == {"document_number": ["identity_taken"]}
        assert str(services.TAKEN) in lost[0].messages
        holders = Identity.objects.filter(document_hash=won[0].document_hash)
        assert holders.count() == 1
        assert Identity.objects.count() == round_ + 1  # the loser saved nothing
        expected = IdentityStatus.VERIFIED if sequence == 321 else IdentityStatus.REVIEW
        assert holders.get().status == expected


def test_one_account_submitting_twice_at_once_keeps_one_identity():
    user = UserFactory(identity=False)
    results = race(
        [
            lambda: submit(user, resident_id(BORN, 321)),
            lambda: submit(user, resident_id(BORN, 322)),
        ]
    )
    won = [r for r in results if isinstance(r, Identity)]
    lost = [r for r in results if not isinstance(r, Identity)]
    assert (len(won), len(lost)) == (1, 1), results
    assert isinstance(lost[0], ValidationError), repr(lost[0])
    assert codes(lost[0]) in (
        {"__all__": ["identity_in_progress"]},
        {"__all__": ["identity_final"]},
    )
    assert Identity.objects.filter(user=user).count() == 1


def test_the_api_answers_the_race_with_a_201_and_a_400_never_a_500():
    number = resident_id(BORN, 321)
    clients = []
    for _ in range(2):
        client = APIClient()
        client.force_authenticate(UserFactory(identity=False))
        clients.append(client)
    body = {"legal_name": "王小明", "document_type": "resident_id", "document_number": number}
    results = race(
        [lambda c=c: c.post("/api/v1/me/identity/", body, format="json") for c in clients]
    )
    assert all(not isinstance(r, Exception) for r in results), results
    statuses = sorted(r.status_code for r in results)
    assert statuses == [201, 400], [r.content for r in results]
    refused = next(r for r in results if r.status_code == 400)
    assert list(refused.json()) == ["document_number"]
    assert number not in refused.content.decode()
    assert Identity.objects.count() == 1
