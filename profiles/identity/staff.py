"""Staff's review queue of identities the provider could not decide (/staff/identity/)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from marketplace.permissions import StaffRequiredMixin

from . import selectors, services
from .ages import age_on
from .forms import IdentityReviewForm
from .models import Identity, IdentityStatus


class IdentityQueueView(StaffRequiredMixin, View):
    template = "staff/identity_queue.html"

    def render_queue(self, request, *, errors=None, failed_pk=None, status=200):
        today = timezone.localdate()
        queue = [
            (identity, age_on(identity.date_of_birth, today))
            for identity in selectors.identities_in_review()[:200]
        ]
        return render(
            request,
            self.template,
            {"queue": queue, "errors": errors or [], "failed_pk": failed_pk},
            status=status,
        )

    def get(self, request):
        return self.render_queue(request)


class IdentityReviewView(IdentityQueueView):
    def post(self, request, pk):
        identity = get_object_or_404(Identity.objects.select_related("user"), pk=pk)
        form = IdentityReviewForm(request.POST)
        if not form.is_valid():
            errors = [
                _("Choose approve or reject.") if field == "action" else message
                for field, messages_ in form.errors.items()
                for message in messages_
            ]
            return self.render_queue(request, errors=errors, failed_pk=pk, status=400)
        approve = form.cleaned_data["action"] == "approve"
        try:
            services.identity_review(
                identity=identity,
                actor=request.user,
                approve=approve,
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            errors = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            return self.render_queue(request, errors=errors, failed_pk=pk, status=400)
        identity.refresh_from_db()
        if identity.status == IdentityStatus.VERIFIED:
            text = _("%(name)s's identity is verified.")
        else:
            text = _("%(name)s's identity is rejected.")
        messages.success(request, text % {"name": identity.legal_name})
        return redirect("staff_identity:queue")
