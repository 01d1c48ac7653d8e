"""Investors aged 65 and over (DESIGN §4): the questionnaire caps them at C3 unless they confirm
they want their level as scored, and they see the elderly-investor warning every time they buy
(on the checkout page, and as a warning in the order API's answer); a 64-year-old does not."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from orders import services as orders_services
from profiles import services
from profiles.identity import services as identity_services
from profiles.identity.ages import ELDERLY_WARNING
from profiles.models import DocumentType, IdentityEvent, InvestorProfile, RiskAssessment
from tests.factories import (
    PIN_HEADER,
    IdentityFactory,
    ProductFactory,
    UserFactory,
    bound_card,
    give_trade_pin,
    resident_id,
)
from tests.profiles.test_services import answers_scoring

pytestmark = pytest.mark.django_db
WARNING = str(ELDERLY_WARNING)


def born_years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    day = 28 if (today.month, today.day) == (2, 29) else today.day
    return dt.date(today.year - years, today.month, day) - dt.timedelta(days=1)


def investor_aged(years: int, *, sequence: int = 123, level: int | None = None):
    """A verified investor ``years`` old (their birthday was yesterday)."""
    user = UserFactory(identity=False)
    birth = born_years_ago(years)
    IdentityFactory(
        user=user, document_number=resident_id(birth, sequence + years), date_of_birth=birth
    )
    if level is not None:
        InvestorProfile.objects.create(
            user=user, risk_level=level, assessment_valid_until=dt.date(2030, 1, 1)
        )
    return user


def aggressive():
    return answers_scoring(pick="max")  # scores 100: C5


def test_a_70_year_old_with_aggressive_answers_is_capped_at_c3():
    user = investor_aged(70)
    assessment = services.assessment_submit(user=user, answers=aggressive())
    assert (assessment.score, assessment.risk_level, assessment.scored_level) == (100, 3, 5)
    assert assessment.elderly_confirmed_at is None
    assert InvestorProfile.objects.get(user=user).risk_level == 3


def test_a_70_year_old_who_confirms_keeps_the_level_as_scored():
    user = investor_aged(70)
    assessment = services.assessment_submit(user=user, answers=aggressive(), elderly_confirmed=True)
    assert (assessment.risk_level, assessment.scored_level) == (5, None)
    assert assessment.elderly_confirmed_at is not None
    assert InvestorProfile.objects.get(user=user).risk_level == 5


def test_a_64_year_old_is_neither_capped_nor_asked_to_confirm():
    user = investor_aged(64)
    assessment = services.assessment_submit(user=user, answers=aggressive())
    assert (assessment.risk_level, assessment.scored_level) == (5, None)
    assert assessment.elderly_confirmed_at is None  # a confirmation means nothing under 65
    again = services.assessment_submit(user=user, answers=aggressive(), elderly_confirmed=True)
    assert again.elderly_confirmed_at is None


def test_a_cautious_elderly_investor_keeps_a_level_at_or_below_c3():
    user = investor_aged(70)
    assessment = services.assessment_submit(user=user, answers=answers_scoring())
    assert assessment.risk_level <= 3
    assert assessment.scored_level is None


def test_the_questionnaire_page_warns_asks_and_caps(client):
    user = investor_aged(70)
    client.force_login(user)
    page = client.get("/me/risk/").content.decode()
    assert "data-elderly-warning" in page
    assert 'name="elderly_confirmed"' in page
    answers = {f"q{q}": o for q, o in aggressive().items()}
    response = client.post("/me/risk/", answers)
    assert response.status_code == 302
    assert RiskAssessment.objects.get(user=user).risk_level == 3
    result = client.get(response["Location"]).content.decode()
    assert "C3" in result
    assert "C5" in result
    confirmed = client.post("/me/risk/", {**answers, "elderly_confirmed": "on"})
    assert confirmed.status_code == 302
    assert RiskAssessment.objects.filter(user=user).first().risk_level == 5
    assert InvestorProfile.objects.get(user=user).risk_level == 5


def test_the_questionnaire_page_of_a_64_year_old_has_no_warning(client):
    client.force_login(investor_aged(64))
    page = client.get("/me/risk/").content.decode()
    assert "data-elderly-warning" not in page
    assert 'name="elderly_confirmed"' not in page


def test_the_assessment_api_caps_unless_confirmed_and_carries_the_warning():
    user = investor_aged(70)
    api = APIClient()
    api.force_authenticate(user)
    capped = api.post("/api/v1/me/assessments/", {"answers": aggressive()}, format="json")
    assert capped.status_code == 201, capped.json()
    assert (capped.json()["risk_level"], capped.json()["scored_level"]) == ("C3", "C5")
    assert capped.json()["elderly_warning"] == WARNING
    kept = api.post(
        "/api/v1/me/assessments/",
        {"answers": aggressive(), "elderly_confirmed": True},
        format="json",
    )
    assert (kept.json()["risk_level"], kept.json()["scored_level"]) == ("C5", None)


def test_verifying_as_70_caps_a_level_taken_before_the_age_was_known():
    user = UserFactory(identity=False)
    services.assessment_submit(user=user, answers=aggressive())
    assert InvestorProfile.objects.get(user=user).risk_level == 5
    identity = identity_services.identity_submit(
        user=user,
        legal_name="王大爷",
        document_type=DocumentType.RESIDENT_ID,
        document_number=resident_id(born_years_ago(70), 321),
    )
    assert identity.is_verified
    assert InvestorProfile.objects.get(user=user).risk_level == 3
    latest = RiskAssessment.objects.filter(user=user).first()
    assert (latest.risk_level, latest.scored_level) == (3, 5)
    assert IdentityEvent.objects.filter(identity=identity, kind="level_capped").exists()


def test_verifying_as_64_caps_nothing():
    user = UserFactory(identity=False)
    services.assessment_submit(user=user, answers=aggressive())
    identity_services.identity_submit(
        user=user,
        legal_name="王先生",
        document_type=DocumentType.RESIDENT_ID,
        document_number=resident_id(born_years_ago(64), 321),
    )
    assert InvestorProfile.objects.get(user=user).risk_level == 5


# --- the warning every time they buy -----------------------------------------------------


def buyer_aged(years: int):
    user = investor_aged(years, level=3)
    give_trade_pin(user)
    orders_services.deposit_start(user=user, amount="20000", card=bound_card(user))
    return user


@pytest.mark.parametrize("years", [65, 70, 90])
def test_the_checkout_shows_the_elderly_warning_every_time(client, years):
    user = buyer_aged(years)
    client.force_login(user)
    for product in (ProductFactory(risk_level=1), ProductFactory(risk_level=2)):
        for params in ({}, {"amount": "1000"}, {"amount": "1000"}):
            html = client.get(f"/products/{product.slug}/buy/", params).content.decode()
            assert "data-elderly-warning" in html
            assert WARNING in html


def test_the_checkout_of_a_64_year_old_has_no_elderly_warning(client):
    client.force_login(buyer_aged(64))
    product = ProductFactory(risk_level=2)
    html = client.get(f"/products/{product.slug}/buy/", {"amount": "1000"}).content.decode()
    assert "data-elderly-warning" not in html
    assert WARNING not in html


def _buy(api, product, key):
    return api.post(
        "/api/v1/orders/",
        {"product": product.slug, "side": "buy", "amount": "1000"},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
        **PIN_HEADER,
    )


def test_the_order_api_answers_the_warning_on_every_purchase_of_a_70_year_old():
    user = buyer_aged(70)
    api = APIClient()
    api.force_authenticate(user)
    product = ProductFactory(risk_level=2)
    for key in ("elderly-1", "elderly-1", "elderly-2"):  # a replay carries it too
        response = _buy(api, product, key)
        assert response.status_code == 201, response.json()
        assert response.json()["warnings"] == [WARNING]
    assert orders_services.cash_account_for(user=user).balance == Decimal("18000.00")


def test_the_order_api_answers_no_warning_for_a_64_year_old():
    api = APIClient()
    api.force_authenticate(buyer_aged(64))
    response = _buy(api, ProductFactory(risk_level=2), "young-1")
    assert response.status_code == 201, response.json()
    assert response.json()["warnings"] == []


def test_the_schema_documents_the_order_warnings(client):
    schema = client.get("/api/schema/?format=json").json()
    placed = schema["paths"]["/api/v1/orders/"]["post"]["responses"]["201"]
    ref = placed["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    warnings = schema["components"]["schemas"][ref]["properties"]["warnings"]
    assert warnings["type"] == "array"
    assert warnings["items"]["type"] == "string"
