"""Forms check shape only; the services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
    type = forms.ChoiceField(choices=APPLICABLE_TYPES, label=_("Type of institution"))
    requested_kinds = forms.MultipleChoiceField(
        choices=ProductKind.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("Products you want to list"),
        error_messages={"required": _("Choose at least one kind of product.")},
    )
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", max_length=200
    )

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
        labels = {
            "name": _("Legal name"),
            "licence_number": _("Licence number"),
            "registered_address": _("Registered address"),
            "contact_name": _("Contact person"),
            "contact_email": _("Contact e-mail"),
            "description": _("Description"),
        }
        help_texts = {
            "name": _("As on your business licence."),
            "licence_number": _("Your financial licence number from the regulator."),
            "description": _("What you sell and to whom (up to 2,000 characters)."),
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
    LABELS = {
        "approve": pgettext_lazy("review action", "Approve"),
        "reject": pgettext_lazy("review action", "Reject"),
        "suspend": pgettext_lazy("review action", "Suspend"),
        "reinstate": pgettext_lazy("review action", "Reinstate"),
    }
    action = forms.ChoiceField(choices=list(LABELS.items()))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        validators=[plain_text],
        error_messages={"required": _("Give a reason; the applicant will read it.")},
    )
    granted_kinds = forms.MultipleChoiceField(
        choices=ProductKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Also allow (beyond the type's defaults)"),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.EDITOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo file"),
        help_text=_("PNG, JPEG or WebP; at most 256 KB; from 64×64 to 1024×1024 pixels."),
        error_messages={"required": _("Choose an image file to upload.")},
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )


class CommissionContractForm(forms.Form):
    institution = forms.ModelChoiceField(
        queryset=Institution.objects.filter(
            status__in=[InstitutionStatus.APPROVED, InstitutionStatus.SUSPENDED]
        ),
        to_field_name="slug",
        label=_("Institution"),
    )
    product_kind = forms.ChoiceField(label=_("Product kind"), choices=ProductKind.choices)
    upfront_basis = forms.ChoiceField(label=_("Upfront basis"), choices=UpfrontBasis.choices)
    upfront_rate = PercentField(
        label=_("Upfront rate (%)"),
        help_text=_(
            "A percentage: 1.50 means 1.5 % (of the order amount, or of the front-end fee)."
        ),
    )
    trail_rate = PercentField(
        # xgettext:no-python-format
        label=_("Trail rate (% of the management fee)"),
        max_value=Decimal(50),
        help_text=_(
            "Annual share of the management fee, a percentage: 30 means 30 % (at most 50)."
        ),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False, validators=[plain_text])
