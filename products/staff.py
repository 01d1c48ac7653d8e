"""Staff review of product listings and of changes to published products."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from marketplace.permissions import StaffRequiredMixin, form_errors_from

from . import report_selectors, selectors, services
from .documents import missing_documents
from .forms import ReasonForm, StaffNavUploadForm
from .marketing import marketing_violations
from .models import FundReport, Product, ProductRevision, ProductStatus, RevisionStatus
from .services import reports as report_services

# What staff read after a decision.
PRODUCT_PUBLISHED = _("{name} is published.")
PRODUCT_SENT_BACK = _("{name} went back to the institution.")
CHANGE_APPLIED = _("Change approved and applied.")
CHANGE_REJECTED = _("Change rejected.")
REPORT_APPROVED = _("Report approved: the fund page shows it now.")
REPORT_SENT_BACK = _("Report sent back to the institution.")


class ProductQueueView(StaffRequiredMixin, TemplateView):
    template_name = "staff/products.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.review_queue())
        context["reports"] = report_selectors.reports_waiting_review()
        context["recent"] = (
            Product.objects.filter(status=ProductStatus.PUBLISHED)
            .select_related("institution")
            .order_by("-published_at")[:10]
        )
        return context


class DecisionView(StaffRequiredMixin, TemplateView):
    """The page of one item under review (a listing, a change to a published product, a periodic
    report): approve or reject it with a reason (``action`` = approve | reject) through the
    item's own services, then back to the queue; a missing reason or a refused move shows the
    page again with the error (400)."""

    item_name: str  # the item's name in the template and the services' keyword argument
    decisions: dict[str, Callable[..., object]]  # action -> service(item_name=, actor=, reason=)

    def get_item(self):
        raise NotImplementedError

    def decided(self, item, action: str) -> str:
        """The message after ``action`` succeeded."""
        raise NotImplementedError

    def item_context(self, item) -> dict:
        """What the page shows beside the item and the reason form."""
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = kwargs.get(self.item_name) or self.get_item()
        context[self.item_name] = item
        context.update(self.item_context(item))
        context.setdefault("form", ReasonForm())
        return context

    def post(self, request, **kwargs):
        item = self.get_item()
        form = ReasonForm(request.POST)
        action = request.POST.get("action")
        if form.is_valid() and action in self.decisions:
            try:
                self.decisions[action](
                    **{self.item_name: item},
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, self.decided(item, action))
                return redirect("staff_products:queue")
        return self.render_to_response(
            self.get_context_data(**{self.item_name: item, "form": form}), status=400
        )


class ProductReviewView(DecisionView):
    template_name = "staff/product_review.html"
    item_name = "product"
    decisions = {"approve": services.product_approve, "reject": services.product_reject}

    def get_item(self) -> Product:
        return get_object_or_404(
            Product.objects.select_related("institution", *selectors.TERMS_RELATED),
            slug=self.kwargs["slug"],
        )

    def decided(self, item, action):
        message = PRODUCT_PUBLISHED if action == "approve" else PRODUCT_SENT_BACK
        return message.format(name=item.name)

    def item_context(self, item):
        return {
            "terms": services.product_terms(item),
            "tiers": selectors.fee_tiers_by_schedule(product=item),
            "events": item.events.select_related("actor")[:30],
            "revisions": item.revisions.filter(status=RevisionStatus.PENDING).select_related(
                "submitted_by"
            ),
            "can_decide": item.status == ProductStatus.IN_REVIEW,
            "marketing": marketing_violations(item.description),
            "missing_documents": missing_documents(product=item),
        }


class RevisionReviewView(DecisionView):
    template_name = "staff/revision_review.html"
    item_name = "revision"
    decisions = {"approve": services.revision_approve, "reject": services.revision_reject}

    def get_item(self) -> ProductRevision:
        return get_object_or_404(
            ProductRevision.objects.select_related(
                "product", "product__institution", "submitted_by"
            ),
            pk=self.kwargs["pk"],
        )

    def decided(self, item, action):
        return str(CHANGE_APPLIED if action == "approve" else CHANGE_REJECTED)


class ReportReviewView(DecisionView):
    """A fund's periodic report beside the one the fund page shows now: approve or reject."""

    template_name = "staff/report_review.html"
    item_name = "report"
    decisions = {
        "approve": report_services.fund_report_approve,
        "reject": report_services.fund_report_reject,
    }

    def get_item(self) -> FundReport:
        try:
            return report_selectors.report_for_review(pk=self.kwargs["pk"])
        except FundReport.DoesNotExist as exc:
            raise Http404("No such report") from exc

    def decided(self, item, action):
        return str(REPORT_APPROVED if action == "approve" else REPORT_SENT_BACK)

    def item_context(self, item):
        return {"current": report_selectors.current_report(product=item.product)}


class StaffNavUploadView(StaffRequiredMixin, View):
    """Staff publish a fund's NAV through the same upload service as the institution (for a
    suspended institution, so that its investors' orders settle); a reason is required."""

    template = "staff/nav_upload.html"

    def get_product(self) -> Product:
        return get_object_or_404(
            Product.objects.select_related("institution"), slug=self.kwargs["slug"], kind="fund"
        )

    def render_page(self, request, product, form, report=None, status=200):
        latest = product.nav_prices.order_by("-date")[:10]
        context = {"product": product, "form": form, "report": report, "latest": latest}
        return render(request, self.template, context, status=status)

    def get(self, request, slug):
        return self.render_page(request, self.get_product(), StaffNavUploadForm())

    def post(self, request, slug):
        product = self.get_product()
        form = StaffNavUploadForm(request.POST, request.FILES)
        report = None
        if form.is_valid():
            try:
                rows = services.parse_nav_csv(form.cleaned_data["file"].read())
                report = services.nav_upload(
                    product=product,
                    actor=request.user,
                    rows=rows,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
        product.refresh_from_db()
        return self.render_page(
            request, product, form, report, status=200 if report is not None else 400
        )
