"""Staff pages: the platform's own coupons, paid by the platform, valid for any fund."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views.generic import TemplateView

from marketplace.permissions import StaffRequiredMixin, form_errors_from

from . import selectors, services
from .forms import CouponForm, GrantForm
from .models import Coupon, CouponStatus


class StaffCouponsView(StaffRequiredMixin, TemplateView):
    """List and create platform-paid coupons."""

    template_name = "staff/coupons.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", CouponForm(product_text=True))
        context["coupons"] = selectors._with_usage(selectors.coupon_list_for_platform())
        return context

    def post(self, request):
        form = CouponForm(request.POST, product_text=True)
        if form.is_valid():
            try:
                coupon = services.coupon_create(
                    institution=None, actor=request.user, **form.service_values()
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(
                    request, gettext("Platform coupon %(coupon)s created.") % {"coupon": coupon}
                )
                return redirect("staff_coupons:detail", pk=coupon.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class StaffCouponDetailView(StaffRequiredMixin, TemplateView):
    template_name = "staff/coupon.html"

    def _coupon(self):
        return get_object_or_404(
            selectors._with_usage(selectors.coupon_list_for_platform()), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        coupon = self._coupon()
        context.update(
            coupon=coupon,
            totals=selectors.coupon_redemption_totals(coupon_id=coupon.pk),
            grant_form=kwargs.get("grant_form") or GrantForm(),
            statuses=CouponStatus,
        )
        return context

    def post(self, request, pk):
        coupon = get_object_or_404(Coupon.objects.filter(institution__isnull=True), pk=pk)
        grant_form = None
        try:
            if "status" in request.POST:
                services.coupon_set_status(
                    coupon=coupon, actor=request.user, status=request.POST["status"]
                )
            else:
                grant_form = GrantForm(request.POST)
                if not grant_form.is_valid():
                    raise ValidationError(grant_form.errors.get("emails", ["?"])[0])
                services.coupon_grant_by_emails(
                    coupon=coupon, emails=grant_form.cleaned_data["emails"], actor=request.user
                )
        except ValidationError as exc:
            if grant_form is not None:
                form_errors_from(grant_form, exc)
                return self.render_to_response(
                    self.get_context_data(grant_form=grant_form), status=400
                )
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, gettext("Saved."))
        return redirect("staff_coupons:detail", pk=pk)
