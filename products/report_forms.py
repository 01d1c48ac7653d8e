"""The portal's periodic-report forms: the report's own fields, a formset of managers, one of
the top 10 holdings, the asset allocation, or one CSV file. They check shape; the service
(products.services.reports) judges the figures."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.forms import AsciiDecimalField, MoneyField, WholeNumberField
from marketplace.permissions import form_errors_from
from marketplace.validators import plain_text

from .report_models import AssetClass, ReportPeriod, latest_ended_period
from .services.report_csv import CSV_TOO_BIG, MAX_REPORT_CSV_BYTES
from .services.reports import (
    MAX_HOLDINGS,
    MAX_MANAGERS,
    HoldingRow,
    ManagerRow,
    ReportData,
)

PERCENT = {"max_digits": 5, "decimal_places": 2, "min_value": 0, "max_value": 100}
DATE = forms.DateInput(attrs={"type": "date"})


class ReportForm(forms.Form):
    year = WholeNumberField(label=_("Year"), min_value=2000, max_value=2100)
    period = forms.ChoiceField(
        label=pgettext_lazy("report period", "Period"), choices=ReportPeriod.choices
    )
    fund_size = MoneyField(label=_("Fund size (CNY)"), positive=True)
    fund_size_date = forms.DateField(label=_("Fund size as of"), widget=DATE)
    benchmark_name = forms.CharField(
        label=_("Benchmark"),
        max_length=200,
        validators=[plain_text],
        help_text=_('As the prospectus names it, e.g. "CSI 300 Index × 80% + ChinaBond × 20%".'),
    )
    benchmark_return_percent = AsciiDecimalField(
        label=_("Benchmark return over the year to the period end (%)"),
        required=False,
        max_digits=6,
        decimal_places=2,
        min_value=-100,
        max_value=1000,
        help_text=_("Optional. The fund's own return over the same year is shown beside it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        year, period = latest_ended_period(timezone.localdate())
        self.fields["year"].initial, self.fields["period"].initial = year, period


class ManagerForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("person", "Name"), max_length=100, validators=[plain_text]
    )
    since = forms.DateField(label=_("Manages the fund since"), widget=DATE)
    bio = forms.CharField(
        label=_("Short biography"), max_length=500, required=False, validators=[plain_text]
    )


class HoldingForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("financial instrument", "Security"),
        max_length=100,
        validators=[plain_text],
        widget=forms.TextInput(
            attrs={"placeholder": pgettext_lazy("financial instrument", "Security")}
        ),
    )
    code = forms.CharField(
        label=pgettext_lazy("security code", "Code"),
        max_length=20,
        validators=[plain_text],
        widget=forms.TextInput(attrs={"placeholder": pgettext_lazy("security code", "Code")}),
    )
    percent_of_nav = AsciiDecimalField(
        label=_("% of net assets"),
        widget=forms.TextInput(attrs={"placeholder": "%", "inputmode": "decimal"}),
        **PERCENT,
    )


class RowsFormSet(forms.BaseFormSet):
    """Every row is sent afresh on each save (the report is replaced whole): a row left or
    made empty is no row, whatever it held before."""

    def initial_form_count(self):
        return 0


ManagerFormSet = forms.formset_factory(
    ManagerForm,
    formset=RowsFormSet,
    extra=1,
    min_num=1,
    validate_min=True,
    max_num=MAX_MANAGERS,
    validate_max=True,
    absolute_max=MAX_MANAGERS,
)
HoldingFormSet = forms.formset_factory(
    HoldingForm,
    formset=RowsFormSet,
    extra=MAX_HOLDINGS,
    max_num=MAX_HOLDINGS,
    validate_max=True,
    absolute_max=MAX_HOLDINGS,
)


class AllocationForm(forms.Form):
    """One percentage per asset class; together they make 100."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in AssetClass.choices:
            self.fields[value] = AsciiDecimalField(
                label=_("%(asset)s (%% of net assets)") % {"asset": label},
                initial=Decimal(0),
                **PERCENT,
            )


class ReportCsvForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_REPORT_CSV_BYTES:
            raise forms.ValidationError(CSV_TOO_BIG, code="too_big")
        return file


def forms_for(data=None, *, initial: ReportData | None = None) -> dict:
    """The report form, its two formsets and the allocation form (bound or with initial)."""
    if data is not None:
        return {
            "form": ReportForm(data),
            "managers": ManagerFormSet(data, prefix="managers"),
            "holdings": HoldingFormSet(data, prefix="holdings"),
            "allocation": AllocationForm(data, prefix="allocation"),
        }
    base = {}
    managers, holdings, allocation = [], [], {}
    if initial is not None:
        base = {
            "year": initial.year,
            "period": initial.period,
            "fund_size": initial.fund_size,
            "fund_size_date": initial.fund_size_date,
            "benchmark_name": initial.benchmark_name,
            "benchmark_return_percent": initial.benchmark_return_percent,
        }
        managers = [m._asdict() for m in initial.managers]
        holdings = [h._asdict() for h in initial.holdings]
        allocation = initial.allocation
    manager_rows = ManagerFormSet(initial=managers, prefix="managers")
    manager_rows.extra = max(len(managers), 1)  # every manager given, and one empty row
    return {
        "form": ReportForm(initial=base),
        "managers": manager_rows,
        "holdings": HoldingFormSet(initial=holdings, prefix="holdings"),
        "allocation": AllocationForm(initial=allocation, prefix="allocation"),
    }


def all_valid(bound: dict) -> bool:
    return all([f.is_valid() for f in bound.values()])


def report_data_from(bound: dict) -> ReportData:
    data = bound["form"].cleaned_data
    return ReportData(
        year=data["year"],
        period=data["period"],
        fund_size=data["fund_size"],
        fund_size_date=data["fund_size_date"],
        benchmark_name=data["benchmark_name"],
        benchmark_return_percent=data.get("benchmark_return_percent"),
        managers=[
            ManagerRow(f.cleaned_data["name"], f.cleaned_data["since"], f.cleaned_data["bio"])
            for f in bound["managers"]
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ],
        holdings=[
            HoldingRow(
                f.cleaned_data["name"], f.cleaned_data["code"], f.cleaned_data["percent_of_nav"]
            )
            for f in bound["holdings"]
            if f.cleaned_data
        ],
        allocation=dict(bound["allocation"].cleaned_data),
    )


# Where a service error about a part of the report is shown on the form.
ERROR_TARGET = {
    "managers": "managers",
    "holdings": "holdings",
    "allocation": "allocation",
}


def put_errors(bound: dict, exc) -> None:
    """A service ValidationError onto the forms: parts' errors on their formset or form."""
    if not hasattr(exc, "error_dict"):
        form_errors_from(bound["form"], exc)
        return
    for key, errors in exc.error_dict.items():
        target = ERROR_TARGET.get(key)
        if target == "allocation":
            bound["allocation"].add_error(None, errors)
        elif target:
            bound[target].non_form_errors().extend(message for e in errors for message in e)
        else:
            form = bound["form"]
            form.add_error(key if key in form.fields else None, errors)
