"""Staff pages that need trading data: the overview with platform revenue, settlement
statements, and the holiday calendar."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from institutions.selectors import institution_status_counts
from marketplace.permissions import StaffRequiredMixin, form_errors_from
from marketplace.validators import plain_text
from products.charts import line_chart

from . import selectors, services
from .calendar import next_trading_day, trade_date_for
from .exports import statement_csv
from .models import Holiday, Statement


class HolidayForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(max_length=100, validators=[plain_text])


class HolidaysView(StaffRequiredMixin, TemplateView):
    template_name = "staff/holidays.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["upcoming"] = Holiday.objects.filter(date__gte=today)
        context["past"] = Holiday.objects.filter(date__lt=today).order_by("-date")[:20]
        context["trade_date_now"] = trade_date_for(timezone.now())
        context["next_trading_day"] = next_trading_day(today)
        context.setdefault("form", HolidayForm())
        return context

    def post(self, request):
        form = HolidayForm(request.POST)
        if form.is_valid():
            try:
                holiday = services.holiday_add(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, f"{holiday.date} ({holiday.name}) is now a holiday.")
                return redirect("staff_orders:holidays")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class HolidayDeleteView(StaffRequiredMixin, View):
    def post(self, request, pk):
        holiday = get_object_or_404(Holiday, pk=pk)
        services.holiday_remove(actor=request.user, holiday=holiday)
        messages.success(request, f"{holiday.date} is a trading day again.")
        return redirect("staff_orders:holidays")


class StaffHomeView(StaffRequiredMixin, TemplateView):
    """The staff overview: institutions by status, and what the platform earned (commission
    entries, corrections included) by day, institution and product kind."""

    template_name = "staff/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        revenue = selectors.revenue_report(days=30)
        context.update(
            counts=institution_status_counts(),
            revenue=revenue,
            chart=line_chart(revenue.by_day, height=180),
        )
        return context


class PayoutsView(StaffRequiredMixin, TemplateView):
    """Payouts still pending after their retries: money left the investor's cash but the
    provider has not confirmed it, so staff follow them up with the provider."""

    template_name = "staff/payouts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["payouts"] = selectors.payouts_stuck()
        return context


def _month(value: str | None):
    try:
        return dt.date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        return None


class StatementsView(StaffRequiredMixin, TemplateView):
    """Every institution's statements (filter ``month=YYYY-MM``), with totals."""

    template_name = "staff/statements.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = _month(self.request.GET.get("month"))
        statements = selectors.statements_for_staff(month=month)
        context.update(
            month=month,
            months=Statement.objects.dates("month", "month", order="DESC"),
            statements=statements[:500],
            totals=selectors.statement_totals(statements),
        )
        return context


class StatementView(StaffRequiredMixin, TemplateView):
    """One institution's statement as staff see it: the same lines as the portal, and CSV."""

    template_name = "staff/statement.html"

    def statement(self) -> Statement:
        return get_object_or_404(
            Statement.objects.select_related("institution", "paid_by"), pk=self.kwargs["pk"]
        )

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "csv":
            return statement_csv(self.statement())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        statement = self.statement()
        context.update(statement=statement, rows=selectors.statement_rows(statement=statement))
        return context


class StatementPaidView(StaffRequiredMixin, View):
    def post(self, request, pk):
        statement = get_object_or_404(Statement.objects.select_related("institution"), pk=pk)
        try:
            services.statement_mark_paid(statement=statement, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"{statement.institution.name}, {statement.month:%Y-%m}: marked paid.",
            )
        return redirect(f"{reverse('staff_orders:statements')}?month={statement.month:%Y-%m}")
