"""The investor's bank cards page (``/me/cards/``): the bound cards, binding one in the verified
name, choosing the default and unbinding (after a confirmation)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from marketplace.permissions import form_errors_from
from profiles.identity.selectors import identity_of, verified_identity

from . import selectors, services
from .forms import CardBindForm
from .gateway import SANDBOX_CARDS, sandbox_in_use


def _card_or_404(request, pk):
    card = selectors.card_for(user=request.user, pk=pk)
    if card is None:
        raise Http404("No such card")
    return card


@sensitive_post_parameters("card_number")
@login_required
def cards(request):
    form = CardBindForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                card = services.card_bind(
                    user=request.user, card_number=form.cleaned_data["card_number"]
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(
                    request,
                    (
                        gettext("%(card)s is bound in your verified name. It is your default card.")
                        if card.is_default
                        else gettext("%(card)s is bound in your verified name.")
                    )
                    % {"card": card},
                )
                return redirect("cards:list")
        status = 400
    return render(
        request,
        "orders/cash/cards.html",
        {
            "cards": selectors.cards_for(user=request.user),
            "form": form,
            "identity": verified_identity(user=request.user),
            "submitted_identity": identity_of(user=request.user),
            "test_cards": SANDBOX_CARDS if sandbox_in_use() else (),
        },
        status=status,
    )


@login_required
@require_POST
def card_default(request, pk):
    card = _card_or_404(request, pk)
    try:
        card = services.card_set_default(user=request.user, card=card)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("%(card)s is now your default card.") % {"card": card})
    return redirect("cards:list")


@login_required
def card_unbind(request, pk):
    """GET: what unbinding means, with a confirm button. POST: unbind."""
    card = _card_or_404(request, pk)
    status = 200
    error = ""
    if request.method == "POST":
        try:
            services.card_unbind(user=request.user, card=card)
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        else:
            messages.success(
                request, gettext("%(card)s is unbound: it can no longer be used.") % {"card": card}
            )
            return redirect("cards:list")
    return render(
        request,
        "orders/cash/card_unbind.html",
        {"card": card, "error": error, "others": selectors.cards_for(user=request.user)},
        status=status,
    )
