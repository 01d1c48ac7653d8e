"""The parts of the catalogue and product pages that are the same for every visitor, cached by
catalogue version (``marketplace.cache``) so a signed-in page renders only what is its own.

- facet counts and the number of matches, per normalised filter query;
- a product card's shared HTML (name, tags, summary, figures), per product and language; the
  card's per-investor parts (compare tick box, suitability badge, watch button) are rendered
  around it on every request (``_product_card.html``);
- a catalogue page's products (the rows, in the day's order) with their cards' HTML, per
  normalised filter query, order, page and page size, fetched with the counts;
- a fund page's chart and performance sections, per product, range and language; the
  distributions table (it says how *this* investor is paid) stays outside.

Every write that changes what these show bumps the catalogue version after commit (product
writes and NAV/yield uploads through ``products.services._common._event``, NAV corrections and
yield refreshes through the stats refresh, distributions, institution status), so the next
request rebuilds them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe

from marketplace.cache import shared_get_many, shared_key, shared_set_many

from . import selectors
from .charts import line_chart
from .filters import CatalogueFilter
from .models import Product
from .yields import yield_series

# --- this process's copy of the parts -----------------------------------------------------------
#
# A warm page's parts (a page of products with their cards, the filter panel; a product with its
# sections) are ~100 KB: fetched from Redis and unpickled on every request they cost more than
# the rest of the page. Each web process keeps the parts it read under the version they were
# stored with, so a warm request reads only the version (one small round trip) and the parts
# from memory; a new version (any write that changes them) makes every kept part stale at once.
# The kept objects are shared by the process's requests: nothing writes to them.

MAX_KEPT = 500  # parts; the whole copy is dropped past it
_kept: dict[str, tuple[int, object]] = {}


def _keep(version: int, values: dict) -> None:
    if len(_kept) + len(values) > MAX_KEPT:
        _kept.clear()
    for key, value in values.items():
        _kept[key] = (version, value)


def parts_get(keys) -> tuple[int, dict]:
    """``shared_get_many(keys)``, from this process's copy when it holds every one of them
    under the current version (the version alone is read then)."""
    keys = list(keys)
    version, _ = shared_get_many(())
    found = {}
    for key in keys:
        entry = _kept.get(key)
        if entry is None or entry[0] != version:
            break
        found[key] = entry[1]
    else:
        return version, found
    version, found = shared_get_many(keys)
    _keep(version, found)
    return version, found


def parts_set(version: int, values: dict) -> None:
    shared_set_many(version, values)
    _keep(version, values)


# Request parameters that are not filters: they change neither the counts nor the matches.
_FILTER_KEYS = frozenset(CatalogueFilter.base_filters) - {"ordering"}


def normalised_filters(params) -> tuple:
    """The filter part of a query string, keys sorted, each key's values in their order (a
    single-valued filter takes its last value, so the order of values may matter)."""
    return tuple(sorted((k, tuple(params.getlist(k))) for k in params if k in _FILTER_KEYS))


@dataclass(frozen=True)
class CatalogueCounts:
    version: int
    facets: dict
    matches: int
    panel: SafeString | None  # the filter panel's HTML when cached (``filter_panel``)
    panel_key: str
    page_key: str  # the requested page's key (``catalogue_page``)
    page: tuple | None  # its products and cards' HTML when cached under ``version``


def _panel_key(params) -> str:
    return shared_key("panel", repr(normalised_filters(params)), params.getlist("ordering"))


def _page_key(params, number, per_page: int) -> str:
    filters = repr(normalised_filters(params))
    return shared_key("page-cards", filters, params.get("ordering", ""), number, per_page)


def _requested_page(params) -> int:
    """The page number asked for, as ``Paginator.get_page`` reads it when it is in range (any
    other request simply misses the cached page: ``catalogue_page`` checks the key)."""
    try:
        return int(params.get("page") or 1)
    except ValueError:
        return 1


def catalogue_counts(*, params, filterset: CatalogueFilter, per_page: int) -> CatalogueCounts:
    """Facet counts and the number of products matching ``filterset`` (built from ``params``),
    the filter panel and the requested page of ``per_page`` products with their cards, those
    that are cached, in one round trip: nine queries on a miss, none on a hit. Call it before
    reading the page's products."""
    key, panel_key = shared_key("facets", repr(normalised_filters(params))), _panel_key(params)
    page_key = _page_key(params, _requested_page(params), per_page)
    version, found = parts_get([key, panel_key, page_key])
    cached = found.get(key)
    if cached is None:
        cached = {
            "facets": selectors.catalogue_facets(params=params),
            "matches": filterset.qs.count(),
        }
        parts_set(version, {key: cached})
    panel = found.get(panel_key)
    return CatalogueCounts(
        version=version,
        facets=cached["facets"],
        matches=cached["matches"],
        panel=None if panel is None else mark_safe(panel),  # noqa: S308 (our own template's)
        panel_key=panel_key,
        page_key=page_key,
        page=found.get(page_key),
    )


