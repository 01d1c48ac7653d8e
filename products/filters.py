"""The catalogue's filters and sort orders, shared by the HTML list and the API (django-filter)."""

import django_filters
from django.conf import settings
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, InstitutionStatus, ProductKind

from .models import FUND_TYPE_SEARCH_WORDS, FundType, RiskLevel

# modeltranslation's column suffixes: name_zh_hans, name_en.
LANGUAGE_SUFFIXES = tuple(code.replace("-", "_") for code, _name in settings.LANGUAGES)
# Kinds by their other words than the label ("基金" is the label of funds, "理财" is not).
KIND_SEARCH_WORDS = {
    ProductKind.FUND: ("fund", "基金"),
    ProductKind.INSURANCE: ("insurance", "保险", "保障"),
    ProductKind.SAVINGS: ("savings", "deposit", "存款", "储蓄", "定期"),
}


def choice_words(choices, value) -> set[str]:
    """The label of one choice in every language, lower-cased, plus its extra search words."""
    words = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words.add(str(choices(value).label).casefold())
    extra = FUND_TYPE_SEARCH_WORDS if choices is FundType else KIND_SEARCH_WORDS
    words.update(word.casefold() for word in extra.get(value, ()))
    return words


def matching_labels(choices, query: str) -> list[str]:
    """The choices a search names by label in either language: "债券" and "债券基金" find bond
    funds, "money" finds money-market funds. Two characters at least, so "型" finds nothing."""
    query = query.casefold()
    if len(query) < 2:
        return []
    return [
        value
        for value in choices.values
        if any(query in word for word in choice_words(choices, value))
    ]


# The default order (published on /about/ranking/): lowest risk first, then the lowest minimum
# purchase, then name, then listing id. Nothing about who owns a product takes part.
DEFAULT_ORDER = ("risk_level", "min_purchase", "name", "id")
ORDERINGS = {
    "default": (_("Default order"), DEFAULT_ORDER),
    "return_1y": (
        _("1-year return (highest first)"),
        (F("return_1y").desc(nulls_last=True), *DEFAULT_ORDER),
    ),
    "fees": (_("Fees (lowest first)"), ("headline_fee_rate", *DEFAULT_ORDER)),
    "newest": (_("Newest"), (F("published_at").desc(nulls_last=True), "-id")),
}


class CatalogueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=100)
    kind = django_filters.ChoiceFilter(choices=ProductKind.choices)
    fund_type = django_filters.ChoiceFilter(choices=FundType.choices, label=_("Fund type"))
    risk_level = django_filters.MultipleChoiceFilter(
        choices=[(f"R{v}", label) for v, label in RiskLevel.choices],
        method="filter_risk",
        label=_("Risk level"),
    )
    institution = django_filters.ModelChoiceFilter(
        queryset=Institution.objects.filter(status=InstitutionStatus.APPROVED),
        to_field_name="slug",
    )
    max_min_purchase = django_filters.NumberFilter(
        field_name="min_purchase",
        lookup_expr="lte",
        label=_("Minimum purchase up to"),
        min_value=0,
        # what the column holds: "1e-999999" is a clear error, not a numeric overflow
        max_digits=18,
        decimal_places=2,
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(k, v[0]) for k, v in ORDERINGS.items()],
        method="order",
        empty_label=None,
        label=_("Sort by"),
    )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Either language's name and summary, whatever the page's language (issue 14).
        match = Q(code__icontains=value)
        for language in LANGUAGE_SUFFIXES:
            match |= (
                Q(**{f"name_{language}__icontains": value})
                | Q(**{f"summary_{language}__icontains": value})
                | Q(**{f"institution__name_{language}__icontains": value})
            )
        fund_types = matching_labels(FundType, value)
        if fund_types:
            match |= Q(fund_type__in=fund_types)
        kinds = matching_labels(ProductKind, value)
        if kinds:
            match |= Q(kind__in=kinds)
        return queryset.filter(match)

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
