"""The investor's distributions page of a holding (``/me/portfolio/<slug>/distributions/``):
the election (cash or reinvest) and the distributions received."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from marketplace.permissions import form_errors_from

from ...models import Holding
from . import selectors
from .forms import ElectionForm
from .services import declaration


@login_required
def holding_distributions(request, slug: str):
    try:
        holding = selectors.holding_of(user=request.user, product_slug=slug)
    except Holding.DoesNotExist as exc:  # another investor's holding does not exist here
        raise Http404 from exc
    current = selectors.current_election(holding=holding)
    form = ElectionForm(request.POST or None, initial={"election": current})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                declaration.election_set(
                    holding=holding, actor=request.user, election=form.cleaned_data["election"]
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, gettext("Your election is saved."))
                return redirect("distributions:holding", slug=slug)
    context = {
        "holding": holding,
        "product": holding.product,
        "form": form,
        "current": current,
        "upcoming": selectors.upcoming_for_holding(holding=holding),
        "payments": selectors.payments_of_holding(holding=holding),
    }
    return render(request, "orders/plans/distributions/holding.html", context, status=status)
