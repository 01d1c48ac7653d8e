"""The watchlist page (``/me/watchlist/``) and its forms: watch / stop watching from any
product card or page, and set or remove an alert. Thin: parse, call one service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from marketplace.permissions import form_errors_from

from . import watch
from .models import Alert, AlertKind
from .watch_forms import AlertForm


def _back(request, default: str):
    """Where the button was pressed (a path of this site), else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _page(request, *, failed: AlertForm | None = None, status: int = 200):
    items = list(watch.watchlist_of(user=request.user))
    rows = []
    for item in items:
        follows_nav = watch.follows_nav(product=item.product)
        if failed is not None and failed.data.get("product") == item.product.slug:
            form = failed
        else:
            kind = AlertKind.NAV_ABOVE if follows_nav else AlertKind.ANNOUNCEMENT
            form = AlertForm(
                initial={"product": item.product.slug, "kind": kind},
                auto_id=f"id_%s_{item.product.slug}",
                follows_nav=follows_nav,
            )
        rows.append((item, form))
    context = {
        "rows": rows,
        "max_alerts": watch.MAX_ALERTS,
        "alert_count": sum(len(item.alerts.all()) for item in items),
    }
    return render(request, "orders/watchlist.html", context, status=status)


@login_required
def watchlist(request):
    return _page(request)


@login_required
@require_POST
def watch_add(request, slug: str):
    product = watch.watchable_product(slug=slug)
    if product is None:
        raise Http404
    try:
        _item, created = watch.watch_add(user=request.user, product=product)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if created:
            messages.success(
                request,
                gettext("%(product)s is on your watchlist.") % {"product": product.name},
            )
    return _back(request, reverse("products:detail", args=[slug]))


@login_required
@require_POST
def watch_remove(request, slug: str):
    if watch.watch_remove(user=request.user, ref=slug):
        messages.success(request, gettext("Removed from your watchlist."))
    return _back(request, reverse("watch:list"))


@login_required
@require_POST
def alert_add(request):
    form = AlertForm(request.POST, auto_id=f"id_%s_{request.POST.get('product', '')}")
    if form.is_valid():
        data = form.cleaned_data
        product = watch.watchable_product(slug=data["product"])
        if product is None:
            raise Http404
        try:
            _alert, created = watch.alert_create(
                user=request.user,
                product=product,
                kind=data["kind"],
                threshold=data["threshold"],
            )
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            if created:
                messages.success(request, gettext("Alert set."))
            else:
                messages.info(request, gettext("You already have this alert."))
            return redirect(reverse("watch:list") + f"#watch-{product.slug}")
    if (
        not watch.watchlist_of(user=request.user)
        .filter(product__slug=form.data.get("product", ""))
        .exists()
    ):
        raise Http404
    return _page(request, failed=form, status=400)


@login_required
@require_POST
def alert_remove(request, pk: int):
    try:
        slug = watch.alert_of(user=request.user, pk=pk).item.product.slug
        watch.alert_delete(user=request.user, pk=pk)
    except Alert.DoesNotExist as exc:  # another investor's alert does not exist here
        raise Http404 from exc
    messages.success(request, gettext("Alert removed."))
    return redirect(reverse("watch:list") + f"#watch-{slug}")