def filter_panel(*, counts: CatalogueCounts, context: Callable[[], dict]) -> SafeString:
    """The catalogue's filter panel (``_filter_panel.html``: the form, the facet counts; the
    same for everyone with the same filters and order), cached with the counts' version;
    ``context()`` (the form's) is called only to render it on a miss."""
    if counts.panel is not None:
        return counts.panel
    html = render_to_string("products/_filter_panel.html", context())
    parts_set(counts.version, {counts.panel_key: html})
    return mark_safe(html)  # noqa: S308 (rendered by our own, escaping, template)


@dataclass(frozen=True)
class CardParts:
    head: SafeString  # name, institution, code, tags, summary
    figures: SafeString  # the <dl> of headline figures


class CountedPaginator(Paginator):
    """A paginator that knows its ``count`` (the cached one) and reads its rows only when a
    page's ``object_list`` is read: a warm catalogue page, whose rows come with the counts,
    builds neither the filtered queryset nor its form."""

    def __init__(self, queryset: Callable, per_page: int, *, count: int):
        super().__init__((), per_page)
        self._queryset = queryset
        self.count = count  # a cached_property: set, it is never computed

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = SimpleLazyObject(lambda: list(self._queryset()[bottom:top]))
        return self._get_page(rows, number, self)


def _card_key(product: Product, hide_institution: bool) -> str:
    return shared_key("card", product.pk, int(hide_institution))


def card_parts(
    *, products, version: int | None = None, hide_institution: bool = False
) -> dict[int, CardParts]:
    """The shared HTML of each product's card, by product id: one cache round trip for a whole
    page, the missing cards rendered and stored in one more. ``version`` is the one read before
    the products were (``catalogue_counts``); without it the version read now is used."""
    products = list(products)
    keys = {p.pk: _card_key(p, hide_institution) for p in products}
    current, found = shared_get_many(keys.values())
    version = version or current
    parts: dict[int, CardParts] = {}
    missing: dict[str, tuple[str, str]] = {}
    for product in products:
        cached = found.get(keys[product.pk]) if version == current else None
        if cached is None:
            context = {"product": product, "hide_institution": hide_institution}
            cached = (
                render_to_string("products/_card_head.html", context),
                render_to_string("products/_card_figures.html", context),
            )
            missing[keys[product.pk]] = cached
        # Rendered by our own templates (escaped there): safe to output as it is.
        parts[product.pk] = CardParts(head=mark_safe(cached[0]), figures=mark_safe(cached[1]))  # noqa: S308
    shared_set_many(version, missing)
    return parts


def chart_key(*, slug: str, range_key: str) -> str:
    return shared_key("charts", slug, range_key)


@dataclass(frozen=True)
class ProductPage:
    """What a product page shows alike to everyone, as of ``version``."""

    version: int
    product: Product  # with its terms, institution, fee tiers, documents and articles
    charts: SafeString | None  # a fund's chart and performance sections (None: not a fund)
    figures: SafeString  # the platform note and key figures (``_detail_figures.html``)
    body: SafeString  # report, description, terms, fees, documents (``_detail_body.html``)
    earnings: SafeString  # what the platform earns, the contract in force today


