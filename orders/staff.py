"""Staff pages for trading: the holiday calendar."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from marketplace.permissions import StaffRequiredMixin, form_errors_from
from marketplace.validators import plain_text

from . import services
from .calendar import next_trading_day, trade_date_for
from .models import Holiday


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
