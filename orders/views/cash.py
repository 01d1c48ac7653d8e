"""The investor's cash page (deposit, withdraw) and the sandbox gateway's callback with its
test-mode bank page."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.idempotency import ALREADY_USED, FIELD, MISSING, claim_form_token
from marketplace.money import format_cny
from marketplace.permissions import form_errors_from

from .. import services
from ..cash import selectors as card_selectors
from ..cash.gateway import (
    NO_GATEWAY,
    SIGNATURE_HEADER,
    SandboxGateway,
    active_gateway,
    sandbox_in_use,
    sign,
)
from ..forms import DepositForm, WithdrawalForm
from ..models import Payment, PaymentDirection, PaymentStatus

PAYOUT_REFUSED = _(
    "The payment provider refused the withdrawal: the money is back in your available cash."
)


def _cash_page(request, *, deposit_form=None, withdrawal_form=None, status=200):
    account = services.cash_account_for(user=request.user)
    return render(
        request,
        "orders/cash.html",
        {
            "account": account,
            "entries": account.entries.all()[:50],
            "payments": Payment.objects.filter(user=request.user).select_related("card")[:20],
            "cards": card_selectors.cards_for(user=request.user),
            # The checkout's "top up" link names the amount that is short.
            "deposit_form": deposit_form
            or DepositForm(
                initial={"amount": request.GET.get("amount", "")[:40]}, user=request.user
            ),
            "withdrawal_form": withdrawal_form or WithdrawalForm(user=request.user),
            "payments_unavailable": NO_GATEWAY if active_gateway() is None else "",
            "sandbox_in_use": sandbox_in_use(),
        },
        status=status,
    )


@login_required
def cash(request):
    return _cash_page(request)


def _once(request, form, *, form_name: str) -> HttpResponse | None:
    """Claim the form's one-time token; a repeat is answered without acting twice."""
    token = request.POST.get(FIELD)
    if claim_form_token(user_id=request.user.pk, token=token):
        return None
    if token:
        messages.info(request, ALREADY_USED)
        return redirect("orders:cash")
    form.add_error(None, MISSING)
    return _cash_page(request, **{form_name: form}, status=400)


@login_required
@require_POST
def deposit(request):
    form = DepositForm(request.POST, user=request.user)
    if form.is_valid() and (repeat := _once(request, form, form_name="deposit_form")):
        return repeat
    if form.is_valid():
        try:
            payment = services.deposit_start(user=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form_errors_from(form, exc)
        else:
            if payment.status == PaymentStatus.SUCCEEDED:
                messages.success(
                    request,
                    gettext("%(amount)s added to your cash.")
                    % {"amount": format_cny(payment.amount)},
                )
            elif payment.status == PaymentStatus.PENDING:
                messages.info(
                    request,
                    gettext(
                        "Transfer of %(amount)s started: your cash grows when the bank confirms it."
                    )
                    % {"amount": format_cny(payment.amount)},
                )
                return redirect("orders:sandbox-bank", reference=payment.provider_reference)
            else:
                messages.error(
                    request,
                    gettext("The payment was declined: %(reason)s")
                    % {"reason": payment.failure_reason},
                )
            return redirect("orders:cash")
    return _cash_page(request, deposit_form=form, status=400)


@login_required
@require_POST
def withdraw(request):
    form = WithdrawalForm(request.POST, user=request.user)
    if form.is_valid() and not form.trade_confirmed(user=request.user):
        return _cash_page(request, withdrawal_form=form, status=400)
    if form.is_valid() and (repeat := _once(request, form, form_name="withdrawal_form")):
        return repeat
    if form.is_valid():
        try:
            payment = services.withdrawal_request(user=request.user, **form.without_pin())
        except (ValidationError, PermissionDenied) as exc:
            form_errors_from(form, exc)
        else:
            if payment.status in (PaymentStatus.DECLINED, PaymentStatus.FAILED):
                messages.error(request, PAYOUT_REFUSED)
            else:
                messages.success(
                    request,
                    gettext("%(amount)s is on its way to %(card)s.")
                    % {"amount": format_cny(payment.amount), "card": payment.card},
                )
            return redirect("orders:cash")
    return _cash_page(request, withdrawal_form=form, status=400)


@csrf_exempt
@require_POST
def sandbox_callback(request):
    """The sandbox provider's server-to-server callback (HMAC-signed, idempotent)."""
    if not sandbox_in_use():
        raise Http404(gettext("The sandbox gateway is off"))
    try:
        payment, changed = services.payment_callback(
            body=request.body, signature=request.META.get(SIGNATURE_HEADER, "")
        )
    except PermissionDenied as exc:
        return JsonResponse({"detail": str(exc)}, status=403)
    except ValidationError as exc:
        return JsonResponse({"detail": exc.messages}, status=400)
    return JsonResponse({"status": payment.status, "changed": changed})


@login_required
def sandbox_bank(request, reference):
    """Test mode only: the 'bank' page where a late transfer is confirmed or fails, as a
    provider's test dashboard would. It sends the same signed callback a provider would."""
    payment = Payment.objects.filter(
        user=request.user,
        provider_reference=reference,
        direction=PaymentDirection.DEPOSIT,
        gateway=SandboxGateway.name,
    ).first()
    if not sandbox_in_use():
        payment = None
    if payment is None:
        raise Http404("No such transfer")
    if request.method == "POST" and payment.status == PaymentStatus.PENDING:
        outcome = "succeeded" if request.POST.get("outcome") == "succeeded" else "failed"
        body = json.dumps(
            {
                "provider_reference": reference,
                "status": outcome,
                "reason": "" if outcome == "succeeded" else "The bank reported that it failed.",
            }
        ).encode()
        services.payment_callback(body=body, signature=sign(body))
        payment.refresh_from_db()
        if payment.status == PaymentStatus.SUCCEEDED:
            messages.success(
                request,
                gettext("The bank confirmed the transfer: %(amount)s added.")
                % {"amount": format_cny(payment.amount)},
            )
        else:
            messages.error(request, gettext("The bank reported that the transfer failed."))
        return redirect("orders:cash")
    return render(request, "orders/sandbox_bank.html", {"payment": payment})
