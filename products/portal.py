"""Portal pages for an institution's listings, NAV and yield uploads and documents (articles and
curated lists: ``storefront_portal``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import TemplateView

from institutions.models import ProductKind
from institutions.tenancy import PortalMixin
from marketplace.permissions import form_errors_from

from . import selectors, services, yields
from .documents import missing_documents
from .fees import Tier
from .forms import (
    DocumentForm,
    NavUploadForm,
    ProductForm,
    ReasonForm,
    YieldUploadForm,
)
from .models import (
    REQUIRED_DOCUMENTS,
    DocumentKind,
    Product,
)


class ProductScopedMixin(PortalMixin):
    """A portal view about one of the institution's products (``<slug>`` in the URL)."""

    tenant_model = Product

    def get_product(self) -> Product:
        return get_object_or_404(
            self.scope(Product.objects.select_related("institution")), slug=self.kwargs["slug"]
        )


class ProductListView(PortalMixin, TemplateView):
    template_name = "portal/products/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["products"] = selectors.product_list_for_institution(
            institution=self.request.institution
        )
        context["kinds"] = [
            (k, ProductKind(k).label) for k in self.request.institution.allowed_kinds
        ]
        return context


class ProductCreateView(PortalMixin, View):
    template = "portal/products/form.html"

    def kind(self, request) -> str | None:
        kind = request.GET.get("kind") or request.POST.get("kind")
        return kind if kind in request.institution.allowed_kinds else None

    def get(self, request):
        kind = self.kind(request)
        if kind is None:
            return render(
                request,
                "portal/products/choose_kind.html",
                {
                    "institution": request.institution,
                    "membership": request.membership,
                    "kinds": [(k, ProductKind(k).label) for k in request.institution.allowed_kinds],
                },
            )
        return self.render(request, ProductForm(kind=kind), kind)

    def render(self, request, form, kind, status=200):
        return render(
            request,
            self.template,
            {
                "form": form,
                "kind": kind,
                "kind_label": ProductKind(kind).label,
                "institution": request.institution,
                "membership": request.membership,
            },
            status=status,
        )

    def post(self, request):
        kind = self.kind(request)
        if kind is None:
            messages.error(request, "Choose a kind of product your institution may list.")
            return redirect("portal_products:create")
        form = ProductForm(request.POST, kind=kind)
        if form.is_valid():
            parts = form.split()
            try:
                product = services.product_create(
                    institution=request.institution,
                    actor=request.user,
                    kind=kind,
                    terms=parts["terms"],
                    fee_tiers=parts["fee_tiers"],
                    **parts["product"],
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, f"{product.name} saved as a draft.")
                return redirect("portal_products:detail", slug=product.slug)
        return self.render(request, form, kind, status=400)


class ProductDetailView(ProductScopedMixin, TemplateView):
    template_name = "portal/products/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        product = self.get_product()
        have = {document.kind for document in product.documents.all()}
        context.update(
            product=product,
            terms=services.product_terms(product),
            tiers=selectors.fee_tiers_by_schedule(product=product),
            events=product.events.select_related("actor")[:30],
            revisions=product.revisions.select_related("submitted_by", "reviewed_by")[:10],
            documents=product.documents.all(),
            missing_documents=missing_documents(product=product),
            document_kinds=DocumentKind.choices,
            next_document_kind=next(
                (k for k in REQUIRED_DOCUMENTS[product.kind] if k not in have),
                DocumentKind.OTHER,
            ),
            nav_count=product.nav_prices.count(),
            close_form=ReasonForm(),
        )
        return context


