"""The switch form: the fund to switch into (the institution's other funds on sale), the units,
the risk acknowledgement when the review asks for it, and the trade PIN on confirmation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.forms import MoneyField
from marketplace.money import UNITS_MESSAGES
from profiles.security.forms import TradePinFormMixin


class SwitchForm(TradePinFormMixin, forms.Form):
    to_product = forms.ChoiceField(label=_("Switch into"))
    units = MoneyField(label=_("Units to switch"), positive=True, messages=UNITS_MESSAGES)
    acknowledge_risk = forms.BooleanField(
        required=False,
        label=_("I have read the warning and accept that this fund is above my risk level."),
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_product"].choices = [("", _("Choose a fund"))] + [
            (p.slug, f"{p.name} (R{p.risk_level})") for p in targets
        ]
