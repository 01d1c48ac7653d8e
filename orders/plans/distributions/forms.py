"""Distribution forms: shape only (the services judge the amount, the dates and the fund)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.forms import AsciiDecimalField
from marketplace.validators import plain_text

from .models import Election

REASON_REQUIRED = _("Give a reason; the institution will read it.")


class DeclareForm(forms.Form):
    amount_per_unit = AsciiDecimalField(
        label=_("Amount per unit (CNY)"),
        max_digits=12,
        decimal_places=4,
        help_text=_("Up to 4 decimal places, e.g. 0.0500."),
    )
    record_date = forms.DateField(
        label=_("Record date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Holders at the end of this day are paid. After today."),
    )
    ex_date = forms.DateField(
        label=_("Ex-date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The NAV goes ex-distribution; reinvested units are bought at its NAV."),
    )
    pay_date = forms.DateField(
        label=_("Pay date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("End of day on this date pays the holders of record."),
    )


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        required=False,
        validators=[plain_text],
    )

    def clean(self):
        data = super().clean()
        if data.get("action") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", REASON_REQUIRED)
        return data


class ElectionForm(forms.Form):
    election = forms.ChoiceField(
        label=_("Receive this fund's distributions as"),
        choices=[
            (Election.CASH, _("Cash, paid into my balance")),
            (Election.REINVEST, _("New units of the fund (reinvested)")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "Reinvested units are bought at the ex-date NAV with no subscription fee, rounded "
            "down to 0.01 of a unit; the few fen left over are paid in cash."
        ),
    )
