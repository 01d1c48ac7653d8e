"""Profiles, consents, assessments, export and deletion."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from profiles import services
from profiles.models import ConsentEvent, InvestorProfile, Option, Questionnaire, RiskAssessment
from profiles.selectors import assessment_expires_soon, assessment_is_valid, personal_data_export
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def questionnaire():
    return Questionnaire.objects.get(is_active=True)


def answers_scoring(target: int | None = None, *, pick=None) -> dict[str, int]:
    """Answers choosing, per question, the option at ``pick`` ("max", "min", "knockout")."""
    chosen = {}
    for question in questionnaire().questions.all():
        options = list(question.options.order_by("score"))
        if pick == "max":
            option = options[-1]
        elif pick == "knockout":
            option = next((o for o in options if o.knockout), options[0])
        else:
            option = [o for o in options if not o.knockout][0]
        chosen[str(question.pk)] = option.pk
    return chosen


def test_the_questionnaire_has_ten_questions_over_the_five_dimensions():
    q = questionnaire()
    assert q.questions.count() >= 10
    assert set(q.questions.values_list("dimension", flat=True)) == {
        "purpose",
        "horizon",
        "experience",
        "finances",
        "loss_tolerance",
    }
    assert sum(max(o.score for o in x.options.all()) for x in q.questions.all()) == 100
    assert Option.objects.filter(question__questionnaire=q, knockout=True).exists()


def test_all_top_answers_score_100_and_c5_valid_24_months():
    user = UserFactory()
    assessment = services.assessment_submit(user=user, answers=answers_scoring(pick="max"))
    assert (assessment.score, assessment.risk_level) == (100, 5)
    today = timezone.localdate()
    assert assessment.valid_until == services.add_months(today, 24) - dt.timedelta(days=1)
    profile = InvestorProfile.objects.get(user=user)
    assert (profile.risk_level, profile.assessment_valid_until) == (5, assessment.valid_until)


def test_an_assessment_is_valid_up_to_the_day_before_its_24_month_anniversary():
    user = UserFactory()
    services.assessment_submit(user=user, answers=answers_scoring(pick="max"))
    profile = InvestorProfile.objects.get(user=user)
    anniversary = services.add_months(timezone.localdate(), 24)
    assert assessment_is_valid(profile, today=anniversary - dt.timedelta(days=1))
    assert not assessment_is_valid(profile, today=anniversary)


@pytest.mark.parametrize(
    ("taken", "last_valid"),
    [
        (dt.date(2026, 1, 10), dt.date(2028, 1, 9)),
        (dt.date(2026, 3, 1), dt.date(2028, 2, 29)),  # anniversary 1 March 2028
        (dt.date(2026, 2, 28), dt.date(2028, 2, 27)),
    ],
)
def test_the_last_valid_day_is_the_day_before_the_anniversary(taken, last_valid):
    assert services.assessment_valid_until(taken) == last_valid


def test_a_knock_out_answer_forces_c1():
    user = UserFactory()
    answers = answers_scoring(pick="max")
    loss = questionnaire().questions.get(options__knockout=True)
    answers[str(loss.pk)] = loss.options.get(knockout=True).pk
    assessment = services.assessment_submit(user=user, answers=answers)
    assert assessment.knocked_out
    assert assessment.risk_level == 1
    assert assessment.score > 80


@pytest.mark.parametrize(
    "mutate",
    [
        lambda a: a.pop(next(iter(a))),  # incomplete
        lambda a: a.update({"999999": 1}),  # unknown question
        lambda a: a.update({next(iter(a)): 999999}),  # unknown option
        lambda a: a.update({next(iter(a)): "abc"}),  # not an id
    ],
)
def test_bad_answers_save_nothing(mutate):
    user = UserFactory()
    answers = answers_scoring(pick="max")
    mutate(answers)
    with pytest.raises(ValidationError) as err:
        services.assessment_submit(user=user, answers=answers)
    assert "answers" in err.value.message_dict
    assert not RiskAssessment.objects.exists()
    assert not InvestorProfile.objects.filter(user=user, risk_level__isnull=False).exists()


def test_answers_for_another_version_are_refused():
    with pytest.raises(ValidationError) as err:
        services.assessment_submit(
            user=UserFactory(), answers=answers_scoring(pick="max"), version="1999-v0"
        )
    assert "version" in err.value.message_dict
    assert not RiskAssessment.objects.exists()


def test_an_option_of_another_question_is_refused():
    answers = answers_scoring(pick="max")
    keys = list(answers)
    answers[keys[0]] = answers[keys[1]]
    with pytest.raises(ValidationError):
        services.assessment_submit(user=UserFactory(), answers=answers)


def test_past_assessments_are_kept_and_the_newest_decides():
    user = UserFactory()
    services.assessment_submit(user=user, answers=answers_scoring(pick="max"))
    services.assessment_submit(user=user, answers=answers_scoring(pick="min"))
    assert RiskAssessment.objects.filter(user=user).count() == 2
    assert InvestorProfile.objects.get(user=user).risk_level == 1


def test_validity_and_the_30_day_reminder():
    user = UserFactory()
    services.assessment_submit(user=user, answers=answers_scoring(pick="max"))
    profile = InvestorProfile.objects.get(user=user)
    assert assessment_is_valid(profile)
    assert not assessment_expires_soon(profile)
    profile.assessment_valid_until = timezone.localdate() + dt.timedelta(days=10)
    assert assessment_expires_soon(profile)
    profile.assessment_valid_until = timezone.localdate() - dt.timedelta(days=1)
    assert not assessment_is_valid(profile)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("birth_year", timezone.localdate().year - 17),
        ("birth_year", timezone.localdate().year - 101),
        ("city", "atlantis"),
        ("income_band", "lots"),
        ("investment_goal", "moon"),
        ("full_name", "<b>x</b>"),
        ("full_name", "x" * 500),
    ],
)
def test_bad_profile_input_saves_nothing(field, value):
    user = UserFactory()
    services.profile_update(user=user, full_name="Li Hua", birth_year=1990, city="shanghai")
    with pytest.raises(ValidationError) as err:
        services.profile_update(user=user, **{field: value})
    assert field in err.value.message_dict
    profile = InvestorProfile.objects.get(user=user)
    assert (profile.full_name, profile.birth_year, profile.city) == ("Li Hua", 1990, "shanghai")


@pytest.mark.parametrize(
    ("year", "cohort"),
    [
        (1965, "pre_70s"),
        (1975, "post_70s"),
        (1989, "post_80s"),
        (1994, "post_90s"),
        (1995, "post_95s"),
        (2003, "post_00s"),
    ],
)
def test_birth_year_gives_the_age_cohort(year, cohort):
    user = UserFactory()
    assert services.profile_update(user=user, birth_year=year).age_cohort == cohort


def test_consents_are_off_by_default_and_every_change_is_kept():
    user = UserFactory()
    profile = services.profile_for(user=user)
    assert not profile.share_profile_with_institutions
    assert not profile.marketing_offers
    services.consent_set(user=user, kind="marketing_offers", granted=True)
    services.consent_set(user=user, kind="marketing_offers", granted=True)  # no change
    services.consent_set(user=user, kind="marketing_offers", granted=False)
    history = list(
        ConsentEvent.objects.filter(user=user).order_by("pk").values_list("granted", flat=True)
    )
    assert history == [True, False]
    with pytest.raises(ValidationError):
        services.consent_set(user=user, kind="sell_my_soul", granted=True)


def test_export_holds_everything_about_the_investor():
    user = UserFactory(email="me@example.com")
    services.profile_update(user=user, full_name="Li Hua", birth_year=1990)
    services.consent_set(user=user, kind="marketing_offers", granted=True)
    services.assessment_submit(user=user, answers=answers_scoring(pick="max"))
    data = json.loads(json.dumps(personal_data_export(user=user)))
    assert data["account"]["email"] == "me@example.com"
    assert data["profile"]["full_name"] == "Li Hua"
    assert data["consent_history"][0]["kind"] == "marketing_offers"
    assert data["risk_assessments"][0]["risk_level"] == "C5"
    assert data["risk_assessments"][0]["answers"]


def test_deleting_the_account_removes_personal_data_and_blocks_sign_in(client):
    user = UserFactory(email="gone@example.com")
    services.profile_update(user=user, full_name="Li Hua", birth_year=1990, city="shanghai")
    services.consent_set(user=user, kind="share_profile_with_institutions", granted=True)
    services.assessment_submit(user=user, answers=answers_scoring(pick="max"))
    services.account_anonymise(user=user)
    user.refresh_from_db()
    assert user.email.endswith("@deleted.invalid")
    assert not user.is_active
    profile = InvestorProfile.objects.get(user=user)
    assert (profile.full_name, profile.birth_year, profile.city) == ("", None, "")
    assert not profile.share_profile_with_institutions
    assert profile.anonymised_at is not None
    assert not RiskAssessment.objects.filter(user=user).exists()
    assert not ConsentEvent.objects.filter(user=user).exists()
    client.post("/accounts/login/", {"login": "gone@example.com", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
