"""Every write about investors: profile, consents, risk assessments, account deletion."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.dates import add_months

from .identity.ages import ELDERLY_LEVEL_CAP
from .identity.selectors import is_elderly
from .models import (
    City,
    ConsentEvent,
    ConsentKind,
    Experience,
    IncomeBand,
    InvestmentGoal,
    InvestorProfile,
    Option,
    Questionnaire,
    RiskAssessment,
    User,
    age_cohort,
)
from .scoring import VALID_MONTHS, level_for

BIRTH_YEAR_RANGE = _("Enter a birth year between %(low)s and %(high)s (you must be 18 to 100).")
UNKNOWN_CHOICE = _("Choose one of the listed options.")
UNKNOWN_CONSENT = _("Unknown consent: %(kind)s.")
NO_QUESTIONNAIRE = _("There is no questionnaire to answer right now.")
ANSWERS_NOT_A_MAPPING = _("Send the answers as {question_id: option_id}.")
WRONG_VERSION = _("These answers are for questionnaire %(sent)s; the current one is %(current)s.")
UNKNOWN_QUESTION = _("Question %(question)s is not in this questionnaire.")
UNKNOWN_OPTION = _("Option %(option)s is not an answer to question %(question)s.")


def missing_answers(count: int) -> str:
    return ngettext(
        "Answer every question: %(count)d still unanswered.",
        "Answer every question: %(count)d still unanswered.",
        count,
    ) % {"count": count}


def assessment_valid_until(taken_on: dt.date) -> dt.date:
    """The last day an assessment taken on ``taken_on`` is valid: it is valid for 24 months,
    so up to the day before its 24-month anniversary, never on the anniversary itself."""
    return add_months(taken_on, VALID_MONTHS) - dt.timedelta(days=1)


def profile_for(*, user: User) -> InvestorProfile:
    profile, _ = InvestorProfile.objects.get_or_create(user=user)
    return profile


def _check_choice(errors: dict, field: str, value: str, choices) -> None:
    if value and value not in choices.values:
        errors[field] = UNKNOWN_CHOICE


def birth_year_range() -> tuple[int, int]:
    """The birth years of investors aged 18 to 100 this year."""
    this_year = timezone.localdate().year
    return this_year - 100, this_year - 18


@transaction.atomic
def profile_update(
    *,
    user: User,
    full_name: str | None = None,
    birth_year: int | None = None,
    city: str | None = None,
    income_band: str | None = None,
    investment_goal: str | None = None,
    experience: str | None = None,
) -> InvestorProfile:
    """Change any of the profile fields given (``None`` leaves a field as it is)."""
    profile = InvestorProfile.objects.select_for_update().get(pk=profile_for(user=user).pk)
    errors: dict[str, str] = {}
    low, high = birth_year_range()
    if birth_year is not None and not (low <= birth_year <= high):
        errors["birth_year"] = BIRTH_YEAR_RANGE % {"low": low, "high": high}
    for field, value, choices in (
        ("city", city, City),
        ("income_band", income_band, IncomeBand),
        ("investment_goal", investment_goal, InvestmentGoal),
        ("experience", experience, Experience),
    ):
        _check_choice(errors, field, value or "", choices)
    if errors:
        raise ValidationError(errors)
    values = {
        "full_name": full_name.strip() if full_name is not None else None,
        "birth_year": birth_year,
        "city": city,
        "income_band": income_band,
        "investment_goal": investment_goal,
        "experience": experience,
    }
    for field, value in values.items():
        if value is not None:
            setattr(profile, field, value)
    profile.age_cohort = age_cohort(profile.birth_year) or ""
    profile.updated_at = timezone.now()
    profile.full_clean(exclude=["user"])
    profile.save()
    return profile


@transaction.atomic
def consent_set(*, user: User, kind: str, granted: bool) -> InvestorProfile:
    """Give or revoke a consent; every actual change is kept with its time."""
    if kind not in ConsentKind.values:
        raise ValidationError({"kind": UNKNOWN_CONSENT % {"kind": kind}})
    profile = InvestorProfile.objects.select_for_update().get(pk=profile_for(user=user).pk)
    if getattr(profile, kind) != granted:
        setattr(profile, kind, granted)
        profile.updated_at = timezone.now()
        profile.save(update_fields=[kind, "updated_at"])
        ConsentEvent.objects.create(user=user, kind=kind, granted=granted)
    return profile


def _parse_answers(questionnaire: Questionnaire, answers) -> tuple[dict[int, Option], list[str]]:
    if not isinstance(answers, dict):
        raise ValidationError({"answers": ANSWERS_NOT_A_MAPPING})
    questions = {q.pk: q for q in questionnaire.questions.prefetch_related("options")}
    chosen: dict[int, Option] = {}
    errors: list[str] = []
    for raw_question, raw_option in answers.items():
        try:
            question_id, option_id = int(raw_question), int(raw_option)
        except (TypeError, ValueError):
            errors.append(UNKNOWN_OPTION % {"option": raw_option, "question": raw_question})
            continue
        question = questions.get(question_id)
        if question is None:
            errors.append(UNKNOWN_QUESTION % {"question": raw_question})
            continue
        option = next((o for o in question.options.all() if o.pk == option_id), None)
        if option is None:
            errors.append(UNKNOWN_OPTION % {"option": raw_option, "question": raw_question})
            continue
        chosen[question_id] = option
    missing = len(set(questions) - set(chosen))
    if missing and not errors:
        errors.append(missing_answers(missing))
    return chosen, errors


@transaction.atomic
def assessment_submit(
    *, user: User, answers, version: str | None = None, elderly_confirmed: bool = False
) -> RiskAssessment:
    """Score a completed questionnaire, keep it, and make it the investor's risk level for 24
    months. Incomplete answers, unknown ids or another version's answers save nothing.

    An investor aged 65 or over (DESIGN §4) is capped at C3 unless ``elderly_confirmed`` (they
    want their level as scored): the assessment keeps the level it scored and the time of the
    confirmation."""
    questionnaire = Questionnaire.objects.filter(is_active=True).first()
    if questionnaire is None:
        raise ValidationError(NO_QUESTIONNAIRE)
    if version and version != questionnaire.version:
        raise ValidationError(
            {"version": WRONG_VERSION % {"sent": version, "current": questionnaire.version}}
        )
    chosen, errors = _parse_answers(questionnaire, answers)
    if errors:
        raise ValidationError({"answers": errors})
    score = sum(option.score for option in chosen.values())
    knocked_out = any(option.knockout for option in chosen.values())
    level = level_for(score=score, knocked_out=knocked_out)
    taken = timezone.now()
    elderly = is_elderly(user=user)
    scored_level = None
    if elderly and level > ELDERLY_LEVEL_CAP and not elderly_confirmed:
        scored_level, level = level, ELDERLY_LEVEL_CAP
    assessment = RiskAssessment.objects.create(
        user=user,
        questionnaire=questionnaire,
        answers={str(q): o.pk for q, o in sorted(chosen.items())},
        score=score,
        risk_level=level,
        knocked_out=knocked_out,
        taken_at=taken,
        valid_until=assessment_valid_until(timezone.localdate(taken)),
        scored_level=scored_level,
        elderly_confirmed_at=taken if elderly and elderly_confirmed else None,
    )
    profile = InvestorProfile.objects.select_for_update().get(pk=profile_for(user=user).pk)
    profile.risk_level = level
    profile.assessment_valid_until = assessment.valid_until
    profile.updated_at = taken
    profile.save(update_fields=["risk_level", "assessment_valid_until", "updated_at"])
    return assessment


@transaction.atomic
def account_anonymise(*, user: User) -> User:
    """The investor's deletion request: personal data is removed, the account can no longer
    sign in, and records the law requires (orders) stay linked to it."""
    user = User.objects.select_for_update().get(pk=user.pk)
    now = timezone.now()
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.set_unusable_password()
    user.is_active = False
    user.save()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    RiskAssessment.objects.filter(user=user).delete()
    ConsentEvent.objects.filter(user=user).delete()
    InvestorProfile.objects.filter(user=user).update(
        full_name="",
        birth_year=None,
        age_cohort="",
        city="",
        income_band="",
        investment_goal="",
        experience="",
        risk_level=None,
        assessment_valid_until=None,
        share_profile_with_institutions=False,
        marketing_offers=False,
        anonymised_at=now,
        updated_at=now,
    )
    # Through the session store, not the table: a cached session (cached_db) lives in Redis too.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session in Session.objects.filter(expire_date__gt=now).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store().delete(session.session_key)
    return user


UNKNOWN_LANGUAGE = _("Choose 简体中文 or English.")


def language_set(*, user: User, language: str) -> User:
    """Remember ``user``'s language (one of ``settings.LANGUAGES``): pages on a new device and
    the e-mails and notices workers send are written in it."""
    codes = {code for code, _name in settings.LANGUAGES}
    if language not in codes:
        raise ValidationError(
            {"language": ValidationError(UNKNOWN_LANGUAGE, code="unknown_language")}
        )
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
