"""Articles an institution publishes, after the marketing check."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from institutions.models import Institution
from marketplace.cache import bump_catalogue_version

from ..marketing import marketing_violations
from ..models import Article, ArticleStatus, Product
from ..signals import article_published
from ._common import _require_editor


@transaction.atomic
def article_save(
    *,
    institution: Institution,
    actor,
    title: str,
    body: str,
    kind: str,
    product: Product | None = None,
    article: Article | None = None,
) -> Article:
    """Create or edit a draft article (a published one is withdrawn before editing)."""
    _require_editor(institution=institution, actor=actor)
    if product is not None and product.institution_id != institution.pk:
        raise ValidationError({"product": "Choose one of your own products."})
    if article is None:
        article = Article(institution=institution, author=actor)
    elif article.status == ArticleStatus.PUBLISHED:
        raise ValidationError("Withdraw the article before editing it.")
    article.title, article.body, article.kind, article.product = (
        (title or "").strip(),
        (body or "").strip(),
        kind,
        product,
    )
    article.full_clean()
    article.save()
    return article


@transaction.atomic
def article_publish(*, article: Article, actor) -> Article:
    """Publish after the marketing check; a violation quotes the offending sentence."""
    _require_editor(institution=article.institution, actor=actor)
    problems = marketing_violations(article.title) + marketing_violations(article.body)
    if problems:
        raise ValidationError({"body": problems})
    article.status = ArticleStatus.PUBLISHED
    article.published_at = timezone.now()
    article.save(update_fields=["status", "published_at"])
    bump_catalogue_version()
    article_published.send(
        sender=Article,
        article_id=article.pk,
        institution_id=article.institution_id,
        product_id=article.product_id,
    )
    return article


@transaction.atomic
def article_withdraw(*, article: Article, actor) -> Article:
    _require_editor(institution=article.institution, actor=actor)
    article.status = ArticleStatus.WITHDRAWN
    article.save(update_fields=["status"])
    bump_catalogue_version()
    return article
