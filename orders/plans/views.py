"""The investor's plans (``/me/plans/``): list, set up from a fund's page, one plan's page
with its purchases and chart, and its pause / resume / change / stop forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from marketplace.idempotency import ALREADY_USED, FIELD, claim_form_token
from marketplace.permissions import form_errors_from
from products.selectors import catalogue_queryset

from . import selectors, services
from .forms import PlanChangeForm, PlanCreateForm
from .models import InvestmentPlan


def _plan(request, pk: int) -> InvestmentPlan:
    try:
        return selectors.plan_of(user=request.user, pk=pk)
    except InvestmentPlan.DoesNotExist as exc:  # another investor's plan does not exist here
        raise Http404 from exc


@login_required
def plan_list(request):
    plans = list(selectors.plans_of(user=request.user))
    dates = selectors.next_purchase_dates(plans=plans)
    rows = [(p, dates[p.pk]) for p in plans]
    return render(request, "orders/plans/list.html", {"rows": rows})


def _on_day_field(exc, frequency: str):
    """The service's ``day`` error on the form's field for that frequency."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict") and "day" in exc.error_dict:
        errors = dict(exc.error_dict)
        errors["month_day" if frequency == "monthly" else "weekday"] = errors.pop("day")
        return ValidationError(errors)
    return exc


@login_required
def plan_new(request, slug: str | None = None):
    """Set up a plan for a fund (``/products/<slug>/plan/`` or ``/me/plans/new/?product=``)."""
    slug = slug or request.GET.get("product", "")
    product = get_object_or_404(catalogue_queryset(), slug=slug)
    initial = {"start_date": services.tomorrow(), "end": "none", "month_day": 1, "weekday": 1}
    form = PlanCreateForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and form.trade_confirmed(user=request.user):
            if not claim_form_token(user_id=request.user.pk, token=request.POST.get(FIELD)):
                messages.info(request, ALREADY_USED)
                return redirect("plans:list")
            data = form.cleaned_data
            try:
                plan, _ = services.plan_create(
                    user=request.user,
                    product=product,
                    amount=data["amount"],
                    frequency=data["frequency"],
                    day=form.day_for(data["frequency"]),
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    max_purchases=data["max_purchases"],
                )
            except (ValidationError, PermissionDenied) as exc:
                form_errors_from(form, _on_day_field(exc, data["frequency"]))
            else:
                messages.success(
                    request, gettext("Your plan for %(fund)s is set up.") % {"fund": product.name}
                )
                return redirect("plans:detail", pk=plan.pk)
    return render(
        request, "orders/plans/new.html", {"form": form, "product": product}, status=status
    )


@login_required
def plan_detail(request, pk: int):
    plan = _plan(request, pk)
    return _render_detail(request, plan, PlanChangeForm(initial=_change_initial(plan)))


def _change_initial(plan: InvestmentPlan) -> dict:
    key = "month_day" if plan.frequency == "monthly" else "weekday"
    return {"amount": plan.amount, key: plan.day}


def _render_detail(request, plan: InvestmentPlan, form, status: int = 200):
    return render(
        request,
        "orders/plans/detail.html",
        {
            "plan": plan,
            "next_date": selectors.next_purchase_date(plan=plan),
            "figures": selectors.plan_figures(plan=plan),
            "purchases": selectors.purchases_of(plan=plan),
            "plan_chart": selectors.plan_chart(plan=plan),
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def plan_change(request, pk: int):
    plan = _plan(request, pk)
    form = PlanChangeForm(request.POST)
    if form.is_valid():
        try:
            services.plan_change(
                plan=plan,
                actor=request.user,
                amount=form.cleaned_data.get("amount"),
                day=form.day_for(plan.frequency),
            )
        except ValidationError as exc:
            form_errors_from(form, _on_day_field(exc, plan.frequency))
        else:
            messages.success(
                request, gettext("Plan changed: the change applies from its next purchase.")
            )
            return redirect("plans:detail", pk=plan.pk)
    return _render_detail(request, plan, form, status=400)


ACTIONS = {
    "pause": (
        services.plan_pause,
        gettext_lazy("Plan paused: it buys nothing until you resume it."),
    ),
    "resume": (
        services.plan_resume,
        gettext_lazy("Plan resumed: it buys again from its next due day."),
    ),
    "stop": (services.plan_stop, gettext_lazy("Plan stopped. Purchases already made are kept.")),
}


@login_required
@require_POST
def plan_action(request, pk: int, action: str):
    plan = _plan(request, pk)
    service, done = ACTIONS[action]
    try:
        service(plan=plan, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("plans:detail", pk=plan.pk)
