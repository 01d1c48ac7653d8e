"""Portal pages for an institution's coupons (admins and editors change; analysts look)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext, ngettext
from django.views.generic import TemplateView

from institutions.tenancy import PortalMixin
from marketplace.permissions import form_errors_from
from products.models import Product, ProductKind

from . import selectors, services
from .forms import CouponForm, GrantForm
from .models import Coupon, CouponStatus


def _fund_choices(institution):
    return [
        (p.slug, p.name)
        for p in Product.objects.filter(institution=institution, kind=ProductKind.FUND)
        .exclude(fund_type="money_market")
        .order_by("name")
    ]


class CouponsView(PortalMixin, TemplateView):
    template_name = "portal/coupons/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["coupons"] = selectors._with_usage(
            selectors.coupon_list_for_institution(institution=self.request.institution)
        )
        context["current"] = "coupons"
        return context


class CouponFormView(PortalMixin, TemplateView):
    """New coupon (no ``pk``) or edit of an unredeemed one."""

    template_name = "portal/coupons/form.html"
    tenant_model = Coupon

    def coupon(self):
        pk = self.kwargs.get("pk")
        return None if pk is None else get_object_or_404(self.scope(Coupon.objects), pk=pk)

    def _form(self, coupon, data=None):
        initial = {}
        if coupon is not None:
            initial = {f: getattr(coupon, f) for f in services.EDITABLE}
            initial["kind"] = coupon.kind
            initial["products"] = [p.slug for p in coupon.products.all()]
        return CouponForm(
            data, initial=initial, product_choices=_fund_choices(self.request.institution)
        )

    def get(self, request, *args, **kwargs):
        coupon = self.coupon()
        return self.render_to_response(
            self.get_context_data(form=self._form(coupon), coupon=coupon)
        )

    def post(self, request, *args, **kwargs):
        coupon = self.coupon()
        form = self._form(coupon, request.POST)
        if form.is_valid():
            values = form.service_values()
            try:
                if coupon is None:
                    coupon = services.coupon_create(
                        institution=request.institution, actor=request.user, **values
                    )
                else:
                    values.pop("kind")
                    coupon = services.coupon_update(coupon=coupon, actor=request.user, **values)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, gettext("Coupon %(coupon)s saved.") % {"coupon": coupon})
                return redirect("portal_coupons:detail", pk=coupon.pk)
        context = self.get_context_data(form=form, coupon=coupon)
        return self.render_to_response(context, status=400)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["current"] = "coupons"
        return context


class CouponDetailView(PortalMixin, TemplateView):
    template_name = "portal/coupons/detail.html"
    tenant_model = Coupon

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        coupon = get_object_or_404(
            selectors._with_usage(self.scope(Coupon.objects)), pk=self.kwargs["pk"]
        )
        context.update(
            coupon=coupon,
            totals=selectors.coupon_redemption_totals(coupon_id=coupon.pk),
            grant_form=kwargs.get("grant_form") or GrantForm(),
            editable=not coupon.redemptions.exists(),
            current="coupons",
            statuses=CouponStatus,
        )
        return context


class CouponStatusView(PortalMixin, TemplateView):
    tenant_model = Coupon
    http_method_names = ["post"]

    def post(self, request, pk):
        coupon = get_object_or_404(self.scope(Coupon.objects), pk=pk)
        try:
            services.coupon_set_status(
                coupon=coupon, actor=request.user, status=request.POST.get("status", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, gettext("Status changed."))
        return redirect("portal_coupons:detail", pk=pk)


class CouponGrantView(CouponDetailView):
    http_method_names = ["post"]

    def post(self, request, pk):
        coupon = get_object_or_404(self.scope(Coupon.objects), pk=pk)
        form = GrantForm(request.POST)
        if form.is_valid():
            try:
                n = services.coupon_grant_by_emails(
                    coupon=coupon, emails=form.cleaned_data["emails"], actor=request.user
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Granted to %(count)s new investor(s).",
                        "Granted to %(count)s new investor(s).",
                        n,
                    )
                    % {"count": n},
                )
                return redirect("portal_coupons:detail", pk=pk)
        return self.render_to_response(self.get_context_data(grant_form=form), status=400)
