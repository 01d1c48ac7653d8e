"""The demo's articles, announcements and storefront lists, published through the services."""

from __future__ import annotations

from decimal import Decimal

from .. import services
from ..models import (
    Article,
    ArticleKind,
    Product,
)
from .listings import EL, JR, PLATFORM, PUBLISHED, SC


def _percent(rate: Decimal | None) -> str:
    return f"{(rate or Decimal(0)) * 100:.1f}%"


def _article_specs(products: dict[str, Product]) -> list[tuple[str, str, str, Product | None, str]]:
    """(institution slug, kind, title, product, body); returns quoted beside their risk level."""

    def fund(code: str) -> Product:
        return Product.objects.get(pk=products[code].pk)  # fresh NAV figures

    def full_period(code: str) -> str:
        p = fund(code)
        return f"Over the past two years {p.name} ({p.risk_code}) returned " + _percent(
            p.return_since_launch
        )

    def one_year(code: str) -> str:
        p = fund(code)
        return f"Over the past 12 months {p.name} ({p.risk_code}) returned {_percent(p.return_1y)}"

    art, news = ArticleKind.ARTICLE, ArticleKind.ANNOUNCEMENT
    return [
        (
            SC,
            art,
            "Why a bond fund belongs in a cautious portfolio",
            products.get("202101"),
            "Bond funds aim for steady income with small price swings, which makes them a "
            f"common anchor for savers. {full_period('202101')}. Past performance does not "
            "predict future results: when interest rates rise, bond prices fall.",
        ),
        (
            SC,
            art,
            "Equity funds: how to sit through the swings",
            products.get("202011"),
            "Share prices move a lot from month to month, and a fund that holds 50 companies "
            f"moves with them. {one_year('202011')}. Investing a fixed amount every month "
            "spreads your purchases over good and bad days.",
        ),
        (
            SC,
            news,
            "Spring Festival trading arrangements",
            None,
            "The exchanges are closed for the Spring Festival holiday. Orders placed during the "
            "holiday trade on the first trading day after it, at that day's NAV.",
        ),
        (
            SC,
            news,
            "Southern Cross ChiNext Index is now open",
            products.get("160121"),
            "Our new ChiNext index fund is open for subscription from 10 CNY. Its subscription "
            "fee is 0.5% for amounts under 500,000 before any coupon.",
        ),
        (
            JR,
            art,
            "Fixed deposit or money-market fund?",
            None,
            "A fixed deposit locks in its rate for the whole term, while a money-market fund lets "
            "you take your money out any day. Many savers keep a few months of spending in the "
            "fund and the rest in deposits.",
        ),
        (
            JR,
            art,
            "Three things to know about index funds",
            products.get("519300"),
            "An index fund owns the whole market instead of guessing which shares will do well. "
            f"Its fees are low. {full_period('519300')}, with large swings along the way.",
        ),
        (
            JR,
            news,
            "New fund manager for Jade River Dividend Growth Equity",
            products.get("519410"),
            "Ms Wang Fang takes over as manager of the fund. The investment policy and the fees "
            "do not change.",
        ),
        (
            EL,
            art,
            "How the cooling-off period protects you",
            None,
            "Every policy sold here has a cooling-off period of at least 15 days. If you change "
            "your mind within it, we refund your premium less a fee of at most 10 CNY.",
        ),
        (
            EL,
            art,
            "What critical illness cover pays for",
            products.get("Evergreen Critical Illness Care"),
            "A critical illness policy pays a lump sum when you are diagnosed, whatever your "
            "hospital bills. Many families use it to replace lost income during treatment.",
        ),
        (
            EL,
            news,
            "Claims service during the National Day holiday",
            None,
            "Our claims line stays open every day of the National Day holiday from 9:00 to 18:00.",
        ),
        (
            PLATFORM,
            art,
            "How we order the catalogue",
            None,
            "The catalogue lists products lowest risk first, then by lowest minimum purchase, "
            "then by name. Who operates a product never changes its place, and that includes "
            "the products we operate ourselves.",
        ),
        (
            PLATFORM,
            art,
            "A core bond fund for the long run",
            products.get("009101"),
            f"{full_period('009101')}. It is meant as a steady base for a portfolio, not as a "
            "source of quick gains.",
        ),
        (
            PLATFORM,
            news,
            "What the platform receives when you buy",
            None,
            "Each product page shows the commission the platform receives from the institution. "
            "It never changes the order of the catalogue.",
        ),
    ]


DRAFT_ARTICLE = (
    SC,
    ArticleKind.ARTICLE,
    "Manager letter: the quarter ahead (draft)",
    "We expect a quieter quarter for bonds and are keeping duration short.",
)


# Storefront lists (issue 15): each an institution's own selection, shown on its page only.
CURATED_LISTS = [
    (
        SC,
        "For your first fund",
        "Our lower-risk funds with small minimum purchases, for investors starting out.",
    ),
    (
        PLATFORM,
        "Keep your cash working",
        "Our products for money you may need at short notice.",
    ),
]


def seed_curated_lists(institutions, editors) -> int:
    created = 0
    for slug, title, blurb in CURATED_LISTS:
        institution = institutions[slug]
        if institution.curated_lists.filter(title=title).exists():
            continue
        picks = list(
            Product.objects.filter(institution=institution, status=PUBLISHED).order_by(
                "risk_level", "min_purchase", "slug"
            )[:3]
        )
        if not picks:
            continue
        curated = services.curated_list_save(
            institution=institution, actor=editors[slug], title=title, blurb=blurb, products=picks
        )
        services.curated_list_publish(curated_list=curated, actor=editors[slug], published=True)
        created += 1
    return created


def seed_articles(*, institutions, editors, products: dict[str, Product]) -> int:
    """Publish the demo articles not there yet (and save the draft); returns how many it wrote."""
    written = 0
    for slug, kind, title, product, body in _article_specs(products):
        institution = institutions[slug]
        if Article.objects.filter(institution=institution, title=title).exists():
            continue
        if product is not None and product.status != PUBLISHED:
            product = None
        article = services.article_save(
            institution=institution,
            actor=editors[slug],
            title=title,
            body=body,
            kind=kind,
            product=product,
        )
        services.article_publish(article=article, actor=editors[slug])
        written += 1
    slug, kind, title, body = DRAFT_ARTICLE
    if not Article.objects.filter(institution=institutions[slug], title=title).exists():
        services.article_save(
            institution=institutions[slug], actor=editors[slug], title=title, body=body, kind=kind
        )
        written += 1
    return written
