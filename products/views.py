"""Public pages: the catalogue, product pages, institution pages and how we rank products."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.views.generic import TemplateView

from institutions.selectors import institution_public_list
from marketplace.cache import cache_public_page
from profiles.selectors import (
    assessment_expires_soon,
    assessment_is_valid,
    profile_of,
    suitability_for,
)
from profiles.suitability import REFUSED_EXPIRED, REFUSED_NO_ASSESSMENT

from . import compare as comparison
from . import fragments, selectors, services
from . import home_selectors as home
from .filters import BANDS, ORDERINGS
from .models import RISK_MEANING, Product, ProductDocument, RiskLevel
from .ranking import rotation_day, rotation_seed

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _valid_filterset(params):
    filterset = selectors.product_list_for_catalogue(params=params)
    filterset.form.is_valid()
    return filterset


@cache_public_page
def catalogue(request):
    # Built only when something is not cached: a warm page needs neither the filtered queryset
    # nor its form (the counts, the panel, the page's rows and the page's chrome are cached).
    filterset = SimpleLazyObject(lambda: _valid_filterset(request.GET))
    try:
        page_size = min(max(int(request.GET.get("page_size", PAGE_SIZE)), 1), MAX_PAGE_SIZE)
    except ValueError:
        page_size = PAGE_SIZE
    # What every visitor sees alike comes from the cache in one round trip (read first: it
    # fixes the version the page's products and cards are stored under), the page included.
    counts = fragments.catalogue_counts(params=request.GET, filterset=filterset, per_page=page_size)
    paginator = fragments.CountedPaginator(
        lambda: filterset.qs, page_size, count=counts.matches
    )  # the cached count saves its query
    page = paginator.get_page(request.GET.get("page"))
    products, cards = fragments.catalogue_page(params=request.GET, page=page, counts=counts)
    query = request.GET.copy()
    query.pop("page", None)
    bands_applied = any(request.GET.get(group) for group in BANDS)
    # The filter panel is the same for everyone asking the same filters: cached with the counts.
    panel = fragments.filter_panel(
        counts=counts,
        context=lambda: {
            "form": filterset.form,
            "facets": counts.facets,
            "band_fields": [filterset.form[group] for group in BANDS],
            "bands_applied": bands_applied,
        },
    )
    return render(
        request,
        "products/catalogue.html",
        {
            "filter": filterset,
            "form": SimpleLazyObject(lambda: filterset.form),
            "filter_panel": panel,
            "page": page,
            "products": products,
            "cards": cards,
            # Each card's per-investor part is rendered once per look and version ({% variant %}),
            # and the page around the cards once per query and version: it reads nothing but
            # the query string, the cached parts and the business day (the panel's date bands).
            "card_version": counts.version,
            "chrome_key": (timezone.localdate().isoformat(), request.get_full_path()),
            "profile": profile_of(user=request.user),
            "querystring": query.urlencode(),
            # The sort form keeps the other parameters (not the page: a new order starts at 1).
            "sort_params": [
                (k, v) for k, values in query.lists() if k != "ordering" for v in values
            ],
            "orderings": [(k, v[0]) for k, v in ORDERINGS.items()],
            "bands_applied": bands_applied,
            "risk_levels": RiskLevel.choices,
            # The "Compare" tick boxes on the cards, and the products already chosen.
            "compare_enabled": True,
            "compare_chosen": comparison.compare_chosen(values=request.GET.getlist("compare")),
        },
    )


def count_page_view(view):
    """Count a shown product page (``products.services.page_view_count``). It wraps the page
    cache, so a page served from the cache counts too; one UPDATE per view (plus one query to
    skip members of institutions when someone is signed in). Switching the chart's range reloads
    the page with ``?range=``: the same look at the product, not counted again."""

    @wraps(view)
    def wrapped(request, slug, *args, **kwargs):
        response = view(request, slug, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200 and "range" not in request.GET:
            purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
            if services.page_view_countable(
                user=request.user,
                user_agent=request.headers.get("User-Agent", ""),
                prefetch="prefetch" in purpose.lower(),
            ):
                services.page_view_count(slug=slug)
        return response

    return wrapped


@count_page_view
@cache_public_page
def product_detail(request, slug):
    range_key = request.GET.get("range", "1y")
    if range_key not in selectors.NAV_RANGES:
        range_key = "1y"
    # The product, its charts, key figures, report, terms, fees and documents are the same for
    # everyone: cached by version (read before the rows, so nothing is stored under a version
    # newer than what it was built from). Only the investor's own parts are read per request.
    try:
        shared = fragments.product_page(slug=slug, range_key=range_key)
    except Product.DoesNotExist as exc:
        raise Http404("No such product") from exc
    product, charts = shared.product, shared.charts
    profile = profile_of(user=request.user)
    suitability = (
        suitability_for(profile=profile, product_risk=product.risk_level)
        if request.user.is_authenticated
        else None
    )
    return render(
        request,
        "products/detail.html",
        {
            "product": product,
            "terms": getattr(product, f"{product.kind}_terms", None),
            "tiers": selectors.fee_tiers_by_schedule(product=product),
            "charts": charts,
            "detail_figures": shared.figures,
            "detail_body": shared.body,
            # The per-look parts are rendered once per look and version ({% variant %}).
            "page_version": shared.version,
            # The page as a whole is one look per day (the contract in force) and chart range.
            "page_key": (timezone.localdate().isoformat(), range_key),
            # Its own section after the cached ones: it says how this investor is paid.
            "show_distributions": product.is_fund and not product.is_money_market,
            "detail_earnings": shared.earnings,
            "risk_meanings": RISK_MEANING,
            "profile": profile,
            "suitability": suitability,
            # Refused for want of a (valid) assessment: offer the questionnaire. Compared by
            # message constant, not by an English word in it, so it holds in Chinese too.
            "needs_assessment": suitability is not None
            and suitability.refused
            and str(suitability.reason) in (str(REFUSED_NO_ASSESSMENT), str(REFUSED_EXPIRED)),
        },
    )


@cache_public_page
def compare(request):
    """Up to four products side by side; unknown slugs and any past the fourth are named, not
    fatal, and fewer than two give a page that explains how to choose them."""
    profile = profile_of(user=request.user)
    result = comparison.comparison_for(
        values=request.GET.getlist("p"),
        range_key=request.GET.get("range"),
        profile=profile,
        signed_in=request.user.is_authenticated,
    )
    return render(
        request,
        "products/compare.html",
        {
            "comparison": result,
            "profile": profile,
            "columns": result.columns,
            "chart": result.chart,
            "ranges": [(k, v[0]) for k, v in comparison.COMPARE_RANGES.items()],
            "max_compared": comparison.MAX_COMPARED,
            "slugs_query": "&".join(f"p={c.product.slug}" for c in result.columns),
        },
    )


@cache_public_page
def institution_page(request, slug):
    institution = get_object_or_404(institution_public_list(), slug=slug)
    return render(
        request,
        "institutions/detail.html",
        {
            "institution": institution,
            "products": selectors.products_for_institution_page(institution=institution),
            "articles": selectors.articles_for_institution_page(institution=institution)[:10],
            "curated_lists": selectors.curated_lists_for_institution_page(institution=institution),
        },
    )


def document_download(request, slug, pk):
    """Stream a product document (prospectus, policy wording) as a PDF download."""
    try:
        document = selectors.document_for_download(user=request.user, slug=slug, pk=pk)
    except ProductDocument.DoesNotExist as exc:
        raise Http404("No such document") from exc
    filename = f"{slugify(document.title) or 'document'}.pdf"
    return FileResponse(document.file.open("rb"), content_type="application/pdf", filename=filename)


@login_required
def me_home(request):
    """The investor's home: where they stand, and the products that suit them."""
    rows = home.home_rows(user=request.user)
    profile = rows.profile
    valid = assessment_is_valid(profile)
    recommended = home.recommended_for(user=request.user, profile=profile, assessment_valid=valid)
    expires_soon = assessment_expires_soon(profile)
    identity = rows.identity
    # Everything the page around its holes reads (the holes: the greeting, the assessment's
    # dates, the identity's last four, the assets summary, the cards): the page is kept once
    # per such look, and no look names a date or anything else of one investor's alone.
    look = (
        profile.is_complete,
        profile.investment_goal,
        profile.risk_level,
        valid,
        expires_soon,
        profile.share_profile_with_institutions,
        profile.marketing_offers,
        bool(recommended.products),
        None if identity is None else (identity.status, identity.document_type),
        None if identity is None else identity.failure_reason,
    )
    return render(
        request,
        "profiles/home.html",
        {
            "profile": profile,
            "identity": identity,
            "assessment_valid": valid,
            "expires_soon": expires_soon,
            "recommendations": recommended.products,
            # The cards' shared HTML and per-investor looks, as on the catalogue page.
            "cards": recommended.cards,
            "card_version": recommended.version,
            "home_look": look,
        },
    )


class RankingView(TemplateView):
    template_name = "products/ranking.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        day = rotation_day()
        context["rotation_day"] = day
        context["rotation_seed"] = rotation_seed(day)
        context["rotation_example"] = selectors.rotation_example(day=day)
        return context
