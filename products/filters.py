"""The catalogue's filters and sort orders, shared by the HTML list and the API (django-filter)."""

import datetime as dt
from decimal import Decimal

import django_filters
from django.conf import settings
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, InstitutionStatus, ProductKind
from marketplace.dates import add_months

from .models import FUND_TYPE_SEARCH_WORDS, FundType, RiskLevel
from .ranking import default_order, local_today, rotation_day

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
# purchase, then the day's published rotation key (products.ranking), then listing id. Nothing
# about who owns a product takes part. Each sort is a function of the rotation's trading day.
ORDERINGS = {
    "default": (_("Default order"), lambda day: default_order(day)),
    "return_1y": (
        _("1-year return (highest first)"),
        lambda day: (F("return_1y").desc(nulls_last=True), *default_order(day)),
    ),
    "fees": (_("Fees (lowest first)"), lambda day: ("headline_fee_rate", *default_order(day))),
    "newest": (_("Newest"), lambda day: (F("published_at").desc(nulls_last=True), "-id")),
}


def _tenure(today, *, at_least: int | None = None, under: int | None = None) -> Q:
    """Managers in post for ``at_least`` years and ``under`` years (either bound optional)."""
    match = Q(manager_since__isnull=False)
    if at_least is not None:
        match &= Q(manager_since__lte=add_months(today, -12 * at_least))
    if under is not None:
        match &= Q(manager_since__gt=add_months(today, -12 * under))
    return match


# Facets as bands: value → (label, the products in it, given today). The bands of a group do
# not overlap, so their counts add up to the products the group can describe.
MILLION = Decimal(1_000_000)
BANDS: dict[str, dict[str, tuple]] = {
    "fee_band": {
        "free": (_("No purchase fee"), lambda today: Q(headline_fee_rate=0)),
        "to_0_5": (
            _("Up to 0.5%"),
            lambda today: Q(headline_fee_rate__gt=0, headline_fee_rate__lte=Decimal("0.005")),
        ),
        "to_1": (
            _("Over 0.5% to 1%"),
            lambda today: Q(
                headline_fee_rate__gt=Decimal("0.005"), headline_fee_rate__lte=Decimal("0.01")
            ),
        ),
        "over_1": (_("Over 1%"), lambda today: Q(headline_fee_rate__gt=Decimal("0.01"))),
    },
    "return_band": {
        "negative": (_("Below 0%"), lambda today: Q(return_1y__lt=0)),
        "0_5": (
            _("0% to under 5%"),
            lambda today: Q(return_1y__gte=0, return_1y__lt=Decimal("0.05")),
        ),
        "5_10": (
            _("5% to under 10%"),
            lambda today: Q(return_1y__gte=Decimal("0.05"), return_1y__lt=Decimal("0.10")),
        ),
        "over_10": (_("10% or more"), lambda today: Q(return_1y__gte=Decimal("0.10"))),
    },
    "size_band": {
        "under_100m": (
            _("Under CNY 100 million"),
            lambda today: Q(fund_size__lt=100 * MILLION),
        ),
        "100m_1b": (
            _("CNY 100 million to 1 billion"),
            lambda today: Q(fund_size__gte=100 * MILLION, fund_size__lt=1000 * MILLION),
        ),
        "over_1b": (_("Over CNY 1 billion"), lambda today: Q(fund_size__gte=1000 * MILLION)),
        "unknown": (
            _("Not reported yet"),
            lambda today: Q(kind=ProductKind.FUND, fund_size__isnull=True),
        ),
    },
    "tenure_band": {
        "under_1y": (_("Under 1 year"), lambda today: _tenure(today, under=1)),
        "1_3y": (_("1 to 3 years"), lambda today: _tenure(today, at_least=1, under=3)),
        "3_5y": (_("3 to 5 years"), lambda today: _tenure(today, at_least=3, under=5)),
        "over_5y": (_("5 years or more"), lambda today: _tenure(today, at_least=5)),
    },
}
BAND_LABELS = {
    "fee_band": _("Purchase fee"),
    "return_band": _("1-year return"),
    "size_band": _("Fund size"),
    "tenure_band": _("Manager in post"),
}


def band_choices(group: str) -> list[tuple[str, str]]:
    return [(value, spec[0]) for value, spec in BANDS[group].items()]


def band_match(group: str, values, today) -> Q:
    """Products in any of ``values`` of ``group`` (the options of one facet are ORed)."""
    match = Q(pk__in=[])
    for value in values:
        match |= BANDS[group][value][1](today)
    return match


def _band_filter(group: str):
    return django_filters.MultipleChoiceFilter(
        choices=band_choices(group), method="filter_band", label=BAND_LABELS[group]
    )


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
    fee_band = _band_filter("fee_band")
    return_band = _band_filter("return_band")
    size_band = _band_filter("size_band")
    tenure_band = _band_filter("tenure_band")
    ordering = django_filters.ChoiceFilter(
        choices=[(k, v[0]) for k, v in ORDERINGS.items()],
        method="order",
        empty_label=None,
        label=_("Sort by"),
    )

    def __init__(self, *args, day: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # One trading day per filter set: its sort and its bands use the same day.
        self.day = rotation_day(day)
        self.today = day or local_today()

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

    def filter_band(self, queryset, name, value):
        return queryset.filter(band_match(name, value, self.today)) if value else queryset

    def order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS.get(value, ORDERINGS["default"])[1](self.day))

    @property
    def qs(self):
        queryset = super().qs
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("ordering")):
            queryset = queryset.order_by(*default_order(self.day))
        return queryset
