"""Plan forms: shape only (the plan services judge the product, amount, days and dates).

Setting up a plan asks the trade PIN (``TradePinFormMixin``): it commits money every period."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.forms import MoneyField, WholeNumberField
from profiles.security.forms import TradePinFormMixin

from .models import Frequency

WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
]
MONTH_DAYS = [(d, str(d)) for d in range(1, 29)]
END_NONE, END_DATE, END_COUNT = "none", "date", "count"
END_CHOICES = [
    (END_NONE, _("Until I stop it")),
    (END_DATE, _("On a date")),
    (END_COUNT, _("After a number of purchases")),
]
END_DATE_REQUIRED = _("Enter the date the plan ends.")
END_COUNT_REQUIRED = _("Enter how many purchases the plan makes.")


class _Schedule(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        help_text=_("Weekly and every-two-weeks plans buy on this weekday."),
    )
    month_day = forms.TypedChoiceField(
        label=_("Day of the month"),
        choices=MONTH_DAYS,
        coerce=int,
        required=False,
        help_text=_("Monthly plans buy on this day (1–28, so every month has it)."),
    )

    def day_for(self, frequency: str) -> int | None:
        key = "month_day" if frequency == Frequency.MONTHLY else "weekday"
        return self.cleaned_data.get(key)


class PlanCreateForm(TradePinFormMixin, _Schedule):
    amount = MoneyField(label=_("Amount each time (CNY)"), positive=True)
    frequency = forms.ChoiceField(
        label=_("How often"), choices=Frequency.choices, widget=forms.RadioSelect
    )
    start_date = forms.DateField(
        label=_("First purchase on or after"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.ChoiceField(
        label=_("Ends"), choices=END_CHOICES, initial=END_NONE, widget=forms.RadioSelect
    )
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    max_purchases = WholeNumberField(label=_("Number of purchases"), required=False, min_value=1)

    field_order = [
        "amount",
        "frequency",
        "weekday",
        "month_day",
        "start_date",
        "end",
        "end_date",
        "max_purchases",
    ]

    def clean(self):
        data = super().clean()
        end = data.get("end")
        if end == END_DATE and not data.get("end_date"):
            self.add_error("end_date", END_DATE_REQUIRED)
        if end == END_COUNT and not data.get("max_purchases"):
            self.add_error("max_purchases", END_COUNT_REQUIRED)
        if end != END_DATE:
            data["end_date"] = None
        if end != END_COUNT:
            data["max_purchases"] = None
        return data


class PlanChangeForm(_Schedule):
    amount = MoneyField(label=_("Amount each time (CNY)"), positive=True, required=False)
