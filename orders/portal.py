"""Portal pages that combine orders with profiles: audience insight (customers in issue 5)."""

from django.views.generic import TemplateView

from institutions.tenancy import PortalMixin

from . import selectors
from .audience import THRESHOLD


class AudienceView(PortalMixin, TemplateView):
    template_name = "portal/audience.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = self.request.GET.get("rows", "risk_level")
        cols = self.request.GET.get("cols", "age_cohort")
        error = ""
        try:
            report = selectors.audience_report(
                institution=self.request.institution, rows_dim=rows, cols_dim=cols
            )
        except ValueError as exc:
            error = str(exc)
            rows, cols = "risk_level", "age_cohort"
            report = selectors.audience_report(
                institution=self.request.institution, rows_dim=rows, cols_dim=cols
            )
        context.update(
            report=report,
            error=error,
            dimensions=[(key, label) for key, (label, _) in selectors.DIMENSIONS.items()],
            rows_dim=rows,
            cols_dim=cols,
            threshold=THRESHOLD,
        )
        return context
