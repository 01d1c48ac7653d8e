"""Forms check shape only; the services decide."""

from decimal import Decimal

from django import forms

from marketplace.forms import PercentField
from marketplace.validators import plain_text

from .models import (
    Institution,
    InstitutionStatus,
    InstitutionType,
    ProductKind,
    Role,
    UpfrontBasis,
)

APPLICABLE_TYPES = [c for c in InstitutionType.choices if c[0] != InstitutionType.PLATFORM]


class InstitutionApplicationForm(forms.ModelForm):
    type = forms.ChoiceField(choices=APPLICABLE_TYPES, label="Type of institution")
    requested_kinds = forms.MultipleChoiceField(
        choices=ProductKind.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Products you want to list",
        error_messages={"required": "Choose at least one kind of product."},
    )
    website = forms.URLField(required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Institution
        fields = [
            "name",
            "type",
            "licence_number",
            "registered_address",
            "website",
            "contact_name",
            "contact_email",
            "requested_kinds",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5, "maxlength": 2000})}
        help_texts = {
            "name": "As on your business licence.",
            "licence_number": "Your financial licence number from the regulator.",
            "description": "What you sell and to whom (up to 2,000 characters).",
        }

    def validate_unique(self):
        """Uniqueness is the service's job (it relies on the database constraint)."""


class DecisionForm(forms.Form):
    ACTIONS = {
        "approve": InstitutionStatus.APPROVED,
        "reject": InstitutionStatus.REJECTED,
        "suspend": InstitutionStatus.SUSPENDED,
        "reinstate": InstitutionStatus.APPROVED,
    }
    action = forms.ChoiceField(choices=[(a, a.title()) for a in ACTIONS])
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        validators=[plain_text],
        error_messages={"required": "Give a reason; the applicant will read it."},
    )
    granted_kinds = forms.MultipleChoiceField(
        choices=ProductKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Also allow (beyond the type's defaults)",
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EDITOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class CommissionContractForm(forms.Form):
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.filter(
            status__in=[InstitutionStatus.APPROVED, InstitutionStatus.SUSPENDED]
        ),
        to_field_name="slug",
    )
    product_kind = forms.ChoiceField(choices=ProductKind.choices)
    upfront_basis = forms.ChoiceField(choices=UpfrontBasis.choices)
    upfront_rate = PercentField(
        label="Upfront rate (%)",
        help_text="A percentage: 1.50 means 1.5 % (of the order amount, or of the front-end fee).",
    )
    trail_rate = PercentField(
        label="Trail rate (% of the management fee)",
        max_value=Decimal(50),
        help_text="Annual share of the management fee, a percentage: 30 means 30 % (at most 50).",
    )
    valid_from = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(max_length=300, required=False, validators=[plain_text])
