"""Portal pages for a fund's periodic report: fill it in by form or upload one CSV, submit it,
see its status and the reviewer's reason; download the CSV template."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from institutions.models import ProductKind
from marketplace.permissions import form_errors_from

from . import report_selectors as selectors
from .models import Product
from .portal import ProductScopedMixin
from .report_forms import ReportCsvForm, all_valid, forms_for, put_errors, report_data_from
from .report_models import FundReport, ReportStatus, latest_ended_period
from .services import report_csv
from .services import reports as services

# The template offered for download: a made-up report that passes every rule.
TEMPLATE_DATA = services.ReportData(
    year=2026,
    period="q3",
    fund_size=Decimal("2350000000.00"),
    fund_size_date=dt.date(2026, 9, 30),
    benchmark_name="CSI 300 Index × 80% + ChinaBond Composite Index × 20%",
    benchmark_return_percent=Decimal("12.40"),
    managers=[
        services.ManagerRow("Li Ming", dt.date(2021, 3, 15), "Fifteen years in equity research."),
        services.ManagerRow("Wang Fang", dt.date(2024, 7, 1), ""),
    ],
    holdings=[
        services.HoldingRow("Kweichow Moutai", "600519", Decimal("9.85")),
        services.HoldingRow("Contemporary Amperex Technology", "300750", Decimal("7.20")),
        services.HoldingRow("China Merchants Bank", "600036", Decimal("5.10")),
    ],
    allocation={
        "stocks": Decimal("85.20"),
        "bonds": Decimal("5.00"),
        "cash": Decimal("9.30"),
        "other": Decimal("0.50"),
    },
)


class FundScopedMixin(ProductScopedMixin):
    """A portal view about one of the institution's funds (``<slug>`` in the URL)."""

    def get_product(self) -> Product:
        funds = Product.objects.select_related("institution").filter(kind=ProductKind.FUND)
        return get_object_or_404(self.scope(funds), slug=self.kwargs["slug"])


class ReportView(FundScopedMixin, View):
    template = "portal/products/report.html"

    def render_page(self, request, product, *, bound=None, csv_form=None, status=200):
        open_report = selectors.open_report(product=product)
        if bound is None:
            start = selectors.latest_report(product=product)
            initial = services.report_data_of(start) if start else None
            if initial and start.status == ReportStatus.APPROVED:  # the next report starts here
                initial.year, initial.period = latest_ended_period(timezone.localdate())
            bound = forms_for(initial=initial)
        context = {
            "product": product,
            "institution": request.institution,
            "membership": request.membership,
            "open_report": open_report,
            "current": selectors.current_report(product=product),
            "reports": selectors.reports_for_fund(product=product)[:10],
            "csv_form": csv_form or ReportCsvForm(),
            "columns": report_csv.CSV_COLUMNS,
            "max_holdings": services.MAX_HOLDINGS,
            **bound,
        }
        return render(request, self.template, context, status=status)

    def get(self, request, slug):
        return self.render_page(request, self.get_product())

    def post(self, request, slug):
        product = self.get_product()
        if "file" in request.FILES or request.POST.get("source") == "csv":
            return self.upload(request, product)
        bound = forms_for(request.POST)
        if all_valid(bound):
            try:
                report = services.fund_report_save(
                    product=product, actor=request.user, data=report_data_from(bound)
                )
            except ValidationError as exc:
                put_errors(bound, exc)
            else:
                return self.saved(request, product, report)
        return self.render_page(request, product, bound=bound, status=400)

    def upload(self, request, product):
        csv_form = ReportCsvForm(request.POST, request.FILES)
        if csv_form.is_valid():
            try:
                data = report_csv.parse_report_csv(csv_form.cleaned_data["file"].read())
                report = services.fund_report_save(product=product, actor=request.user, data=data)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for errors in exc.error_dict.values():
                        csv_form.add_error("file", errors)
                else:
                    form_errors_from(csv_form, exc)
            else:
                return self.saved(request, product, report)
        return self.render_page(request, product, csv_form=csv_form, status=400)

    def saved(self, request, product, report):
        if "submit" in request.POST:
            try:
                services.fund_report_submit(report=report, actor=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Report submitted: platform staff will review it."))
                return redirect("portal_products:report", slug=product.slug)
        messages.success(request, _("Draft report saved. Submit it when it is complete."))
        return redirect("portal_products:report", slug=product.slug)


class ReportSubmitView(FundScopedMixin, View):
    def post(self, request, slug, report_pk):
        product = self.get_product()
        report = get_object_or_404(
            FundReport.objects.select_related("product__institution"), product=product, pk=report_pk
        )
        try:
            services.fund_report_submit(report=report, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Report submitted: platform staff will review it."))
        return redirect("portal_products:report", slug=product.slug)


class ReportTemplateView(FundScopedMixin, View):
    """The CSV template: the fund's latest report, or a made-up example to overwrite."""

    def get(self, request, slug):
        product = self.get_product()
        latest = selectors.latest_report(product=product)
        data = services.report_data_of(latest) if latest else TEMPLATE_DATA
        response = HttpResponse(report_csv.report_csv(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{product.slug}-report.csv"'
        return response