def product_page(*, slug: str, range_key: str) -> ProductPage:
    """The product (as ``selectors.product_detail_for_catalogue`` reads it), its chart sections
    for ``range_key`` and the page's other shared sections, from one round trip when all are
    cached (no query); what is missing is read, rendered and stored under the version read
    first. Raises Product.DoesNotExist."""
    keys = {
        "product": shared_key("product", slug),
        "charts": chart_key(slug=slug, range_key=range_key),
        "figures": shared_key("detail-figures", slug),
        "body": shared_key("detail-body", slug),
        # The contract in force today (the key carries the business day; a new contract moves
        # the version): no contract query per page.
        "earnings": shared_key("detail-earnings", slug),
    }
    version, found = parts_get(keys.values())
    parts = {name: found.get(key) for name, key in keys.items()}
    if parts["product"] is None:
        parts["product"] = selectors.product_detail_for_catalogue(slug=slug)
    product = parts["product"]
    if parts["charts"] is None and product.is_fund:
        parts["charts"] = render_to_string(
            "products/_charts.html", _chart_context(product=product, range_key=range_key)
        )
    context = {
        "product": product,
        "terms": getattr(product, f"{product.kind}_terms", None),
        "tiers": selectors.fee_tiers_by_schedule(product=product),
    }
    if parts["earnings"] is None:
        context["earnings"] = selectors.platform_earnings(product=product)
    for name in ("figures", "body", "earnings"):
        if parts[name] is None:
            parts[name] = render_to_string(f"products/_detail_{name}.html", context)
    # What was missing (a product that is not a fund stores its empty charts once, too).
    parts_set(version, {key: parts[name] for name, key in keys.items() if key not in found})
    # Rendered by our own templates (escaped there): safe to output as they are.
    return ProductPage(
        version=version,
        product=product,
        charts=None if parts["charts"] is None else mark_safe(parts["charts"]),  # noqa: S308
        figures=mark_safe(parts["figures"]),  # noqa: S308
        body=mark_safe(parts["body"]),  # noqa: S308
        earnings=mark_safe(parts["earnings"]),  # noqa: S308
    )


def _chart_context(*, product: Product, range_key: str) -> dict:
    recent_yields, income_series = [], []
    if product.is_money_market:
        # Its NAV is fixed at 1.0000: the chart is the 7-day annualised yield, in percent, and
        # a second one the daily income per 10,000 units.
        daily = yield_series(product=product, range_key=range_key)
        series = [(day, rate * 100) for day, _, rate in daily]
        income_series = [(day, income) for day, income, _ in daily]
        recent_yields = daily[-1:-8:-1]
    elif product.is_fund:
        series = selectors.nav_series(product=product, range_key=range_key)
    else:
        series = []
    return {
        "product": product,
        "chart": line_chart(series),
        "yields": recent_yields,
        "income_chart": line_chart(income_series),
        "performance": selectors.fund_performance(product=product),
        "range_key": range_key,
        "ranges": [(k, v[0]) for k, v in selectors.NAV_RANGES.items()],
    }


def catalogue_page(
    *, params, page, counts: CatalogueCounts
) -> tuple[list[Product], dict[int, CardParts]]:
    """The products of a catalogue ``page`` (a Paginator page over the filtered catalogue) in
    its order, and their cards' shared HTML. The order (the day's rotation over the filtered
    catalogue) and the cards are the same for everyone, so the page's products and cards are
    cached together per version and query: on a hit they came with the counts' round trip
    (``catalogue_counts``) and the page costs no query; a miss reads the page's products and
    their cards (``card_parts``) and stores them under the counts' version."""
    key = _page_key(params, page.number, page.paginator.per_page)
    cached = counts.page if key == counts.page_key else None
    if cached is None:
        products = list(page.object_list)  # read only now (``CountedPaginator``)
        cards = card_parts(products=products, version=counts.version)
        parts_set(
            counts.version,
            {key: (products, {pk: (c.head, c.figures) for pk, c in cards.items()})},
        )
        return products, cards
    products, html = cached
    # Rendered by our own templates (escaped there): safe to output as they are.
    return products, {
        pk: CardParts(head=mark_safe(head), figures=mark_safe(figures))  # noqa: S308
        for pk, (head, figures) in html.items()
    }
