"""What an institution shows beside its listings: articles and announcements, the products' daily
page-view counters and curated lists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from institutions.models import Institution
from marketplace.validators import plain_text

from .product import Product


class ArticleKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    ANNOUNCEMENT = "announcement", _("Announcement")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("article status", "Draft")
    PUBLISHED = "published", pgettext_lazy("article status", "Published")
    WITHDRAWN = "withdrawn", pgettext_lazy("article status", "Withdrawn")


class Article(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="articles")
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, null=True, blank=True, related_name="articles"
    )
    kind = models.CharField(max_length=12, choices=ArticleKind.choices, default=ArticleKind.ARTICLE)
    title = models.CharField(max_length=200, validators=[plain_text])
    body = models.TextField(max_length=20000, validators=[plain_text])
    status = models.CharField(
        max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["institution", "status", "published_at"])]

    def __str__(self) -> str:
        return self.title


class ProductPageViewDay(models.Model):
    """How often a product's page was opened on one business day: a bare counter, so that the
    institution's dashboard can show the conversion from views to orders without tracking
    anyone. No user, IP address or cookie is stored; bots and staff or institution members are
    not counted (``products.services.page_view_count``)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="page_view_days")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["product", "day"]
        constraints = [
            models.UniqueConstraint(fields=["product", "day"], name="page_views_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.day}: {self.views}"


class CuratedList(models.Model):
    """A list of its own products an institution publishes on its storefront ("Selected by …").
    Only ever shown on the institution's page, labelled as its selection: it never takes part
    in the catalogue's ranking (/about/ranking/)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="curated_lists"
    )
    title = models.CharField(_("title"), max_length=120, validators=[plain_text])
    blurb = models.CharField(_("blurb"), max_length=400, blank=True, validators=[plain_text])
    position = models.PositiveSmallIntegerField(default=0)
    published = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["institution", "published", "position"])]

    def __str__(self) -> str:
        return self.title


class CuratedListItem(models.Model):
    curated_list = models.ForeignKey(CuratedList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="curated_items")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["curated_list", "product"], name="curated_item_once_per_list"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.curated_list_id}#{self.position}: {self.product_id}"
