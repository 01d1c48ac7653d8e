"""Staff pages that need trading data: the overview with platform revenue, settlement
statements, and the holiday calendar."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from institutions.selectors import institution_status_counts
from marketplace.dates import parse_month
from marketplace.permissions import StaffRequiredMixin, form_errors_from
from marketplace.validators import plain_text
from products.charts import line_chart
from products.models import NavPrice, ProductKind

from . import selectors, services
from .calendar import next_trading_day, trade_date_for
from .exports import statement_csv
from .models import CorrectionStatus, Holiday, NavCorrection, Order, Statement


class HolidayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name"), max_length=100, validators=[plain_text])


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
                messages.success(
                    request,
                    _("%(date)s (%(name)s) is now a holiday.")
                    % {"date": holiday.date, "name": holiday.name},
                )
                return redirect("staff_orders:holidays")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class HolidayDeleteView(StaffRequiredMixin, View):
    def post(self, request, pk):
        holiday = get_object_or_404(Holiday, pk=pk)
        services.holiday_remove(actor=request.user, holiday=holiday)
        messages.success(request, _("%(date)s is a trading day again.") % {"date": holiday.date})
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
            stuck=selectors.orders_stuck_pending(),
            corrections_pending=selectors.nav_corrections_pending().count(),
        )
        return context


class StaffReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, validators=[plain_text])


class OrderCancelView(StaffRequiredMixin, View):
    """Cancel a pending order that cannot settle, with a reason; the buy is refunded."""

    def post(self, request, pk):
        order = get_object_or_404(Order, pk=pk)
        form = StaffReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason; the investor will read it."))
            return redirect("staff_orders:home")
        try:
            services.order_cancel_by_staff(
                order=order, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Order %(id)s cancelled; the investor was told.") % {"id": order.pk}
            )
        return redirect("staff_orders:home")


class NavCorrectionForm(forms.Form):
    product = forms.SlugField(label=_("Fund (slug)"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    new_nav = forms.CharField(label=_("Correct NAV"), max_length=20)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, validators=[plain_text]
    )


class NavCorrectionsView(StaffRequiredMixin, TemplateView):
    """NAV corrections waiting for approval (approve or reject each, with a reason), the recent
    decisions, and a form to ask for one."""

    template_name = "staff/nav_corrections.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            pending=selectors.nav_corrections_pending(),
            recent=selectors.nav_corrections_recent(),
        )
        context.setdefault("form", NavCorrectionForm())
        return context

    def post(self, request):
        form = NavCorrectionForm(request.POST)
        if form.is_valid():
            price = (
                NavPrice.objects.select_related("product__institution")
                .filter(
                    product__slug=form.cleaned_data["product"],
                    product__kind=ProductKind.FUND,
                    date=form.cleaned_data["date"],
                )
                .first()
            )
            if price is None:
                form.add_error("date", _("There is no NAV of this fund on this date."))
            else:
                try:
                    services.nav_correction_request(
                        product=price.product,
                        date=price.date,
                        new_nav=form.cleaned_data["new_nav"],
                        reason=form.cleaned_data["reason"],
                        actor=request.user,
                    )
                except (ValidationError, PermissionDenied) as exc:
                    form_errors_from(form, exc)
                else:
                    messages.success(
                        request, _("Correction asked for; another member of staff approves it.")
                    )
                    return redirect("staff_orders:nav-corrections")
        return self.render_to_response(self.get_context_data(form=form), status=400)


class NavCorrectionDecideView(StaffRequiredMixin, View):
    def post(self, request, pk):
        correction = get_object_or_404(
            NavCorrection.objects.filter(status=CorrectionStatus.PENDING), pk=pk
        )
        action, reason = request.POST.get("action"), request.POST.get("reason", "")
        try:
            if action == "approve":
                services.nav_correction_approve(
                    correction=correction, actor=request.user, reason=reason
                )
                messages.success(
                    request,
                    _("Correction applied: %(n)s order(s) re-priced, investors told.")
                    % {"n": correction.lines.count()},
                )
            elif action == "reject":
                services.nav_correction_reject(
                    correction=correction, actor=request.user, reason=reason
                )
                messages.success(request, _("Correction rejected."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("staff_orders:nav-corrections")


class PayoutsView(StaffRequiredMixin, TemplateView):
    """Payouts still pending after their retries: money left the investor's cash but the
    provider has not confirmed it, so staff follow them up with the provider."""

    template_name = "staff/payouts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["payouts"] = selectors.payouts_stuck()
        return context


class StatementsView(StaffRequiredMixin, TemplateView):
    """Every institution's statements (filter ``month=YYYY-MM``), with totals."""

    template_name = "staff/statements.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = parse_month(self.request.GET.get("month"))
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
                _("%(institution)s, %(month)s: marked paid.")
                % {"institution": statement.institution.name, "month": f"{statement.month:%Y-%m}"},
            )
        return redirect(f"{reverse('staff_orders:statements')}?month={statement.month:%Y-%m}")
