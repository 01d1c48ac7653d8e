"""The investor's trading pages: checkout (buy), sell, the order list and an order's page
with its cancel button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from marketplace.idempotency import ALREADY_USED, FIELD, claim_form_token
from marketplace.money import format_amount, format_cny
from marketplace.permissions import form_errors_from
from products.models import ProductKind
from products.selectors import TERMS_RELATED, catalogue_queryset, subscription_fee_estimate
from profiles.selectors import profile_of, suitability_for
from profiles.suitability import REFUSED_EXPIRED, REFUSED_NO_ASSESSMENT

from .. import selectors, services
from ..coupons import selectors as coupon_selectors
from ..coupons.selectors import NO_COUPON
from ..filters import InvestorOrderFilter
from ..forms import CheckoutForm, SellForm
from ..models import Order, OrderStatus, Side
from ..schedule import can_cancel, cancel_by, order_schedule


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
