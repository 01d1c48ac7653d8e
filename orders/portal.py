"""Portal pages that combine orders with profiles: orders, customers, audience insight."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from institutions.tenancy import PortalMixin
from marketplace import csv_export
from products.models import Product

from . import selectors
from .audience import THRESHOLD
from .exports import statement_csv
from .models import Order, OrderStatus, Statement


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


CSV_COLUMNS = [
    "order_id",
    "placed_at",
    "trade_date",
    "status",
    "side",
    "product_code",
    "product",
    "amount",
    "fee",
    "units",
    "nav",
    "investor",
]


class _Echo:
    def write(self, value):
        return value


class OrdersView(PortalMixin, TemplateView):
    """The institution's own orders, with filters and a CSV export (``?format=csv``)."""

    template_name = "portal/orders.html"
    page_size = 50

    def get(self, request, *args, **kwargs):
        as_csv = request.GET.get("format") == "csv"
        try:
            orders = selectors.order_list_for_institution(
                institution=request.institution, params=request.GET
            )
        except ValidationError as exc:
            if as_csv:
                lines = [f"{f}: {m}" for f, messages in exc.message_dict.items() for m in messages]
                return HttpResponse(
                    "\n".join(lines), status=400, content_type="text/plain; charset=utf-8"
                )
            context = self.get_context_data(orders_qs=Order.objects.none(), **kwargs)
            context["filter_errors"] = exc.message_dict
            return self.render_to_response(context, status=400)
        if as_csv:
            return self.csv(orders)
        return self.render_to_response(self.get_context_data(orders_qs=orders, **kwargs))

    def csv(self, orders):
        writer = csv_export.writer(_Echo())

        def rows():
            yield writer.writerow(CSV_COLUMNS)
            for order in orders.iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        order.pk,
                        order.placed_at.isoformat(),
                        order.trade_date.isoformat(),
                        order.status,
                        order.side,
                        order.product.code or "",
                        order.product.name,
                        order.amount or "",
                        order.fee if order.fee is not None else "",
                        order.units or "",
                        order.nav or "",
                        f"investor-{order.user_id}",
                    ]
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.csv"'
        return response

    def get_context_data(self, *, orders_qs, **kwargs):
        context = super().get_context_data(**kwargs)
        page = Paginator(orders_qs, self.page_size).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            page=page,
            orders=page.object_list,
            statuses=OrderStatus.choices,
            products=self.scope(Product.objects.all()).order_by("name"),
            filters=self.request.GET,
            querystring=query.urlencode(),
        )
        return context


class CustomersView(PortalMixin, TemplateView):
    """The institution's own customers who agreed to share their profile (no answers)."""

    template_name = "portal/customers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["customers"] = selectors.customer_list_for_institution(
            institution=self.request.institution
        )[:500]
        context["refusals"] = selectors.refusals_for_institution(
            institution=self.request.institution
        )
        return context


class StatementsView(PortalMixin, TemplateView):
    """The institution's monthly statements."""

    template_name = "portal/statements.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statements"] = selectors.statements_for_institution(
            institution=self.request.institution
        )
        return context


class StatementView(PortalMixin, TemplateView):
    """One statement: figures per product, the totals, and what is payable which way."""

    template_name = "portal/statement.html"
    tenant_model = Statement

    def statement(self) -> Statement:
        return get_object_or_404(
            self.scope(Statement.objects.select_related("institution")), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        statement = self.statement()
        context.update(
            statement=statement,
            rows=selectors.statement_rows(statement=statement),
            columns=selectors.STATEMENT_COLUMNS,
        )
        return context


class StatementPrintView(StatementView):
    template_name = "portal/statement_print.html"


class StatementCSVView(StatementView):
    def get(self, request, *args, **kwargs):
        return statement_csv(self.statement())
