"""The identity API (/api/v1/me/identity/): its shapes, the last four characters only, a 400
per field with its code and nothing saved, 401 signed out, and a schema that says exactly this."""

import datetime as dt
import json
import logging
import re

import pytest
from rest_framework.test import APIClient

from profiles.identity import services
from profiles.models import DocumentType, Identity, IdentityEvent, IdentityStatus
from tests.api.test_schema import _body, _resolve
from tests.factories import UserFactory

from .conftest import rid

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/identity/"
RID = DocumentType.RESIDENT_ID
NUMBER = rid(dt.date(1988, 6, 15), 321)
IDENTITY_FIELDS = {
    "legal_name",
    "document_type",
    "document_last4",
    "date_of_birth",
    "nationality",
    "status",
    "failure_reason",
    "submitted_at",
    "verified_at",
}


@pytest.fixture
def api(newcomer):
    client = APIClient()
    client.force_authenticate(newcomer)
    return client


def body(**fields):
    data = {"legal_name": "王小明", "document_type": RID, "document_number": NUMBER}
    data.update(fields)
    return data


def codes(response) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in response.data.items()}


def test_get_before_any_submission_is_a_404_with_a_detail(api):
    response = api.get(URL)
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_post_verifies_and_answers_the_last_four_only(api, newcomer):
    response = api.post(URL, body(document_number=f" {NUMBER.lower()} "), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data) == IDENTITY_FIELDS
    assert data["status"] == "verified"
    assert data["document_last4"] == NUMBER[-4:]
    assert data["date_of_birth"] == "1988-06-15"
    assert data["nationality"] == "CN"
    assert data["verified_at"] is not None
    assert NUMBER not in response.content.decode()
    assert NUMBER[:-4] not in response.content.decode()
    got = api.get(URL)
    assert got.status_code == 200
    assert got.json() == data
    assert NUMBER not in got.content.decode()


def test_the_sandbox_outcomes_review_and_failed(api, newcomer):
    review = api.post(URL, body(document_number=rid(dt.date(1988, 6, 15), 998)), format="json")
    assert review.status_code == 201
    assert review.json()["status"] == "review"
    assert review.json()["verified_at"] is None
    again = api.post(URL, body(), format="json")
    assert again.status_code == 400
    assert codes(again) == {"non_field_errors": ["identity_in_progress"]}

    other = APIClient()
    other.force_authenticate(UserFactory(identity=False))
    failed = other.post(URL, body(document_number=rid(dt.date(1988, 6, 15), 999)), format="json")
    assert failed.status_code == 201
    assert failed.json()["status"] == "failed"
    assert failed.json()["failure_reason"]
    resubmitted = other.post(URL, body(), format="json")
    assert resubmitted.status_code == 201
    assert resubmitted.json()["status"] == "verified"
    assert resubmitted.json()["failure_reason"] == ""


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"legal_name": ""}, {"legal_name": ["blank"]}),
        ({"legal_name": "Mary 2nd"}, {"legal_name": ["name_bad_characters"]}),
        ({"legal_name": "A" * 101}, {"legal_name": ["max_length"]}),
        ({"legal_name": "<b>x</b>"}, {"legal_name": ["markup"]}),
        ({"document_type": "driving_licence"}, {"document_type": ["invalid_choice"]}),
        ({"document_number": ""}, {"document_number": ["blank"]}),
        ({"document_number": NUMBER[:17]}, {"document_number": ["number_too_short"]}),
        (
            {"document_number": NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")},
            {"document_number": ["number_bad_check_character"]},
        ),
        ({"date_of_birth": "1988-02-30"}, {"date_of_birth": ["invalid"]}),
        ({"date_of_birth": "19880615"}, {"date_of_birth": ["invalid"]}),  # YYYY-MM-DD only
        ({"date_of_birth": "1990-01-01"}, {"date_of_birth": ["birth_date_mismatch"]}),
        ({"nationality": "GB"}, {"nationality": ["nationality_mismatch"]}),
        ({"nationality": "XX"}, {"nationality": ["invalid_choice"]}),
        (
            {
                "document_type": DocumentType.PASSPORT,
                "document_number": "E12345678",
                "date_of_birth": "1980-01-01",
            },
            {"nationality": ["nationality_required"]},
        ),
        (
            {
                "document_type": DocumentType.PASSPORT,
                "document_number": "E1234#5678",
                "date_of_birth": "1980-01-01",
                "nationality": "GB",
            },
            {"document_number": ["number_bad_characters"]},
        ),
        ({"document_number": "A" * 61}, {"document_number": ["max_length"]}),
    ],
)
def test_each_bad_field_is_a_400_with_its_code_and_saves_nothing(api, newcomer, fields, expected):
    response = api.post(URL, body(**fields), format="json")
    assert response.status_code == 400
    assert codes(response) == expected
    assert not Identity.objects.filter(user=newcomer).exists()
    assert not IdentityEvent.objects.exists()