class ProductEditView(ProductScopedMixin, View):
    template = "portal/products/form.html"

    def context(self, request, product, form):
        return {
            "form": form,
            "product": product,
            "kind": product.kind,
            "kind_label": product.get_kind_display(),
            "institution": request.institution,
            "membership": request.membership,
            "editing": True,
        }

    def get(self, request, slug):
        product = self.get_product()
        terms = services.product_terms(product)
        tiers = {
            schedule: [Tier.of(t) for t in rows]
            for schedule, rows in selectors.fee_tiers_by_schedule(product=product).items()
        }
        form = ProductForm(
            initial=ProductForm.initial_for(product, terms, tiers), kind=product.kind
        )
        return render(request, self.template, self.context(request, product, form))

    def post(self, request, slug):
        product = self.get_product()
        form = ProductForm(request.POST, kind=product.kind)
        if form.is_valid():
            parts = form.split()
            changes = dict(parts["product"])
            changes.pop("fund_type", None)
            changes.pop("code", None)
            try:
                result = services.product_update(
                    product=product,
                    actor=request.user,
                    changes=changes,
                    terms=parts["terms"],
                    fee_tiers=parts["fee_tiers"],
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                if result.revision:
                    messages.info(
                        request,
                        "Changes to fees, risk level or terms wait for staff review; "
                        "the product keeps its current terms until then.",
                    )
                if result.applied:
                    messages.success(request, "Saved.")
                if not result.applied and not result.revision:
                    messages.info(request, "Nothing changed.")
                return redirect("portal_products:detail", slug=product.slug)
        return render(request, self.template, self.context(request, product, form), status=400)


class ProductActionView(ProductScopedMixin, View):
    """POST-only moves: submit for review, withdraw from review, close."""

    def post(self, request, slug, action):
        product = self.get_product()
        try:
            if action == "submit":
                services.product_submit(product=product, actor=request.user)
                messages.success(request, "Submitted: platform staff will review it.")
            elif action == "withdraw":
                services.product_withdraw(product=product, actor=request.user)
                messages.success(request, "Withdrawn from review; it is a draft again.")
            elif action == "close":
                form = ReasonForm(request.POST)
                if not form.is_valid():
                    messages.error(request, "Give a reason for closing the product.")
                else:
                    services.product_close(
                        product=product, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.success(request, "Closed: it is no longer sold.")
            else:
                raise PermissionDenied("Unknown action")
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect("portal_products:detail", slug=product.slug)


class _PriceUploadView(ProductScopedMixin, View):
    """A CSV of daily prices, judged row by row: the form, the report and the latest rows."""

    template: str
    form_class: type[forms.Form]

    def latest(self, product):
        raise NotImplementedError

    def upload(self, *, product, actor, data: bytes):
        raise NotImplementedError

    def context(self, request, product, form, report=None):
        return {
            "product": product,
            "form": form,
            "report": report,
            "latest": self.latest(product)[:10],
            "institution": request.institution,
            "membership": request.membership,
        }

    def get(self, request, slug):
        product = self.get_product()
        return render(request, self.template, self.context(request, product, self.form_class()))

    def post(self, request, slug):
        product = self.get_product()
        form = self.form_class(request.POST, request.FILES)
        report = None
        if form.is_valid():
            try:
                data = form.cleaned_data["file"].read()
                report = self.upload(product=product, actor=request.user, data=data)
            except ValidationError as exc:
                form_errors_from(form, exc)
        status = 200 if report is not None else 400
        product.refresh_from_db()
        return render(
            request, self.template, self.context(request, product, form, report), status=status
        )


class NavUploadView(_PriceUploadView):
    template = "portal/products/nav_upload.html"
    form_class = NavUploadForm

    def latest(self, product):
        return product.nav_prices.order_by("-date")

    def upload(self, *, product, actor, data: bytes):
        rows = services.parse_nav_csv(data)
        return services.nav_upload(product=product, actor=actor, rows=rows)


class YieldUploadView(_PriceUploadView):
    """A money-market fund's daily yields (income per 10,000 units, 7-day yield) from a CSV."""

    template = "portal/products/yield_upload.html"
    form_class = YieldUploadForm

    def latest(self, product):
        return product.daily_yields.order_by("-date")

    def upload(self, *, product, actor, data: bytes):
        rows = yields.parse_yield_csv(data)
        return yields.yield_upload(product=product, actor=actor, rows=rows)


class DocumentUploadView(ProductScopedMixin, View):
    def post(self, request, slug):
        product = self.get_product()
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.document_add(product=product, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, "Document added.")
        else:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        return redirect("portal_products:detail", slug=product.slug)
