"""The investor's pages: cash, checkout, selling, orders, portfolio; and the sandbox gateway's
callback with its test-mode bank page."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace.idempotency import ALREADY_USED, FIELD, MISSING, claim_form_token
from marketplace.money import format_amount, format_cny
from marketplace.permissions import form_errors_from
from products.models import ProductKind
from products.selectors import TERMS_RELATED, catalogue_queryset, subscription_fee_estimate
from profiles.selectors import profile_of, suitability_for
from profiles.suitability import REFUSED_EXPIRED, REFUSED_NO_ASSESSMENT

from . import selectors, services
from .cash import selectors as card_selectors
from .cash.gateway import (
    NO_GATEWAY,
    SIGNATURE_HEADER,
    SandboxGateway,
    active_gateway,
    sandbox_in_use,
    sign,
)
from .coupons import selectors as coupon_selectors
from .coupons.selectors import NO_COUPON
from .filters import InvestorOrderFilter
from .forms import CheckoutForm, DepositForm, SellForm, WithdrawalForm
from .insight.views import returns_context
from .models import Order, OrderStatus, Payment, PaymentDirection, PaymentStatus, Side
from .schedule import can_cancel, cancel_by, order_schedule

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


# --- checkout and the investor's orders ---------------------------------------------------


def _review_or_place(request, form, *, product, side, success, extra=lambda data: {}):
    """The checkout's and the sell page's one flow: a GET with the amount (or units) runs the
    order service's checks for the review; a POST checks the trade PIN, claims the form's
    one-time token and places the order through the same service as the API.

    Returns ``(amount or units once valid, a response to return at once or None, status)``.
    """
    field = "amount" if side == Side.BUY else "units"
    post = request.method == "POST"
    if not post and field not in request.GET:
        return None, None, 200
    if not form.is_valid():
        return None, None, 400 if post else 200
    try:
        quantity, _ = services.order_check(
            user=request.user,
            product=product,
            side=side,
            acknowledge_risk=None,
            **{field: form.cleaned_data[field]},
        )
    except (ValidationError, PermissionDenied) as exc:
        form_errors_from(form, exc)
        return None, None, 400 if post else 200
    if not post:
        return quantity, None, 200
    if not form.trade_confirmed(user=request.user):
        return quantity, None, 400
    if not claim_form_token(user_id=request.user.pk, token=request.POST.get(FIELD)):
        messages.info(request, ALREADY_USED)
        return quantity, redirect("orders:list"), 302
    try:
        order, _ = services.order_place(
            user=request.user,
            product=product,
            side=side,
            **{field: quantity},
            **extra(form.cleaned_data),
        )
    except (ValidationError, PermissionDenied) as exc:
        form_errors_from(form, exc)
        return quantity, None, 400
    messages.success(request, success(order))
    return quantity, redirect("orders:detail", pk=order.pk), 302


def _reviewing(form, quantity) -> bool:
    """The review (and its confirm form) stays up when only the trade PIN was refused."""
    return quantity is not None and not set(form.errors) - {"trade_pin"}


@login_required
def checkout(request, slug):
    """Buy a product: enter an amount, review the fee and the dates, confirm.

    GET with ``amount`` shows the review (trade date, expected confirmation, estimated fee);
    POST places the order through the same service as the API.
    """
    product = get_object_or_404(catalogue_queryset().select_related(*TERMS_RELATED), slug=slug)
    profile = profile_of(user=request.user)
    suitability = suitability_for(profile=profile, product_risk=product.risk_level)
    if suitability.refused:
        services.purchase_refusal_record(
            user=request.user, product=product, reason=suitability.reason
        )
    schedule = order_schedule(side=Side.BUY, now=timezone.now())
    form = CheckoutForm(request.POST if request.method == "POST" else request.GET or None)
    amount, done, status = _review_or_place(
        request,
        form,
        product=product,
        side=Side.BUY,
        extra=lambda data: {
            "acknowledge_risk": data["acknowledge_risk"],
            "coupon": "" if data["coupon"].lower() == NO_COUPON else data["coupon"],
        },
        success=lambda order: (
            gettext("Order placed: %(amount)s of %(product)s, trading on %(date)s.")
            % {
                "amount": format_cny(order.amount),
                "product": product.name,
                "date": f"{order.trade_date:%Y-%m-%d}",
            }
        ),
    )
    if done is not None:
        return done
    estimate = subscription_fee_estimate(product=product, amount=amount) if amount else None
    chosen, options = None, []
    if amount is not None and product.kind == ProductKind.FUND:
        data = request.POST if request.method == "POST" else request.GET
        chosen, options = coupon_selectors.coupon_for_checkout(
            user=request.user,
            product=product,
            amount=amount,
            band=services.kept_band(services.agreed_terms(product=product, amount=amount)),
            reference=(data.get("coupon_code") or "").strip() or data.get("coupon"),
        )
    return render(
        request,
        "orders/checkout.html",
        {
            "product": product,
            "suitability": suitability,
            # Which way out of a refusal: by the reason itself, so it works in any language.
            "needs_assessment": str(suitability.reason)
            in {str(REFUSED_NO_ASSESSMENT), str(REFUSED_EXPIRED)},
            "profile": profile,
            "form": form,
            "reviewing": _reviewing(form, amount),
            "estimate": estimate,
            "coupon": chosen,
            "coupon_options": options,
            "discounted_net": amount - chosen.quote.fee if chosen and chosen.applies else None,
            "trade_date": schedule.trade_date,
            "expected_confirm_date": schedule.expected_confirm_date,
            "cutoff": schedule.cancel_by,
            "cash": services.cash_account_for(user=request.user),
            "cash_short": selectors.cash_shortfall(user=request.user, amount=amount),
        },
        status=status,
    )


ORDER_FILTERS = {
    name: list(InvestorOrderFilter.base_filters[name].extra["choices"])
    for name in ("status", "side", "kind")
}


@login_required
def order_list(request):
    """The investor's orders; a filter value that is not one of the choices is shown as an
    error (400) rather than ignored."""
    try:
        orders = selectors.order_history(user=request.user, params=request.GET)[:200]
        errors, status = {}, 200
    except ValidationError as exc:
        orders, errors, status = [], exc.message_dict, 400
    return render(
        request,
        "orders/order_list.html",
        {
            "orders": orders,
            "filters": ORDER_FILTERS,
            "filter_errors": errors,
            "selected": {key: request.GET.get(key, "") for key in ORDER_FILTERS},
        },
        status=status,
    )


@login_required
def order_detail(request, pk):
    order = get_object_or_404(
        Order.objects.filter(user=request.user).select_related(
            "product", "product__institution", "switch__from_product", "switch__to_product"
        ),
        pk=pk,
    )
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "events": order.events.select_related("actor"),
            "movements": order.lot_movements.select_related("lot"),
            "cancellable": can_cancel(order=order, now=timezone.now()),
            "cutoff": cancel_by(order),
        },
    )


@login_required
def portfolio(request):
    return render(
        request,
        "orders/portfolio.html",
        {"portfolio": selectors.portfolio_for(user=request.user), **returns_context(request)},
    )


@login_required
def sell(request, slug):
    """Sell (redeem, withdraw early, cancel a policy): enter units, review, confirm.

    GET with ``units`` shows the review (trade date, estimated proceeds lot by lot at the latest
    price); POST places the order through the same service as the API.
    """
    position = selectors.position_of(user=request.user, product_slug=slug)
    if position is None:
        raise Http404("You do not hold this product.")
    product = position.product
    now = timezone.now()
    today = timezone.localdate(now)
    instant_left = services.instant_allowance(user=request.user, product=product, on_date=today)
    form = SellForm(request.POST if request.method == "POST" else request.GET or None)
    units, done, status = _review_or_place(
        request, form, product=product, side=Side.SELL, success=_sold_message
    )
    if done is not None:
        return done
    estimate = None
    instant = units is not None and units <= instant_left
    schedule = order_schedule(side=Side.SELL, now=now, instant=instant)
    if units is not None:
        estimate = selectors.sale_estimate(
            position=position, units=units, trade_date=schedule.trade_date
        )
    return render(
        request,
        "orders/sell.html",
        {
            "position": position,
            "product": product,
            "form": form,
            "reviewing": _reviewing(form, units),
            "estimate": estimate,
            "units": units,
            "instant": instant,
            "instant_left": instant_left if product.is_money_market else None,
            "sellable": position.sellable,
            "trade_date": schedule.trade_date,
            "expected_confirm_date": schedule.expected_confirm_date,
            "cutoff": schedule.cancel_by,
        },
        status=status,
    )


def _sold_message(order: Order) -> str:
    if order.status == OrderStatus.SETTLED:
        return gettext("Redeemed instantly: %(amount)s is in your cash.") % {
            "amount": format_cny(order.amount)
        }
    return gettext("Sell order placed: %(units)s of %(product)s, trading on %(date)s.") % {
        "units": format_amount(order.units, 2),
        "product": order.product.name,
        "date": f"{order.trade_date:%Y-%m-%d}",
    }


@login_required
@require_POST
def order_cancel(request, pk):
    order = get_object_or_404(Order.objects.filter(user=request.user), pk=pk)
    try:
        services.order_cancel(order=order, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            gettext("Order cancelled: %(amount)s is back in your cash.")
            % {"amount": format_cny(order.amount)}
            if order.side == Side.BUY
            else gettext("Order cancelled: your %(units)s units are available again.")
            % {"units": format_amount(order.units, 2)},
        )
    return redirect("orders:detail", pk=order.pk)
