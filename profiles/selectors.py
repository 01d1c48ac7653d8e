"""Reads about investors."""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.utils import timezone

from .identity.selectors import identity_of
from .models import ConsentEvent, InvestorProfile, Questionnaire, RiskAssessment, User
from .scoring import REMINDER_DAYS
from .suitability import Suitability, suitability_check


def profile_of(*, user: User) -> InvestorProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return InvestorProfile.objects.filter(user=user).first()


def assessment_is_valid(profile: InvestorProfile | None, *, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return bool(
        profile
        and profile.risk_level
        and profile.assessment_valid_until
        and profile.assessment_valid_until >= today
    )


def assessment_expires_soon(profile: InvestorProfile | None) -> bool:
    if profile is None or profile.assessment_valid_until is None:
        return False
    if not assessment_is_valid(profile):
        return False
    return (profile.assessment_valid_until - timezone.localdate()).days <= REMINDER_DAYS


def suitability_for(*, profile: InvestorProfile | None, product_risk: int) -> Suitability:
    """The suitability rule for this investor's current profile and a product."""
    return suitability_check(
        investor_level=profile.risk_level if profile else None,
        assessment_valid=assessment_is_valid(profile),
        product_risk=product_risk,
    )


def active_questionnaire() -> Questionnaire | None:
    return (
        Questionnaire.objects.filter(is_active=True).prefetch_related("questions__options").first()
    )


def assessment_history(*, user: User):
    return RiskAssessment.objects.filter(user=user).select_related("questionnaire")


def consent_history(*, user: User):
    return ConsentEvent.objects.filter(user=user)


def personal_data_export(*, user: User) -> dict:
    """Everything the platform holds about the investor, as JSON-ready data."""
    profile = profile_of(user=user)
    fields = (
        "full_name",
        "birth_year",
        "age_cohort",
        "city",
        "income_band",
        "investment_goal",
        "experience",
        "risk_level",
        "assessment_valid_until",
        "share_profile_with_institutions",
        "marketing_offers",
    )
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": list(
                EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
            ),
        },
        "profile": {
            f: (str(v) if isinstance(v, dt.date) else v)
            for f in fields
            for v in [getattr(profile, f, None)]
        },
        "consent_history": [
            {"kind": e.kind, "granted": e.granted, "at": e.created_at.isoformat()}
            for e in consent_history(user=user)
        ],
        "identity": _identity_export(user=user),
        "risk_assessments": [
            {
                "questionnaire": a.questionnaire.version,
                "taken_at": a.taken_at.isoformat(),
                "answers": a.answers,
                "score": a.score,
                "risk_level": f"C{a.risk_level}",
                "valid_until": str(a.valid_until),
            }
            for a in assessment_history(user=user)
        ],
    }


def _identity_export(*, user: User) -> dict | None:
    """The identity as the investor may take it away: never the number, its last four only."""
    identity = identity_of(user=user)
    if identity is None:
        return None
    return {
        "legal_name": identity.legal_name,
        "document_type": identity.document_type,
        "document_last4": identity.document_last4,
        "date_of_birth": str(identity.date_of_birth),
        "nationality": identity.nationality,
        "status": identity.status,
        "submitted_at": identity.submitted_at.isoformat(),
        "verified_at": identity.verified_at.isoformat() if identity.verified_at else None,
        "events": [
            {"kind": e.kind, "at": e.created_at.isoformat(), "reason": e.reason}
            for e in identity.events.all()
        ],
    }


HORIZONS = {1: "short", 2: "medium", 3: "medium", 4: "long"}


def investment_horizon(*, user: User) -> str | None:
    """short (< 1 year), medium (1–5 years) or long (> 5 years), from the latest answer to the
    questionnaire's horizon question; None before any assessment."""
    latest = RiskAssessment.objects.filter(user=user).select_related("questionnaire").first()
    if latest is None:
        return None
    question = latest.questionnaire.questions.filter(dimension="horizon").first()
    if question is None:
        return None
    option_id = latest.answers.get(str(question.pk))
    option = question.options.filter(pk=option_id).first()
    return HORIZONS.get(option.position) if option else None
