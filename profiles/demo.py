"""Demo investors for ``seed_demo``: the logins (two with portfolios, a 70-year-old whose level
the elderly-investor rule capped, one who has not verified an identity yet and one whose
verification waits for staff review), and a crowd who consented to share their profile so the
institutions' audience insight has figures. Idempotent."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from . import services
from .identity import services as identity_services
from .identity.models import DocumentType, Identity
from .identity.providers import SANDBOX_REVIEW
from .models import (
    City,
    ConsentEvent,
    Experience,
    IncomeBand,
    InvestmentGoal,
    InvestorProfile,
    Questionnaire,
    RiskAssessment,
    TradePin,
    User,
    age_cohort,
)
from .security.pin_hash import pin_hash

# The demo investors' trade PIN (README, demo logins); tests use the same (tests.factories).
DEMO_TRADE_PIN = "246810"

CROWD = 240
CROWD_DOMAIN = "crowd.fortune.example"

# email → (profile, answer position for every question): position 2 scores 37 (C3), 3 → C4.
INVESTOR_PROFILES = {
    "investor@fortune.example": (
        {
            "full_name": "Li Hua",
            "birth_year": 1993,
            "city": City.HANGZHOU,
            "income_band": IncomeBand.FROM_150K,
            "investment_goal": InvestmentGoal.BALANCED,
            "experience": Experience.MODERATE,
        },
        2,
    ),
    # 70 years old: her answers score C4, and the elderly-investor rule (DESIGN §4) caps her at
    # C3 because she did not confirm otherwise; checkout warns her every time.
    "senior@fortune.example": (
        {
            "full_name": "Zhao Min",
            "birth_year": 1956,
            "city": City.BEIJING,
            "income_band": IncomeBand.FROM_150K,
            "investment_goal": InvestmentGoal.INCOME,
            "experience": Experience.EXTENSIVE,
        },
        3,
    ),
    "investor2@fortune.example": (
        {
            "full_name": "Wang Fang",
            "birth_year": 1986,
            "city": City.SHANGHAI,
            "income_band": IncomeBand.FROM_500K,
            "investment_goal": InvestmentGoal.GROWTH,
            "experience": Experience.EXTENSIVE,
        },
        3,
    ),
}


# Logins with no profile yet: one to try real-name verification from scratch (the sandbox's test
# numbers are on /me/identity/), one whose document the sandbox sent to staff review
# (/staff/identity/).
NEWCOMER = "newcomer@fortune.example"
IN_REVIEW = "review@fortune.example"
# email → (legal name, date of birth, the resident ID's 3-digit sequence; 998 = review).
DEMO_IDENTITIES = {
    "senior@fortune.example": ("Zhao Min", dt.date(1956, 8, 18), "021"),
    IN_REVIEW: ("Chen Jie", dt.date(1991, 2, 14), SANDBOX_REVIEW),
}
LOGINS = [*INVESTOR_PROFILES, NEWCOMER, IN_REVIEW]


def _demo_identity(user: User, *, name: str, born: dt.date, sequence: str) -> None:
    """Submit a (Beijing) resident ID through the identity service and the sandbox provider,
    once."""
    from stdnum.cn import ric

    if Identity.objects.filter(user=user).exists():
        return
    body = f"110101{born:%Y%m%d}{sequence}"
    identity_services.identity_submit(
        user=user,
        legal_name=name,
        document_type=DocumentType.RESIDENT_ID,
        document_number=body + ric.calc_check_digit(body + "0"),
        nationality="CN",
    )


def _answers(position: int) -> dict[str, int]:
    questionnaire = Questionnaire.objects.get(is_active=True)
    return {
        str(q.pk): q.options.get(position=min(position, q.options.count())).pk
        for q in questionnaire.questions.all()
    }


def seed_investors(log) -> dict:
    """Profiles, assessments and consents for the demo logins, and the consenting crowd."""
    for email, (profile, position) in INVESTOR_PROFILES.items():
        user = User.objects.get(email=email)
        services.profile_update(user=user, **profile)
        if email in DEMO_IDENTITIES:  # verified before the questionnaire, which reads the age
            name, born, sequence = DEMO_IDENTITIES[email]
            _demo_identity(user, name=name, born=born, sequence=sequence)
        if not RiskAssessment.objects.filter(user=user).exists():
            services.assessment_submit(user=user, answers=_answers(position))
        for kind in ("share_profile_with_institutions", "marketing_offers"):
            services.consent_set(user=user, kind=kind, granted=True)
        # Demo data: set directly (the service asks for a verified identity first), once.
        TradePin.objects.get_or_create(
            user=user,
            defaults={"pin_hash": pin_hash(DEMO_TRADE_PIN), "set_at": timezone.now()},
        )
    name, born, sequence = DEMO_IDENTITIES[IN_REVIEW]
    _demo_identity(User.objects.get(email=IN_REVIEW), name=name, born=born, sequence=sequence)
    created = _seed_crowd()
    log(f"  investors: {len(LOGINS)} demo logins, {created} consenting crowd created")
    return {"crowd_created": created}


def _seed_crowd() -> int:
    """Investors who never log in (unusable passwords), bulk-created for audience figures."""
    existing = set(
        User.objects.filter(email__endswith=f"@{CROWD_DOMAIN}").values_list("email", flat=True)
    )
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    now = timezone.now()
    today = timezone.localdate()
    new_users = []
    for i in range(CROWD):
        email = f"investor{i:03d}@{CROWD_DOMAIN}"
        if email in existing:
            continue
        user = User(email=email, date_joined=now)
        user.set_unusable_password()
        new_users.append(user)
    if not new_users:
        return 0
    User.objects.bulk_create(new_users)
    questionnaire = Questionnaire.objects.get(is_active=True)
    users = list(User.objects.filter(email__in=[u.email for u in new_users]))
    profiles, assessments, consents = [], [], []
    for user in users:
        birth_year = rng.choice([1972, 1978, 1983, 1986, 1988, 1991, 1993, 1996, 1998, 2001])
        level = rng.choices([1, 2, 3, 4, 5], weights=[10, 25, 35, 20, 10])[0]
        valid_until = services.assessment_valid_until(today)
        shares = rng.random() < 0.85
        profiles.append(
            InvestorProfile(
                user=user,
                full_name="",
                birth_year=birth_year,
                age_cohort=age_cohort(birth_year),
                city=rng.choice([City.SHANGHAI, City.BEIJING, City.HANGZHOU, City.SHENZHEN]),
                income_band=rng.choice(IncomeBand.values[:4]),
                investment_goal=rng.choice(InvestmentGoal.values),
                experience=rng.choice(Experience.values),
                risk_level=level,
                assessment_valid_until=valid_until,
                share_profile_with_institutions=shares,
                marketing_offers=rng.random() < 0.6,
            )
        )
        assessments.append(
            RiskAssessment(
                user=user,
                questionnaire=questionnaire,
                answers={},
                score=[10, 28, 45, 70, 90][level - 1],
                risk_level=level,
                valid_until=valid_until,
            )
        )
        if shares:
            consents.append(
                ConsentEvent(user=user, kind="share_profile_with_institutions", granted=True)
            )
    InvestorProfile.objects.bulk_create(profiles)
    RiskAssessment.objects.bulk_create(assessments)
    ConsentEvent.objects.bulk_create(consents)
    return len(users)
