"""The investor's switches: "Switch" on a fund holding (choose the fund, the units, review the
fee and amounts, confirm with the trade PIN), the list, one switch's page and its cancel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from marketplace.idempotency import ALREADY_USED, FIELD, claim_form_token
from marketplace.money import format_amount
from marketplace.permissions import form_errors_from
from products.models import ProductKind

from ...selectors.portfolio import position_of
from . import selectors, services
from .forms import SwitchForm
from .models import Switch


def _switch(request, pk: int) -> Switch:
    try:
        return selectors.switch_of(user=request.user, pk=pk)
    except Switch.DoesNotExist as exc:  # another investor's switch does not exist here
        raise Http404 from exc


@login_required
def switch_new(request, slug: str):
    """GET: the form; GET with ``to_product`` and ``units``: the review (the service's checks,
    the estimated fee and amounts); POST: the trade PIN, the form's one-time token, then the
    switch through the same service as the API."""
    position = position_of(user=request.user, product_slug=slug)
    if position is None or position.product.kind != ProductKind.FUND:
        raise Http404(gettext("You do not hold this fund."))
    from_product = position.product
    targets = list(selectors.switch_targets(from_product=from_product))
    post = request.method == "POST"
    data = request.POST if post else request.GET
    form = SwitchForm(data if ("units" in data or post) else None, targets=targets)
    check, status = None, 200
    if form.is_bound:
        if form.is_valid():
            chosen = form.cleaned_data["to_product"]
            to_product = next((p for p in targets if p.slug == chosen), None)
            try:
                check = services.switch_check(
                    user=request.user,
                    from_product=from_product,
                    to_product=to_product,
                    units=form.cleaned_data["units"],
                    acknowledge_risk=None,  # the review shows the warning; placing asks
                )
            except (ValidationError, PermissionDenied) as exc:
                form_errors_from(form, exc)
        if post and check is not None and form.trade_confirmed(user=request.user):
            if not claim_form_token(user_id=request.user.pk, token=request.POST.get(FIELD)):
                messages.info(request, ALREADY_USED)
                return redirect("switching:list")
            try:
                switch, _ = services.switch_place(
                    user=request.user,
                    from_product=from_product,
                    to_product=to_product,
                    units=form.cleaned_data["units"],
                    acknowledge_risk=form.cleaned_data["acknowledge_risk"],
                )
            except (ValidationError, PermissionDenied) as exc:
                form_errors_from(form, exc)
            else:
                messages.success(
                    request,
                    gettext("Switch placed: %(units)s units of %(from)s into %(to)s.")
                    % {
                        "units": format_amount(switch.units),
                        "from": from_product.name,
                        "to": switch.to_product.name,
                    },
                )
                return redirect("switching:detail", pk=switch.pk)
        if form.errors:
            status = 400 if post else 200
    reviewing = check is not None and not set(form.errors) - {"trade_pin", "acknowledge_risk"}
    return render(
        request,
        "orders/plans/switching/new.html",
        {
            "position": position,
            "product": from_product,
            "targets": targets,
            "form": form,
            "check": check,
            "estimate": check.estimate if check else None,
            "reviewing": reviewing,
        },
        status=status,
    )


@login_required
def switch_list(request):
    switches = list(selectors.switches_of(user=request.user)[:200])
    rows = [(s, selectors.switch_status(s)) for s in switches]
    return render(request, "orders/plans/switching/list.html", {"rows": rows})


@login_required
def switch_detail(request, pk: int):
    switch = _switch(request, pk)
    sell, buy = selectors.switch_legs(switch)
    return render(
        request,
        "orders/plans/switching/detail.html",
        {
            "switch": switch,
            "sell": sell,
            "buy": buy,
            "status": selectors.switch_status(switch),
            "cancellable": selectors.switch_cancellable(switch, now=timezone.now()),
        },
    )


@login_required
@require_POST
def switch_cancel(request, pk: int):
    switch = _switch(request, pk)
    try:
        services.switch_cancel(switch=switch, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            gettext(
                "Switch cancelled: both orders are cancelled and your %(units)s units "
                "of %(fund)s are available again."
            )
            % {"units": format_amount(switch.units), "fund": switch.from_product.name},
        )
    return redirect("switching:detail", pk=switch.pk)
