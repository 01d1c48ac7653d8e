"""The investor's identity page (/me/identity/): the form until it is verified, the status
and the last four characters of the number after; the sandbox's test numbers in test mode."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters

from marketplace.permissions import form_errors_from

from . import providers, selectors, services
from .ages import ELDERLY_WARNING
from .countries import COUNTRIES
from .forms import IdentityForm
from .models import IdentityStatus

OUTCOME_MESSAGES = {
    IdentityStatus.VERIFIED: _("Your identity is verified: you can top up and invest."),
    IdentityStatus.REVIEW: _(
        "Thank you: a person at Fortune Market checks your document, usually within one working "
        "day. We tell you the outcome here."
    ),
    IdentityStatus.REJECTED: _("Your identity could not be verified. See why below and try again."),
}


# An error report (a 500's e-mail, the debug page) never shows the number.
@method_decorator(sensitive_post_parameters("document_number"), name="dispatch")
class IdentityView(LoginRequiredMixin, View):
    template = "profiles/identity/identity.html"

    def context(self, request, form):
        identity = selectors.identity_of(user=request.user)
        can_submit = identity is None or identity.status == IdentityStatus.REJECTED
        return {
            "identity": identity,
            "nationality_name": COUNTRIES.get(identity.nationality, "") if identity else "",
            "form": form if can_submit else None,
            # A refusal of an identity that takes no submission (being checked, or verified):
            # the form is not shown, so its errors are, on their own.
            "refusal": []
            if can_submit or not form.is_bound
            else [error for errors in form.errors.values() for error in errors],
            "provider_missing": providers.active_provider() is None,
            "no_provider": providers.NO_PROVIDER,
            "test_numbers": providers.sandbox_test_numbers() if providers.sandbox_in_use() else [],
            "elderly": selectors.is_elderly(user=request.user),
            "elderly_warning": ELDERLY_WARNING,
        }

    def get(self, request):
        identity = selectors.identity_of(user=request.user)
        initial = {}
        if identity is not None and identity.status == IdentityStatus.REJECTED:
            # Resubmitting: the name and type as sent (the number was erased on refusal).
            initial = {"legal_name": identity.legal_name, "document_type": identity.document_type}
        return render(request, self.template, self.context(request, IdentityForm(initial=initial)))

    def post(self, request):
        form = IdentityForm(request.POST)
        if form.is_valid():
            try:
                identity = services.identity_submit(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                level = messages.SUCCESS if identity.is_verified else messages.INFO
                messages.add_message(request, level, OUTCOME_MESSAGES[identity.status])
                return redirect("profiles:identity")
        return render(request, self.template, self.context(request, form), status=400)
