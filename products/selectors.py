"""Every non-trivial read about products, with related rows fetched up front."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Aggregate, Avg, Case, Count, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from institutions.models import CommissionContract, Institution, InstitutionStatus, UpfrontBasis
from institutions.selectors import commission_contract_in_force, memberships_for_user
from marketplace.money import round_rate
from profiles.suitability import suitability_check

from .fees import Tier, band_fee, subscription_band
from .filters import BANDS, CatalogueFilter, band_match
from .models import (
    Article,
    ArticleStatus,
    CuratedList,
    CuratedListItem,
    FeeSchedule,
    FeeTier,
    NavPrice,
    Product,
    ProductDocument,
    ProductKind,
    ProductRevision,
    ProductStatus,
    RevisionStatus,
    RiskLevel,
)
from .ranking import RotationKey, default_order, rotation_day, rotation_input

NAV_RANGES = {
    "1m": (pgettext_lazy("chart range", "1M"), 31),
    "3m": (pgettext_lazy("chart range", "3M"), 92),
    "1y": (pgettext_lazy("chart range", "1Y"), 366),
    "all": (pgettext_lazy("chart range", "All"), None),
}
TERMS_RELATED = ("fund_terms", "insurance_terms", "savings_terms")


def catalogue_queryset() -> QuerySet[Product]:
    """What consumers may see: published products of approved institutions."""
    return Product.objects.filter(
        status=ProductStatus.PUBLISHED, institution__status=InstitutionStatus.APPROVED
    ).select_related("institution", *TERMS_RELATED)


def tradable_product(*, slug: str) -> Product | None:
    """A product an order may name: on sale to buy, or closed but still held and sellable.
    (Whether it may be bought is the order service's check, against ``catalogue_queryset``.)

    Every order reads this, so it is one small query: the product and its institution,
    unordered (the slug is unique). A fund's order needs no terms row; a deposit's or a
    policy's order reads its terms when it uses them (one query more)."""
    products = Product.objects.filter(
        slug=slug, status__in=[ProductStatus.PUBLISHED, ProductStatus.CLOSED]
    ).select_related("institution")
    return next(iter(products.order_by()[:1]), None)


def product_list_for_catalogue(*, params, day: dt.date | None = None) -> CatalogueFilter:
    """The filtered, sorted catalogue (``.qs``) and its form (``.form``); ``day`` is the
    rotation's date (default today), for tests and the ranking page's worked example."""
    return CatalogueFilter(params or None, queryset=catalogue_queryset(), day=day)


# Facets counted by value (one GROUP BY query each) and by band (one aggregate each).
VALUE_FACETS = ("kind", "fund_type", "risk_level", "institution")
FACETS = (*VALUE_FACETS, *BANDS)


def catalogue_facets(*, params, day: dt.date | None = None) -> dict[str, dict]:
    """Counts per option of each facet, given the *other* filters: one query per facet group
    (eight in all), however many products or options there are."""
    facets: dict[str, dict] = {}
    for facet in FACETS:
        others = params.copy()
        others.pop(facet, None)
        others.pop("page", None)
        filterset = CatalogueFilter(others or None, queryset=catalogue_queryset(), day=day)
        qs = filterset.qs.order_by()
        if facet in BANDS:
            facets[facet] = qs.aggregate(
                **{
                    value: Count("id", filter=band_match(facet, [value], filterset.today))
                    for value in BANDS[facet]
                }
            )
            continue
        field = "institution__slug" if facet == "institution" else facet
        rows = qs.values(field).annotate(n=Count("id")).order_by(field)
        counts = {row[field]: row["n"] for row in rows if row[field] not in ("", None)}
        if facet == "risk_level":
            counts = {f"R{level}": n for level, n in counts.items()}
        facets[facet] = counts
    return facets


@dataclass(frozen=True)
class RotationExample:
    product: Product
    text: str  # what is hashed
    key: str  # as the database computed it


def rotation_example(*, day: dt.date | None = None, limit: int = 3) -> list[RotationExample]:
    """The first products of the day's default order with their rotation key, computed by the
    same SQL as the catalogue's ORDER BY (the ranking page's worked example)."""
    day = rotation_day(day)
    products = (
        product_list_for_catalogue(params=None, day=day)
        .qs.annotate(rotation_key=RotationKey(day))
        .select_related(None)
        .select_related("institution")[:limit]
    )
    return [
        RotationExample(product=p, text=rotation_input(day, p.slug), key=p.rotation_key)
        for p in products
    ]


def product_detail_for_catalogue(*, slug: str) -> Product:
    return (
        catalogue_queryset()
        .select_related(*TERMS_RELATED)
        .prefetch_related(
            Prefetch("fee_tiers", queryset=FeeTier.objects.order_by("schedule", "lower")),
            "documents",
            Prefetch(
                "articles",
                queryset=Article.objects.filter(status=ArticleStatus.PUBLISHED).order_by(
                    "-published_at"
                ),
            ),
        )
        .get(slug=slug)
    )


def document_for_download(*, user, slug: str, pk: int) -> ProductDocument:
    """A document anyone may read on a public product; otherwise only the institution's members
    and platform staff (drafts in review). Raises ProductDocument.DoesNotExist."""
    document = ProductDocument.objects.select_related("product").get(pk=pk, product__slug=slug)
    if catalogue_queryset().filter(pk=document.product_id).exists():
        return document
    if getattr(user, "is_staff", False):
        return document
    if (
        memberships_for_user(user=user)
        .filter(institution_id=document.product.institution_id)
        .exists()
    ):
        return document
    raise ProductDocument.DoesNotExist


def fee_tiers_by_schedule(*, product: Product) -> dict[str, list[FeeTier]]:
    tiers: dict[str, list[FeeTier]] = {schedule: [] for schedule in FeeSchedule.values}
    for tier in product.fee_tiers.all():
        tiers[tier.schedule].append(tier)
    return tiers


def nav_series(
    *, product: Product, range_key: str = "1y", end: dt.date | None = None
) -> list[tuple[dt.date, Decimal]]:
    qs = NavPrice.objects.filter(product=product)
    days = NAV_RANGES.get(range_key, NAV_RANGES["1y"])[1]
    end = end or product.latest_nav_date
    if days and end:
        qs = qs.filter(date__gt=end - dt.timedelta(days=days))
    return list(qs.order_by("date").values_list("date", "nav"))


def commission_for_product(*, product: Product) -> CommissionContract | None:
    """The contract in force today: what the platform earns when this product sells."""
    return commission_contract_in_force(
        institution=product.institution, product_kind=product.kind, on_date=timezone.localdate()
    )


@dataclass(frozen=True)
class PlatformEarnings:
    """What the platform earns from a product, citing only fees the product charges: a share
    of the subscription fee only if it has one, a share of the management fee only if it has
    one (otherwise that part is nothing, and the page says why)."""

    contract: CommissionContract
    upfront_rate: Decimal | None  # None: nothing is earned when the investor buys
    upfront_of_fee: bool  # True: a share of the subscription fee, False: of the amount paid
    trail_rate: Decimal | None  # None: nothing is earned while the investor holds it
    charges_subscription_fee: bool
    management_fee_rate: Decimal | None


def platform_earnings(*, product: Product) -> PlatformEarnings | None:
    """The contract in force today as the product page shows it (None: no contract)."""
    contract = commission_for_product(product=product)
    if contract is None:
        return None
    charges_fee = not product.is_money_market and any(
        tier.rate > 0 or (tier.fixed_fee or 0) > 0
        for tier in product.fee_tiers.all()
        if tier.schedule == FeeSchedule.SUBSCRIPTION
    )
    terms = getattr(product, "fund_terms", None) if product.kind == ProductKind.FUND else None
    management = terms.management_fee_rate if terms and terms.management_fee_rate else None
    of_fee = contract.upfront_basis == UpfrontBasis.FRONT_FEE
    upfront = contract.upfront_rate or None
    if of_fee and not charges_fee:
        upfront = None
    return PlatformEarnings(
        contract=contract,
        upfront_rate=upfront,
        upfront_of_fee=of_fee,
        trail_rate=(contract.trail_rate or None) if management else None,
        charges_subscription_fee=charges_fee,
        management_fee_rate=management,
    )


def product_list_for_institution(*, institution: Institution) -> QuerySet[Product]:
    return (
        Product.objects.filter(institution=institution)
        .select_related("institution")
        .annotate(
            pending_revisions=Count(
                "revisions", filter=Q(revisions__status=RevisionStatus.PENDING)
            ),
        )
        .order_by("status", "name")
    )


def articles_for_institution_page(*, institution: Institution) -> QuerySet[Article]:
    return Article.objects.filter(
        institution=institution, status=ArticleStatus.PUBLISHED
    ).select_related("product")


def products_for_institution_page(*, institution: Institution) -> QuerySet[Product]:
    return catalogue_queryset().filter(institution=institution).order_by(*default_order())


@dataclass(frozen=True)
class StorefrontList:
    curated_list: CuratedList
    products: list[Product]


def curated_lists_for_institution_page(*, institution: Institution) -> list[StorefrontList]:
    """The institution's published lists in its order, each with its products on sale in the
    list's order (two queries; a list with nothing on sale is left out). They are shown apart
    from, and never change, the catalogue's ranking."""
    items = CuratedListItem.objects.filter(
        product__status=ProductStatus.PUBLISHED,
        product__institution__status=InstitutionStatus.APPROVED,
    ).select_related("product", "product__institution", *(f"product__{t}" for t in TERMS_RELATED))
    lists = institution.curated_lists.filter(published=True).prefetch_related(
        Prefetch("items", queryset=items.order_by("position", "id"))
    )
    shown = []
    for curated in lists:
        products = [item.product for item in curated.items.all()]
        if products:
            shown.append(StorefrontList(curated_list=curated, products=products))
    return shown


def review_queue() -> dict[str, QuerySet]:
    return {
        "products": Product.objects.filter(status=ProductStatus.IN_REVIEW)
        .select_related("institution")
        .order_by("updated_at"),
        "revisions": ProductRevision.objects.filter(status=RevisionStatus.PENDING)
        .select_related("product", "product__institution", "submitted_by")
        .order_by("submitted_at"),
    }


# --- recommendations ------------------------------------------------------------------------

# How well a product fits an investor's goal and horizon (DESIGN §4). Published on
# /about/ranking/: fit to the goal first, then to the horizon, then the catalogue's default
# order. Ownership takes no part, and a product above the investor's level is never included.
GOAL_FIT = {
    "preserve_capital": Q(kind="savings") | Q(fund_type="money_market"),
    "steady_income": Q(kind="savings") | Q(fund_type__in=["bond", "money_market"]),
    "balanced_growth": Q(fund_type__in=["mixed", "bond"]),
    "long_term_growth": Q(fund_type__in=["index", "equity", "mixed"]),
    "aggressive_growth": Q(fund_type__in=["equity", "index"]),
}
HORIZON_FIT = {
    "short": Q(fund_type="money_market") | Q(kind="savings", savings_terms__term_months__lte=12),
    "medium": Q(fund_type__in=["bond", "mixed"]) | Q(kind="savings") | Q(kind="insurance"),
    "long": Q(fund_type__in=["index", "equity", "mixed"]) | Q(kind="insurance"),
}


def suitable_risk_levels(*, risk_level: int | None, assessment_valid: bool) -> list[int]:
    """The product risk levels the suitability rule allows outright (no acknowledgement)."""
    return [
        r
        for r in RiskLevel.values
        if suitability_check(
            investor_level=risk_level, assessment_valid=assessment_valid, product_risk=r
        ).allowed
    ]


def recommendations_for(
    *,
    risk_level: int | None,
    assessment_valid: bool,
    goal: str = "",
    horizon: str | None = None,
    held_by=None,
    limit: int = 12,
) -> QuerySet[Product]:
    """Products that suit the investor, best fit first; never a mismatched one, none at all
    without a valid assessment, and none that ``held_by`` already holds."""
    levels = suitable_risk_levels(risk_level=risk_level, assessment_valid=assessment_valid)
    if not levels:
        return Product.objects.none()
    never = Q(pk__in=[])
    fit = Case(When(GOAL_FIT.get(goal, never), then=Value(2)), default=Value(0)) + Case(
        When(HORIZON_FIT.get(horizon or "", never), then=Value(1)), default=Value(0)
    )
    products = catalogue_queryset().filter(risk_level__in=levels)
    if held_by is not None:
        # ``holdings`` is the reverse name of orders.Holding.product (no import of orders).
        held = Product.objects.filter(holdings__user=held_by, holdings__units__gt=0)
        products = products.exclude(pk__in=held.values("pk"))
    return products.annotate(fit=fit).order_by("-fit", *default_order())[:limit]


def fee_tiers_of(*, product: Product, schedule: str) -> list[Tier]:
    """The product's fee schedule as it is now (empty for money-market funds and non-funds)."""
    if not product.is_fund or product.is_money_market:
        return []
    return [Tier.of(t) for t in product.fee_tiers.all() if t.schedule == schedule]


def subscription_band_for(*, product: Product, amount: Decimal) -> Tier | None:
    """The band of the product's subscription schedule that a purchase of ``amount`` pays
    (None: it charges no subscription fee). Placing an order keeps this band on the order, and
    the checkout's estimate prices it, so the fee shown is the fee charged."""
    tiers = fee_tiers_of(product=product, schedule=FeeSchedule.SUBSCRIPTION)
    return subscription_band(tiers=tiers, amount=amount) if tiers else None


def subscription_fee_estimate(*, product: Product, amount: Decimal):
    """The front-end fee a purchase of ``amount`` would pay (funds; None for other kinds)."""
    band = subscription_band_for(product=product, amount=amount)
    return band_fee(tier=band, amount=amount) if band else None


# The periods of the fund page's performance table: the product's field, and its label.
PERFORMANCE_PERIODS = (
    ("return_1m", pgettext_lazy("performance period", "1M")),
    ("return_3m", pgettext_lazy("performance period", "3M")),
    ("return_6m", pgettext_lazy("performance period", "6M")),
    ("return_1y", pgettext_lazy("performance period", "1Y")),
    ("return_3y", pgettext_lazy("performance period", "3Y")),
    ("return_since_launch", pgettext_lazy("performance period", "Since inception")),
)


@dataclass(frozen=True)
class PeriodFigure:
    """One period of a fund's performance beside its category: the average of the category's
    funds that have a figure for it, and the fund's rank among them (1 = best, ties share)."""

    field: str
    label: StrOrPromise
    value: Decimal | None
    category_average: Decimal | None
    rank: int | None
    count: int


@dataclass(frozen=True)
class FundPerformance:
    # False: the fund is younger than six months, so no period return is shown at all
    # (DESIGN §4: past performance only for periods over six months).
    shown: bool
    periods: tuple[PeriodFigure, ...] = ()


def has_track_record(product: Product) -> bool:
    """Whether a fund's series covers six months: its 6-month figure exists exactly then
    (products.services.stats keeps a period figure only where the series covers it)."""
    return product.return_6m is not None


def category_peers(*, fund_type: str) -> QuerySet[Product]:
    """The funds a fund is ranked among: the published funds of its type, of approved
    institutions, old enough to show their performance."""
    return Product.objects.filter(
        status=ProductStatus.PUBLISHED,
        institution__status=InstitutionStatus.APPROVED,
        kind=ProductKind.FUND,
        fund_type=fund_type,
        return_6m__isnull=False,
    ).order_by()


def fund_performance(*, product: Product) -> FundPerformance | None:
    """A NAV fund's returns by period beside its category's average and its rank, in one
    aggregate query over the category whatever its size (``None`` for money-market funds and
    non-funds, whose page shows no NAV returns). A fund's rank in a period is one more than
    the number of peers with a strictly higher figure, so ties share a rank; peers without a
    figure for the period are not counted."""
    if not product.is_fund or product.is_money_market:
        return None
    if not has_track_record(product):
        return FundPerformance(shown=False)
    aggregates: dict[str, Aggregate] = {}
    for field, _label in PERFORMANCE_PERIODS:
        aggregates[f"{field}__avg"] = Avg(field)
        aggregates[f"{field}__count"] = Count(field)
        value = getattr(product, field)
        if value is not None:
            aggregates[f"{field}__ahead"] = Count("pk", filter=Q(**{f"{field}__gt": value}))
    row = category_peers(fund_type=product.fund_type).aggregate(**aggregates)
    periods = []
    for field, label in PERFORMANCE_PERIODS:
        value = getattr(product, field)
        average = row[f"{field}__avg"]
        periods.append(
            PeriodFigure(
                field=field,
                label=label,
                value=value,
                category_average=None if average is None else round_rate(average),
                rank=None if value is None else row[f"{field}__ahead"] + 1,
                count=row[f"{field}__count"],
            )
        )
    return FundPerformance(shown=True, periods=tuple(periods))
