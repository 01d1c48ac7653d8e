"""The watchlist page's forms: the alert form under each watched product. Shape only; the
threshold rules of each kind are ``orders.insight.watch``'s."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.forms import AsciiDecimalField

from .models import AlertKind

THRESHOLD_NOT_A_NUMBER = _("Enter a number, e.g. 1.2500.")


class AlertForm(forms.Form):
    product = forms.SlugField(max_length=80, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("Alert me when"), choices=AlertKind.choices)
    threshold = AsciiDecimalField(
        label=pgettext_lazy("alert threshold", "Value"),
        required=False,
        max_digits=16,
        help_text=_("A NAV, or a percentage for a daily move. Leave empty for announcements."),
        error_messages={"invalid": THRESHOLD_NOT_A_NUMBER, "max_digits": THRESHOLD_NOT_A_NUMBER},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, follows_nav: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not follows_nav:  # no daily NAV: only announcements can be followed
            self.fields["kind"].choices = [
                (AlertKind.ANNOUNCEMENT.value, AlertKind.ANNOUNCEMENT.label)
            ]
            self.fields["threshold"].widget = forms.HiddenInput()
