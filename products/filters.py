"""The catalogue's filters and sort orders, shared by the HTML list and the API (django-filter)."""

import django_filters
from django.db.models import F, Q

from institutions.models import Institution, InstitutionStatus, ProductKind

from .models import FundType, RiskLevel

# The default order (published on /about/ranking/): lowest risk first, then the lowest minimum
# purchase, then name, then listing id. Nothing about who owns a product takes part.
DEFAULT_ORDER = ("risk_level", "min_purchase", "name", "id")
ORDERINGS = {
    "default": ("Default order", DEFAULT_ORDER),
    "return_1y": (
        "1-year return (highest first)",
        (F("return_1y").desc(nulls_last=True), *DEFAULT_ORDER),
    ),
    "fees": ("Fees (lowest first)", ("headline_fee_rate", *DEFAULT_ORDER)),
    "newest": ("Newest", (F("published_at").desc(nulls_last=True), "-id")),
}


class CatalogueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search", max_length=100)
    kind = django_filters.ChoiceFilter(choices=ProductKind.choices)
    fund_type = django_filters.ChoiceFilter(choices=FundType.choices, label="Fund type")
    risk_level = django_filters.MultipleChoiceFilter(
        choices=[(f"R{v}", label) for v, label in RiskLevel.choices],
        method="filter_risk",
        label="Risk level",
    )
    institution = django_filters.ModelChoiceFilter(
        queryset=Institution.objects.filter(status=InstitutionStatus.APPROVED),
        to_field_name="slug",
    )
    max_min_purchase = django_filters.NumberFilter(
        field_name="min_purchase",
        lookup_expr="lte",
        label="Minimum purchase up to",
        min_value=0,
        # what the column holds: "1e-999999" is a clear error, not a numeric overflow
        max_digits=18,
        decimal_places=2,
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(k, v[0]) for k, v in ORDERINGS.items()],
        method="order",
        empty_label=None,
        label="Sort by",
    )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(code__icontains=value)
            | Q(institution__name__icontains=value)
        )

    def filter_risk(self, queryset, name, value):
        levels = [int(v[1:]) for v in value]
        return queryset.filter(risk_level__in=levels) if levels else queryset

    def order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS.get(value, ORDERINGS["default"])[1])

    @property
    def qs(self):
        queryset = super().qs
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("ordering")):
            queryset = queryset.order_by(*DEFAULT_ORDER)
        return queryset
