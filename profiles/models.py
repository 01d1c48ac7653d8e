"""Accounts and investors: the custom user logs in by e-mail; investor profiles, risk
assessments and consents."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.validators import plain_text


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    is_staff = models.BooleanField(
        _("platform staff"), default=False, help_text=_("Reviews institutions and products.")
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # The language the user chose ("" until they choose: the browser's Accept-Language decides).
    # E-mails and inbox notices sent by workers are written in it.
    language = models.CharField(
        max_length=10, blank=True, default="", db_default="", choices=settings.LANGUAGES
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


# --- investor profile ------------------------------------------------------------------------


class IncomeBand(models.TextChoices):
    UNDER_50K = "under_50k", _("Under 50,000 a year")
    FROM_50K = "50k_150k", _("50,000 – 150,000")
    FROM_150K = "150k_500k", _("150,000 – 500,000")
    FROM_500K = "500k_1m", _("500,000 – 1,000,000")
    OVER_1M = "over_1m", _("Over 1,000,000")


class InvestmentGoal(models.TextChoices):
    PRESERVE = "preserve_capital", _("Keep my money safe")
    INCOME = "steady_income", _("Steady income")
    BALANCED = "balanced_growth", _("Balanced growth")
    GROWTH = "long_term_growth", _("Long-term growth")
    AGGRESSIVE = "aggressive_growth", _("Maximum growth, accepting large swings")


class Experience(models.TextChoices):
    NONE = "none", _("None")
    SOME = "under_2y", _("Less than 2 years")
    MODERATE = "2_5y", _("2 to 5 years")
    EXTENSIVE = "over_5y", _("More than 5 years")


class City(models.TextChoices):
    BEIJING = "beijing", _("Beijing")
    SHANGHAI = "shanghai", _("Shanghai")
    GUANGZHOU = "guangzhou", _("Guangzhou")
    SHENZHEN = "shenzhen", _("Shenzhen")
    HANGZHOU = "hangzhou", _("Hangzhou")
    CHENGDU = "chengdu", _("Chengdu")
    CHONGQING = "chongqing", _("Chongqing")
    WUHAN = "wuhan", _("Wuhan")
    NANJING = "nanjing", _("Nanjing")
    XIAN = "xian", _("Xi'an")
    TIANJIN = "tianjin", _("Tianjin")
    SUZHOU = "suzhou", _("Suzhou")
    OTHER = "other", _("Another city")


class AgeCohort(models.TextChoices):
    PRE_70S = "pre_70s", _("Born before 1970")
    POST_70S = "post_70s", _("Post-70s")
    POST_80S = "post_80s", _("Post-80s")
    POST_90S = "post_90s", _("Post-90s")
    POST_95S = "post_95s", _("Post-95s")
    POST_00S = "post_00s", _("Post-00s")


def age_cohort(birth_year: int | None) -> str | None:
    """1985 → post-80s; the 90s split at 1995 as the platform reports them (DESIGN §4)."""
    if birth_year is None:
        return None
    if birth_year < 1970:
        return AgeCohort.PRE_70S
    if birth_year < 1980:
        return AgeCohort.POST_70S
    if birth_year < 1990:
        return AgeCohort.POST_80S
    if birth_year < 1995:
        return AgeCohort.POST_90S
    if birth_year < 2000:
        return AgeCohort.POST_95S
    return AgeCohort.POST_00S


class RiskCategory(models.IntegerChoices):
    """The investor's risk level; C1 may buy R1 only, Cm suits Rn when n ≤ m."""

    C1 = 1, _("C1 · Conservative")
    C2 = 2, _("C2 · Cautious")
    C3 = 3, _("C3 · Balanced")
    C4 = 4, _("C4 · Growth")
    C5 = 5, _("C5 · Aggressive")


class InvestorProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    full_name = models.CharField(max_length=100, blank=True, validators=[plain_text])
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    age_cohort = models.CharField(max_length=10, choices=AgeCohort.choices, blank=True)
    city = models.CharField(max_length=20, choices=City.choices, blank=True)
    income_band = models.CharField(max_length=12, choices=IncomeBand.choices, blank=True)
    investment_goal = models.CharField(max_length=20, choices=InvestmentGoal.choices, blank=True)
    experience = models.CharField(max_length=10, choices=Experience.choices, blank=True)
    # Current risk level, copied from the latest assessment (history in RiskAssessment).
    risk_level = models.PositiveSmallIntegerField(
        choices=RiskCategory.choices, null=True, blank=True
    )
    assessment_valid_until = models.DateField(null=True, blank=True)
    # Consents: off by default, revocable; every change is kept in ConsentEvent.
    share_profile_with_institutions = models.BooleanField(default=False)
    marketing_offers = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["share_profile_with_institutions", "risk_level", "age_cohort"],
                name="profile_audience_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_level__isnull=True)
                | (Q(risk_level__gte=1) & Q(risk_level__lte=5)),
                name="profile_risk_level_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user_id}"

    @property
    def is_complete(self) -> bool:
        return all(
            [self.full_name, self.birth_year, self.city, self.income_band, self.investment_goal]
        )


class ConsentKind(models.TextChoices):
    SHARE_PROFILE = "share_profile_with_institutions", _("Share my profile with institutions")
    MARKETING = "marketing_offers", _("Receive offers from institutions")


class ConsentEvent(models.Model):
    """Every change of a consent, kept as history (who, which, on or off, when)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consent_events")
    kind = models.CharField(max_length=40, choices=ConsentKind.choices)
    granted = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {'on' if self.granted else 'off'}"


# --- risk questionnaire -----------------------------------------------------------------------


class Dimension(models.TextChoices):
    PURPOSE = "purpose", _("Purpose")
    HORIZON = "horizon", _("Horizon")
    EXPERIENCE = "experience", _("Experience")
    FINANCES = "finances", _("Finances")
    LOSS_TOLERANCE = "loss_tolerance", _("Loss tolerance")


class Questionnaire(models.Model):
    version = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="questionnaire_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField()
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    text = models.CharField(max_length=300)
    help_text = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "position"], name="question_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    score = models.PositiveSmallIntegerField()
    knockout = models.BooleanField(
        default=False,
        help_text=_("Choosing this places the investor in C1 whatever the score."),
    )

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="option_unique_position"),
        ]

    def __str__(self) -> str:
        return self.text


class RiskAssessment(models.Model):
    """One completed questionnaire. All are kept; the newest valid one decides."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="risk_assessments")
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(help_text="{question_id: option_id}")
    score = models.PositiveSmallIntegerField()
    risk_level = models.PositiveSmallIntegerField(choices=RiskCategory.choices)
    knocked_out = models.BooleanField(default=False)
    taken_at = models.DateTimeField(default=timezone.now)
    valid_until = models.DateField()
    # 65 and over (DESIGN §4): the level the answers scored when it was capped at C3 (empty when
    # it was not), and when the investor confirmed they want their level as scored instead.
    scored_level = models.PositiveSmallIntegerField(
        choices=RiskCategory.choices, null=True, blank=True
    )
    elderly_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-taken_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=100), name="assessment_score_0_100"),
            models.CheckConstraint(
                condition=Q(risk_level__gte=1) & Q(risk_level__lte=5), name="assessment_level_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: C{self.risk_level} ({self.score}) on {self.taken_at:%Y-%m-%d}"


# Sub-packages' models, imported so that Django finds them.
from profiles.identity.models import (  # noqa: E402, F401
    DocumentType,
    Identity,
    IdentityEvent,
    IdentityEventKind,
    IdentityStatus,
)
from profiles.security.models import KnownDevice, TradePin  # noqa: E402, F401
