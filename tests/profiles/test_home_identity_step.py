"""The account home names identity verification as a step, and offers "Top up" only to a
verified investor; a capped elderly investor's result says which level the score was in."""

import pytest
from django.utils import timezone

from profiles import services
from profiles.models import Questionnaire
from tests.factories import IdentityFactory, UserFactory, resident_id

pytestmark = pytest.mark.django_db


def _step(html: str) -> str:
    start = html.index('id="step-identity"')
    return html[start : html.index("</li>", start)]


def test_the_home_asks_an_unverified_investor_to_verify_before_topping_up(client):
    client.force_login(UserFactory(identity=False))
    html = client.get("/me/").content.decode()
    assert 'href="/me/identity/"' in _step(html)
    assert "Not verified" in _step(html)
    assert "Verify to top up" in html
    assert "#top-up" not in html


def test_the_home_shows_a_verified_identity_by_its_last_four_only(client):
    user = UserFactory()
    identity = user.identity
    client.force_login(user)
    html = client.get("/me/").content.decode()
    assert "Verified" in _step(html)
    assert f"•••• {identity.document_last4}" in _step(html)
    assert identity.document_number not in html
    assert "#top-up" in html


def test_a_capped_elderly_result_names_the_level_the_score_was_in(client):
    born = timezone.localdate().replace(year=timezone.localdate().year - 70, day=1)
    user = UserFactory()
    IdentityFactory(user=user, document_number=resident_id(born, 31), date_of_birth=born)
    questionnaire = Questionnaire.objects.get(is_active=True)
    answers = {
        str(q.pk): q.options.order_by("-position").first().pk for q in questionnaire.questions.all()
    }
    assessment = services.assessment_submit(user=user, answers=answers)
    assert (assessment.scored_level, assessment.risk_level) == (5, 3)
    client.force_login(user)
    html = client.get(f"/me/risk/{assessment.pk}/").content.decode()
    assert f"Your score of {assessment.score} is in C5; as an investor aged 65 or over" in html
