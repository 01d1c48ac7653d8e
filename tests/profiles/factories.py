"""Factories for the profiles app's models (the user factories live in tests/factories.py)."""

import datetime as dt

import factory
from django.utils import timezone

from profiles.models import (
    AgeCohort,
    City,
    ConsentEvent,
    ConsentKind,
    IncomeBand,
    InvestmentGoal,
    InvestorProfile,
    Questionnaire,
    RiskAssessment,
)
from tests.factories import UserFactory


class InvestorProfileFactory(factory.django.DjangoModelFactory):
    """A C3 investor with an assessment valid for years, sharing nothing."""

    class Meta:
        model = InvestorProfile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    full_name = factory.Sequence(lambda n: f"Investor {n}")
    birth_year = 1990
    age_cohort = AgeCohort.POST_90S
    city = factory.LazyFunction(lambda: City.values[0])
    income_band = factory.LazyFunction(lambda: IncomeBand.values[0])
    investment_goal = factory.LazyFunction(lambda: InvestmentGoal.values[0])
    risk_level = 3
    assessment_valid_until = dt.date(2030, 1, 1)


class ConsentEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentEvent

    user = factory.SubFactory(UserFactory)
    kind = ConsentKind.SHARE_PROFILE
    granted = True


class RiskAssessmentFactory(factory.django.DjangoModelFactory):
    """An assessment on the active questionnaire, answering each question's first option (the
    score and level are given, not computed: take assessments through the service for that)."""

    class Meta:
        model = RiskAssessment

    user = factory.SubFactory(UserFactory)
    questionnaire = factory.LazyFunction(lambda: Questionnaire.objects.get(is_active=True))
    answers = factory.LazyAttribute(
        lambda o: {
            str(q.pk): q.options.order_by("position")[0].pk for q in o.questionnaire.questions.all()
        }
    )
    score = 45
    risk_level = 3
    taken_at = factory.LazyFunction(timezone.now)
    valid_until = factory.LazyAttribute(lambda o: timezone.localdate(o.taken_at).replace(year=2030))
