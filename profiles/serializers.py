from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.fields import WholeNumberField
from marketplace.validators import plain_text

from .identity.ages import ELDERLY_WARNING
from .models import City, Experience, IncomeBand, InvestmentGoal, InvestorProfile
from .questionnaires.texts import question_text
from .services import birth_year_range


class ProfileSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="user.email", read_only=True)
    risk_level = serializers.SerializerMethodField()
    city = serializers.ChoiceField(choices=City.choices, required=False)
    income_band = serializers.ChoiceField(choices=IncomeBand.choices, required=False)
    investment_goal = serializers.ChoiceField(choices=InvestmentGoal.choices, required=False)
    experience = serializers.ChoiceField(choices=Experience.choices, required=False)
    full_name = serializers.CharField(max_length=100, required=False, validators=[plain_text])
    birth_year = WholeNumberField(required=False)

    class Meta:
        model = InvestorProfile
        fields = [
            "email",
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
        ]
        read_only_fields = ["email", "age_cohort", "risk_level", "assessment_valid_until"]

    def get_fields(self):
        fields = super().get_fields()
        low, high = birth_year_range()  # the schema states this year's range
        fields["birth_year"] = WholeNumberField(
            required=False, allow_null=True, min_value=low, max_value=high
        )
        return fields

    def get_risk_level(self, profile) -> str | None:
        return f"C{profile.risk_level}" if profile.risk_level else None


class QuestionnaireTextField(serializers.CharField):
    """A questionnaire text (stored in English) in the request's language."""

    def to_representation(self, value):
        return question_text(super().to_representation(value))


class OptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = QuestionnaireTextField()


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    dimension = serializers.CharField()
    text = QuestionnaireTextField()
    help_text = QuestionnaireTextField()
    options = OptionSerializer(many=True, source="options.all")


class QuestionnaireSerializer(serializers.Serializer):
    version = serializers.CharField()
    title = QuestionnaireTextField()
    questions = QuestionSerializer(many=True, source="questions.all")


@extend_schema_field(
    {
        "type": "object",
        "description": "Question id → the id of the chosen option, one entry per question of "
        "the current questionnaire (GET /api/v1/me/questionnaire/ lists both); keys are the "
        "question ids written as decimal strings.",
        "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 2147483647},
        "minProperties": 1,
        "example": {"1": 3, "2": 7},
    }
)
class AnswersField(serializers.DictField):
    child = WholeNumberField(min_value=1, max_value=2147483647)


class AssessmentInputSerializer(serializers.Serializer):
    answers = AnswersField(allow_empty=False)
    version = serializers.CharField(
        required=False, help_text="The questionnaire version answered (the current one)."
    )
    elderly_confirmed = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Investors aged 65 or over are capped at C3 unless this is true: "
        '"I am 65 or over and want my level as scored" (recorded with its time). Ignored '
        "for younger investors.",
    )


class AssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.IntegerField()
    risk_level = serializers.SerializerMethodField()
    valid_until = serializers.DateField()
    taken_at = serializers.DateTimeField()
    questionnaire = serializers.CharField(source="questionnaire.version")
    scored_level = serializers.SerializerMethodField(
        help_text="The level the answers scored when it was capped at C3 (65 and over); "
        "null when not capped."
    )
    elderly_confirmed_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the investor (65 or over) confirmed they want their level as scored.",
    )
    elderly_warning = serializers.SerializerMethodField(
        help_text="The elderly-investor warning for investors aged 65 or over; null otherwise."
    )

    def get_risk_level(self, assessment) -> str:
        return f"C{assessment.risk_level}"

    def get_scored_level(self, assessment) -> str | None:
        return f"C{assessment.scored_level}" if assessment.scored_level else None

    def get_elderly_warning(self, assessment) -> str | None:
        return str(ELDERLY_WARNING) if self.context.get("elderly") else None