def test_a_number_is_never_echoed_nor_logged_and_is_marked_sensitive(api, caplog):
    caplog.set_level(logging.DEBUG)
    wrong = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")
    response = api.post(URL, body(document_number=wrong), format="json")
    assert response.status_code == 400
    assert wrong not in response.content.decode()
    assert response.wsgi_request.sensitive_post_parameters == ("document_number",)
    created = api.post(URL, body(), format="json")
    assert created.status_code == 201
    assert wrong not in caplog.text
    assert NUMBER not in caplog.text


def test_a_minor_is_a_400_on_the_number_the_date_came_from(api, newcomer):
    today = dt.date.today()  # noqa: DTZ011
    response = api.post(
        URL, body(document_number=rid(dt.date(today.year - 17, 1, 1), 321)), format="json"
    )
    assert response.status_code == 400
    assert codes(response) == {"document_number": ["identity_minor"]}
    assert not Identity.objects.filter(user=newcomer).exists()


def test_a_number_verified_for_another_account_is_a_400_on_the_number(api, newcomer):
    holder = UserFactory(identity=False)
    services.identity_submit(
        user=holder, legal_name="王小明", document_type=RID, document_number=NUMBER
    )
    response = api.post(URL, body(legal_name="Li Hua"), format="json")
    assert response.status_code == 400
    assert codes(response) == {"document_number": ["identity_taken"]}
    assert holder.email not in response.content.decode()
    assert not Identity.objects.filter(user=newcomer).exists()


def test_a_verified_identity_is_final(api, newcomer):
    assert api.post(URL, body(), format="json").status_code == 201
    response = api.post(URL, body(document_number=rid(dt.date(1988, 6, 15), 322)), format="json")
    assert response.status_code == 400
    assert codes(response) == {"non_field_errors": ["identity_final"]}
    assert Identity.objects.get(user=newcomer).document_number == NUMBER


def test_a_body_that_is_not_json_or_not_an_object_is_a_400(api, newcomer):
    response = api.post(URL, "not json", content_type="application/json")
    assert response.status_code == 400
    response = api.post(URL, json.dumps([1, 2]), content_type="application/json")
    assert response.status_code == 400
    assert not Identity.objects.exists()


def test_signed_out_is_refused_as_not_authenticated(db):
    # The API answers 403 rather than 401 to a request with no credentials at all (its first
    # authentication scheme sends no WWW-Authenticate), as on every other operation.
    client = APIClient()
    for response in (client.get(URL), client.post(URL, body(), format="json")):
        assert response.status_code in (401, 403)
        assert response.data["detail"].code == "not_authenticated"
    assert not Identity.objects.exists()


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get("/api/schema/?format=json").json()


def test_the_schema_states_the_input_exactly(schema):
    request = _body(schema, URL)
    assert set(request["required"]) == {"legal_name", "document_type", "document_number"}
    props = request["properties"]
    assert set(props) == {
        "legal_name",
        "document_type",
        "document_number",
        "date_of_birth",
        "nationality",
    }
    assert _resolve(schema, props["document_type"])["enum"] == [
        "resident_id",
        "passport",
        "hk_macau_permit",
        "taiwan_permit",
    ]
    assert props["legal_name"]["maxLength"] == services.NAME_MAX
    assert props["document_number"]["maxLength"] == 60
    birth = props["date_of_birth"]
    assert birth["format"] == "date"
    pattern = re.compile(birth["pattern"])
    assert pattern.match("1990-03-07")
    for bad in ("1990-3-7", "19900307", "07/03/1990", "1990-03-07T00:00"):
        assert not pattern.match(bad), bad
    nationality = [_resolve(schema, b) for b in props["nationality"]["oneOf"]]
    codes = {c for branch in nationality for c in branch["enum"]}
    assert {"CN", "GB", "HK", ""} <= codes
    assert "XX" not in codes


def test_the_schema_answers_the_last_four_never_the_number(schema):
    operation = schema["paths"][URL]
    answer = _resolve(
        schema, operation["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    )
    assert set(answer["properties"]) == IDENTITY_FIELDS
    assert "document_number" not in answer["properties"]
    assert "document_hash" not in answer["properties"]
    status = _resolve(schema, answer["properties"]["status"])
    assert set(status["enum"]) == set(IdentityStatus.values)
    assert {"201", "400", "401", "429"} <= set(operation["post"]["responses"])
    assert {"200", "401", "404"} <= set(operation["get"]["responses"])
