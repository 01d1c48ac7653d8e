"""Order lists: the investor's orders and the institution's, filtered by one FilterSet each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from institutions.models import Institution

from ..filters import InstitutionOrderFilter, InvestorOrderFilter
from ..models import Order


def _filtered(filterset: django_filters.FilterSet) -> QuerySet[Order]:
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


def order_list_for_institution(
    *, institution: Institution, params: Mapping[str, Any] | None = None
) -> QuerySet[Order]:
    """The institution's own orders, newest first; with ``params``, filtered by
    :class:`~orders.filters.InstitutionOrderFilter` (``status``, ``product`` slug, ``from``,
    ``to``). A bad filter value raises ``ValidationError`` (field → messages)."""
    qs = (
        Order.objects.filter(institution=institution)
        .select_related("product", "user")
        .order_by("-placed_at", "-id")
    )
    if params is None:
        return qs
    return _filtered(InstitutionOrderFilter(params, queryset=qs, institution=institution))


def order_history(*, user, params: Mapping[str, Any] | None = None) -> QuerySet[Order]:
    """The investor's orders, newest first, for the orders page and the API alike; with
    ``params``, filtered by :class:`~orders.filters.InvestorOrderFilter` (``status``, ``side``,
    ``kind``). A bad filter value raises ``ValidationError`` (field → messages)."""
    qs = (
        Order.objects.filter(user=user)
        .select_related(
            "product", "product__institution", "switch__from_product", "switch__to_product"
        )
        .prefetch_related("lot_movements__lot")
        .order_by("-placed_at", "-id")
    )
    if params is None:
        return qs
    return _filtered(InvestorOrderFilter(params, queryset=qs))
