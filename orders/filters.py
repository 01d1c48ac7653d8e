"""The filters of the order lists (django-filter), shared by the HTML pages and the API: the
investor's own orders (``status``, ``side``, ``kind``) and an institution's orders
(``status``, ``product``, ``from``, ``to``). A value that is not one of the choices, or not a
date, is an error (400 in the API, a message on the page), never silently ignored."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _

from products.models import Product, ProductKind

from .models import Order, OrderStatus, Side


class InvestorOrderFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, label=_("Status"))
    side = django_filters.ChoiceFilter(choices=Side.choices, label=_("Buy or sell"))
    kind = django_filters.ChoiceFilter(choices=ProductKind.choices, label=_("Product type"))

    class Meta:
        model = Order
        fields: list[str] = []


class InstitutionOrderFilter(django_filters.FilterSet):
    """``product`` must be one of the institution's own products (by slug); ``from`` and
    ``to`` bound the trade date (YYYY-MM-DD, inclusive)."""

    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, label=_("Status"))
    product = django_filters.ModelChoiceFilter(
        queryset=Product.objects.none(), to_field_name="slug", label=_("Product")
    )

    class Meta:
        model = Order
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, institution=None, **kwargs: Any) -> None:
        super().__init__(data, queryset, **kwargs)
        institution = institution or getattr(self.request, "institution", None)
        self.filters["product"].queryset = Product.objects.filter(institution=institution)


# "from" is a Python keyword, so these two are added by name.
InstitutionOrderFilter.base_filters["from"] = django_filters.DateFilter(
    field_name="trade_date", lookup_expr="gte", label=_("Trade date from")
)
InstitutionOrderFilter.base_filters["to"] = django_filters.DateFilter(
    field_name="trade_date", lookup_expr="lte", label=_("Trade date to")
)
