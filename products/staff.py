"""Staff review of product listings and of changes to published products."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from marketplace.permissions import StaffRequiredMixin, form_errors_from

from . import report_selectors, selectors, services
from .documents import missing_documents
from .forms import ReasonForm, StaffNavUploadForm
from .marketing import marketing_violations
from .models import FundReport, Product, ProductRevision, ProductStatus, RevisionStatus
from .services import reports as report_services


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


class DecisionMixin:
    """Approve or reject with a reason (``action`` = approve | reject), then back to the queue;
    a missing reason or a refused move shows the page again with the error."""

    def decide(self, request, *, obj, context_name, approve, reject, approved, rejected):
        form = ReasonForm(request.POST)
        action = request.POST.get("action")
        if form.is_valid() and action in ("approve", "reject"):
            try:
                (approve if action == "approve" else reject)(form.cleaned_data["reason"])
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, approved if action == "approve" else rejected)
                return redirect("staff_products:queue")
        return self.render_to_response(
            self.get_context_data(**{context_name: obj, "form": form}), status=400
        )


class ProductReviewView(DecisionMixin, StaffRequiredMixin, TemplateView):
    template_name = "staff/product_review.html"

    def get_product(self) -> Product:
        return get_object_or_404(
            Product.objects.select_related("institution", *selectors.TERMS_RELATED),
            slug=self.kwargs["slug"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product = kwargs.get("product") or self.get_product()
        context.update(
            product=product,
            terms=services.product_terms(product),
            tiers=selectors.fee_tiers_by_schedule(product=product),
            events=product.events.select_related("actor")[:30],
            revisions=product.revisions.filter(status=RevisionStatus.PENDING).select_related(
                "submitted_by"
            ),
            can_decide=product.status == ProductStatus.IN_REVIEW,
            marketing=marketing_violations(product.description),
            missing_documents=missing_documents(product=product),
        )
        context.setdefault("form", ReasonForm())
        return context

    def post(self, request, slug):
        product = self.get_product()
        return self.decide(
            request,
            obj=product,
            context_name="product",
            approve=lambda reason: services.product_approve(
                product=product, actor=request.user, reason=reason
            ),
            reject=lambda reason: services.product_reject(
                product=product, actor=request.user, reason=reason
            ),
            approved=f"{product.name} is published.",
            rejected=f"{product.name} went back to the institution.",
        )


class RevisionReviewView(DecisionMixin, StaffRequiredMixin, TemplateView):
    template_name = "staff/revision_review.html"

    def get_revision(self) -> ProductRevision:
        return get_object_or_404(
            ProductRevision.objects.select_related(
                "product", "product__institution", "submitted_by"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["revision"] = kwargs.get("revision") or self.get_revision()
        context.setdefault("form", ReasonForm())
        return context

    def post(self, request, pk):
        revision = self.get_revision()
        return self.decide(
            request,
            obj=revision,
            context_name="revision",
            approve=lambda reason: services.revision_approve(
                revision=revision, actor=request.user, reason=reason
            ),
            reject=lambda reason: services.revision_reject(
                revision=revision, actor=request.user, reason=reason
            ),
            approved="Change approved and applied.",
            rejected="Change rejected.",
        )


class ReportReviewView(DecisionMixin, StaffRequiredMixin, TemplateView):
    """A fund's periodic report beside the one the fund page shows now: approve or reject."""

    template_name = "staff/report_review.html"

    def get_report(self) -> FundReport:
        try:
            return report_selectors.report_for_review(pk=self.kwargs["pk"])
        except FundReport.DoesNotExist as exc:
            raise Http404("No such report") from exc

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = kwargs.get("report") or self.get_report()
        context["report"] = report
        context["current"] = report_selectors.current_report(product=report.product)
        context.setdefault("form", ReasonForm())
        return context

    def post(self, request, pk):
        report = self.get_report()
        return self.decide(
            request,
            obj=report,
            context_name="report",
            approve=lambda reason: report_services.fund_report_approve(
                report=report, actor=request.user, reason=reason
            ),
            reject=lambda reason: report_services.fund_report_reject(
                report=report, actor=request.user, reason=reason
            ),
            approved=_("Report approved: the fund page shows it now."),
            rejected=_("Report sent back to the institution."),
        )


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
