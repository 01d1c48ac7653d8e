"""Portal pages of distributions (``/portal/products/<slug>/distributions/``): the fund's
distributions and the declaration form. Tenant-scoped: another institution's fund is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views import View

from institutions.tenancy import PortalMixin
from marketplace.permissions import form_errors_from
from products.models import Product

from . import selectors
from .forms import DeclareForm
from .models import Distribution
from .services import declaration


class _FundMixin(PortalMixin):
    tenant_model = Product

    def get_product(self) -> Product:
        return get_object_or_404(
            self.scope(Product.objects.select_related("institution")), slug=self.kwargs["slug"]
        )

    def page(self, request, product, form, status=200):
        context = {
            "product": product,
            "form": form,
            "distributions": selectors.distributions_for_institution(
                institution=request.institution, product=product
            ),
            "institution": request.institution,
            "membership": request.membership,
        }
        return render(
            request, "orders/plans/distributions/portal_list.html", context, status=status
        )


class DistributionListView(_FundMixin, View):
    def get(self, request, slug):
        return self.page(request, self.get_product(), DeclareForm())


class DistributionDeclareView(_FundMixin, View):
    def get(self, request, slug):
        return self.page(request, self.get_product(), DeclareForm())

    def post(self, request, slug):
        product = self.get_product()
        form = DeclareForm(request.POST)
        if form.is_valid():
            try:
                declaration.distribution_declare(
                    institution=request.institution,
                    product=product,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except (ValidationError, PermissionDenied) as exc:
                form_errors_from(form, exc)
            else:
                messages.success(
                    request, gettext("The distribution is declared; staff review it next.")
                )
                return redirect("portal_distributions:list", slug=product.slug)
        return self.page(request, product, form, status=400)


class DistributionWithdrawView(_FundMixin, View):
    """POST: withdraw a declaration still waiting for review (the fund's own institution)."""

    def post(self, request, slug, pk):
        product = self.get_product()
        distribution = get_object_or_404(
            Distribution.objects.filter(product=product, institution=request.institution), pk=pk
        )
        try:
            declaration.distribution_withdraw(
                distribution=distribution, institution=request.institution, actor=request.user
            )
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                gettext("The declaration is withdrawn; its record date may be declared again."),
            )
        return redirect("portal_distributions:list", slug=product.slug)
