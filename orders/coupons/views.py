"""The investor's coupons page (``/me/coupons/``): usable coupons and cards, why the others
are not, and claiming a code."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from marketplace.permissions import form_errors_from

from . import selectors, services
from .forms import ClaimForm


@login_required
def my_coupons(request):
    form = ClaimForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                grant = services.coupon_claim(user=request.user, code=form.cleaned_data["code"])
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(
                    request,
                    gettext("%(coupon)s is in your wallet.") % {"coupon": grant.coupon.name},
                )
                return redirect("coupons:mine")
        status = 400
    return render(
        request,
        "orders/coupons.html",
        {"items": selectors.wallet_for(user=request.user), "form": form},
        status=status,
    )
