"""The investor API of DESIGN §7: profile, questionnaire, assessments, recommendations."""

import pytest

from institutions.models import Institution, InstitutionType
from profiles import services
from profiles.models import InvestorProfile, RiskAssessment
from tests.factories import ProductFactory
from tests.profiles.test_services import answers_scoring

pytestmark = pytest.mark.django_db


def test_profile_get_and_patch_including_consents(verified_client):
    body = verified_client.get("/api/v1/me/profile/").json()
    assert body["risk_level"] is None
    assert body["share_profile_with_institutions"] is False
    response = verified_client.patch(
        "/api/v1/me/profile/",
        {"full_name": "Li Hua", "birth_year": 1992, "city": "hangzhou", "marketing_offers": True},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["age_cohort"], body["marketing_offers"]) == ("post_90s", True)


@pytest.mark.parametrize(
    "patch",
    [{"birth_year": 2020}, {"city": "atlantis"}, {"full_name": "<script>"}, {"birth_year": "x"}],
)
def test_bad_profile_patch_is_a_400(verified_client, patch):
    response = verified_client.patch("/api/v1/me/profile/", patch, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == set(patch)


def test_questionnaire_and_assessment(verified_client):
    q = verified_client.get("/api/v1/me/questionnaire/").json()
    assert len(q["questions"]) >= 10
    answers = {str(x["id"]): x["options"][-1]["id"] for x in q["questions"]}
    response = verified_client.post(
        "/api/v1/me/assessments/", {"answers": answers}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) >= {"score", "risk_level", "valid_until"}
    assert body["risk_level"].startswith("C")
    profile = verified_client.get("/api/v1/me/profile/").json()
    assert profile["risk_level"] == body["risk_level"]
    assert profile["assessment_valid_until"] == body["valid_until"]


@pytest.mark.parametrize(
    "payload",
    [{}, {"answers": {}}, {"answers": {"1": "x"}}, {"answers": [1, 2]}, {"answers": {"99999": 1}}],
)
def test_bad_assessments_are_400_and_save_nothing(verified_client, payload):
    response = verified_client.post(
        "/api/v1/me/assessments/", payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert not RiskAssessment.objects.exists()


def test_the_api_needs_a_signed_in_user(client):
    assert client.get("/api/v1/me/profile/").status_code in (401, 403)


def test_recommendations_never_include_a_mismatched_product(verified_client, user):
    platform = Institution.objects.get(type=InstitutionType.PLATFORM)
    for risk in range(1, 6):
        ProductFactory(risk_level=risk, name=f"Fund R{risk}")
        ProductFactory(risk_level=risk, name=f"Platform fund R{risk}", institution=platform)
    assert verified_client.get("/api/v1/me/recommendations/").json() == []
    answers = answers_scoring(pick="max")
    services.assessment_submit(user=user, answers=answers)
    services.profile_update(user=user, investment_goal="steady_income")
    InvestorProfile.objects.filter(user=user).update(risk_level=3)
    items = verified_client.get("/api/v1/me/recommendations/").json()
    assert items
    assert {i["risk_level"] for i in items} <= {"R1", "R2", "R3"}
    assert len(items) == 6
