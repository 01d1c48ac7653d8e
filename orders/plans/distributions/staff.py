"""Staff review of distributions (``/staff/distributions/``): approve, or reject with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views import View

from marketplace.permissions import StaffRequiredMixin, form_errors_from

from . import selectors
from .forms import ReviewForm
from .models import Distribution, DistributionStatus
from .services import declaration


class QueueView(StaffRequiredMixin, View):
    def get(self, request):
        return render(
            request,
            "orders/plans/distributions/staff_queue.html",
            {"pending": selectors.review_queue(), "recent": selectors.recently_reviewed()},
        )


class ReviewView(StaffRequiredMixin, View):
    def get_distribution(self, pk: int) -> Distribution:
        try:
            return selectors.distribution_for_review(pk=pk)
        except Distribution.DoesNotExist as exc:
            raise Http404 from exc

    def page(self, request, distribution, form, status=200):
        context = {
            "distribution": distribution,
            "form": form,
            "events": distribution.events.select_related("actor"),
            "can_decide": distribution.status == DistributionStatus.PENDING_REVIEW,
        }
        return render(
            request, "orders/plans/distributions/staff_review.html", context, status=status
        )

    def get(self, request, pk):
        return self.page(request, self.get_distribution(pk), ReviewForm())

    def post(self, request, pk):
        distribution = self.get_distribution(pk)
        form = ReviewForm(request.POST)
        if form.is_valid():
            action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
            try:
                if action == "approve":
                    declaration.distribution_approve(
                        distribution=distribution, actor=request.user, reason=reason
                    )
                else:
                    declaration.distribution_reject(
                        distribution=distribution, actor=request.user, reason=reason
                    )
            except (ValidationError, PermissionDenied) as exc:
                form_errors_from(form, exc)
            else:
                messages.success(
                    request,
                    gettext("Approved: it is paid on its pay date.")
                    if action == "approve"
                    else gettext("Rejected: the institution reads your reason."),
                )
                return redirect("staff_distributions:queue")
        return self.page(request, distribution, form, status=400)
