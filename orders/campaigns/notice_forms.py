"""The notification preferences form: one checkbox per optional e-mail (unticked: off)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Topic

LABELS = {
    Topic.ORDER_CONFIRMED: (
        _("Order confirmed"),
        _("Each confirmed purchase and sale, with its units, NAV and fee."),
    ),
    Topic.REDEMPTION_PAID: (
        _("Money paid into your cash"),
        _("A sale's proceeds, a policy refund or an early withdrawal reaching your cash."),
    ),
    Topic.ASSESSMENT_EXPIRING: (
        _("Risk assessment expiring"),
        _("A reminder 30 days before your risk assessment expires."),
    ),
}


class NotificationPreferencesForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for topic, (label, help_text) in LABELS.items():
            self.fields[topic] = forms.BooleanField(
                required=False, label=label, help_text=help_text
            )
