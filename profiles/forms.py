"""Forms check shape; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.forms import WholeNumberField
from marketplace.validators import plain_text

from .models import City, ConsentKind, Experience, IncomeBand, InvestmentGoal
from .questionnaires.texts import question_text


def _choices(choices):
    return [("", _("Choose…")), *choices.choices]


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=100, validators=[plain_text], label=_("Full name"))
    birth_year = WholeNumberField(label=_("Year of birth"), min_value=1900, max_value=2100)
    city = forms.ChoiceField(choices=_choices(City), label=_("City"))
    income_band = forms.ChoiceField(choices=_choices(IncomeBand), label=_("Yearly income"))
    investment_goal = forms.ChoiceField(
        choices=_choices(InvestmentGoal), label=_("Investment goal")
    )
    experience = forms.ChoiceField(choices=_choices(Experience), label=_("Investing experience"))


class ConsentForm(forms.Form):
    kind = forms.ChoiceField(choices=ConsentKind.choices)
    granted = forms.TypedChoiceField(
        choices=[("1", _("On")), ("0", _("Off"))], coerce=lambda v: v == "1"
    )


class QuestionnaireForm(forms.Form):
    """One radio group per question, named ``q<id>``; values are option ids."""

    def __init__(self, *args, questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        for question in questionnaire.questions.all():
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question_text(question.text),
                help_text=question_text(question.help_text),
                choices=[(o.pk, question_text(o.text)) for o in question.options.all()],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer.")},
            )

    def answers(self) -> dict[str, int]:
        return {name[1:]: value for name, value in self.cleaned_data.items()}


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_('Type "DELETE" to confirm'),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip() != "DELETE":
            raise forms.ValidationError(_("Type DELETE in capitals to confirm."))
        return "DELETE"
