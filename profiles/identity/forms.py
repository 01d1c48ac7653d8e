"""Forms check shape; the identity services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .countries import COUNTRIES
from .models import DocumentType


class UnechoedTextInput(forms.TextInput):
    """A text input that never writes back what was typed: a refused form does not put the
    document number in the page (pages show its last four characters only)."""

    def format_value(self, value):
        return None


class IdentityForm(forms.Form):
    legal_name = forms.CharField(
        label=pgettext_lazy("person", "Legal name"),
        max_length=200,
        help_text=_("Exactly as printed on the document, e.g. 王小明 or Mary Smith."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    document_type = forms.ChoiceField(
        label=_("Document"),
        choices=DocumentType.choices,
        initial=DocumentType.RESIDENT_ID,
        widget=forms.RadioSelect,
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=60,
        help_text=_(
            "Resident identity card: the 18 characters (the last may be X). Permits: as printed, "
            "e.g. H12345678. Spaces are ignored."
        ),
        widget=UnechoedTextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        help_text=_(
            "Needed for a passport or a permit without it in the number; a resident identity "
            "card holds it (leave it empty)."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        required=False,
        choices=[("", _("Choose… (passports only)")), *COUNTRIES.items()],
        help_text=_("For a passport. Identity cards and permits set it: CN, HK, MO or TW."),
    )


class IdentityReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(required=False, max_length=300)
