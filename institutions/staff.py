"""Platform staff pages (/staff/): the institution review queue and commission contracts."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from marketplace.permissions import StaffRequiredMixin, form_errors_from

from . import selectors
from .forms import CommissionContractForm, DecisionForm
from .models import INSTITUTION_TRANSITIONS, Institution, InstitutionStatus
from .services import applications, contracts

# Which buttons a status offers (the service refuses anything else anyway).
ACTIONS_BY_STATUS = {
    InstitutionStatus.APPLIED: ["approve", "reject"],
    InstitutionStatus.APPROVED: ["suspend"],
    InstitutionStatus.SUSPENDED: ["reinstate"],
    InstitutionStatus.REJECTED: [],
}
assert all(  # noqa: S101 - the two tables must agree
    {DecisionForm.ACTIONS[a] for a in actions} == INSTITUTION_TRANSITIONS[status]
    for status, actions in ACTIONS_BY_STATUS.items()
)


class InstitutionQueueView(StaffRequiredMixin, TemplateView):
    template_name = "staff/institutions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", InstitutionStatus.APPLIED)
        if status not in InstitutionStatus.values and status != "all":
            status = InstitutionStatus.APPLIED
        context["status"] = status
        context["statuses"] = InstitutionStatus.choices
        context["counts"] = selectors.institution_status_counts()
        context["counts_total"] = sum(context["counts"].values())
        context["institutions"] = selectors.institution_list_for_review(
            status=None if status == "all" else status
        )
        return context


class InstitutionReviewView(StaffRequiredMixin, TemplateView):
    template_name = "staff/institution_review.html"

    def get_institution(self) -> Institution:
        return get_object_or_404(
            Institution.objects.select_related("applicant"), slug=self.kwargs["slug"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institution = kwargs.get("institution") or self.get_institution()
        context["institution"] = institution
        context["history"] = selectors.institution_history(institution=institution)
        context["actions"] = ACTIONS_BY_STATUS[institution.status]
        context["action_buttons"] = [(a, DecisionForm.LABELS[a]) for a in context["actions"]]
        context["members"] = selectors.member_list_for_institution(institution=institution)
        context["contracts"] = selectors.commission_contract_list(institution=institution)
        context.setdefault(
            "form",
            DecisionForm(
                initial={
                    "granted_kinds": [
                        k for k in institution.requested_kinds if k not in institution.allowed_kinds
                    ]
                }
            ),
        )
        return context

    def post(self, request, slug):
        institution = self.get_institution()
        form = DecisionForm(request.POST)
        if form.is_valid():
            action = form.cleaned_data["action"]
            kwargs = {"institution": institution, "actor": request.user}
            kwargs["reason"] = form.cleaned_data["reason"]
            try:
                if action == "approve":
                    applications.institution_approve(
                        **kwargs, granted_kinds=form.cleaned_data["granted_kinds"]
                    )
                else:
                    getattr(applications, f"institution_{action}")(**kwargs)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                institution.refresh_from_db()
                messages.success(
                    request,
                    _("%(name)s is now %(status)s; the applicant will be e-mailed.")
                    % {
                        "name": institution.name,
                        "status": institution.get_status_display().lower(),
                    },
                )
                return redirect("staff:institution", slug=institution.slug)
        return self.render_to_response(
            self.get_context_data(institution=institution, form=form), status=400
        )


class CommissionContractsView(StaffRequiredMixin, TemplateView):
    template_name = "staff/contracts.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["contracts"] = selectors.commission_contract_list()
        context.setdefault(
            "form",
            CommissionContractForm(initial={"institution": self.request.GET.get("institution")}),
        )
        return context

    def post(self, request):
        form = CommissionContractForm(request.POST)
        if form.is_valid():
            try:
                contract = contracts.commission_contract_create(
                    actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(
                    request,
                    _("Contract for %(name)s (%(kind)s) in force from %(date)s.")
                    % {
                        "name": contract.institution.name,
                        "kind": contract.get_product_kind_display(),
                        "date": contract.valid_from.isoformat(),
                    },
                )
                return redirect("staff:contracts")
        return self.render_to_response(self.get_context_data(form=form), status=400)
