"""Curated lists: an institution's own selections of its products for its storefront.

A list only ever shows the institution's own products on sale, on its own page, labelled
"Selected by <institution>". Nothing here touches the catalogue's order (/about/ranking/)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from marketplace.cache import bump_catalogue_version

from ..marketing import marketing_violations
from ..models import CuratedList, CuratedListItem, Product, ProductStatus
from ._common import _require_editor

MAX_LIST_ITEMS = 12
LIST_NEEDS_PRODUCTS = _("Choose at least one product for the list.")
LIST_TOO_LONG = _("A list may hold at most %(max)d products.")
LIST_FOREIGN_PRODUCT = _("A list may only hold your own products that are on sale or in draft.")
LIST_TITLE_REQUIRED = _("Give the list a title.")


def curatable_products(*, institution: Institution):
    """The products an institution may put in its lists: its own, not closed."""
    return Product.objects.filter(institution=institution).exclude(status=ProductStatus.CLOSED)


@transaction.atomic
def curated_list_save(
    *,
    institution: Institution,
    actor,
    title: str,
    blurb: str,
    products: list[Product],
    curated_list: CuratedList | None = None,
) -> CuratedList:
    """Create or edit a list and replace its items, in the order given. All or nothing."""
    _require_editor(institution=institution, actor=actor)
    if curated_list is not None and curated_list.institution_id != institution.pk:
        raise ValidationError(LIST_FOREIGN_PRODUCT)
    title, blurb = (title or "").strip(), (blurb or "").strip()
    errors: dict[str, list] = {}
    if not title:
        errors["title"] = [LIST_TITLE_REQUIRED]
    problems = marketing_violations(title) + marketing_violations(blurb)
    if problems:
        errors.setdefault("blurb", []).extend(problems)
    ids = list(dict.fromkeys(p.pk for p in products))
    if not ids:
        errors["products"] = [LIST_NEEDS_PRODUCTS]
    elif len(ids) > MAX_LIST_ITEMS:
        errors["products"] = [LIST_TOO_LONG % {"max": MAX_LIST_ITEMS}]
    elif curatable_products(institution=institution).filter(pk__in=ids).count() != len(ids):
        errors["products"] = [LIST_FOREIGN_PRODUCT]
    if errors:
        raise ValidationError(errors)
    if curated_list is None:
        last = institution.curated_lists.aggregate(m=Max("position"))["m"]
        curated_list = CuratedList(institution=institution, position=(last or 0) + 1)
    curated_list.title, curated_list.blurb = title, blurb
    curated_list.updated_at = timezone.now()
    curated_list.full_clean()
    curated_list.save()
    curated_list.items.all().delete()
    CuratedListItem.objects.bulk_create(
        CuratedListItem(curated_list=curated_list, product_id=pk, position=i)
        for i, pk in enumerate(ids, start=1)
    )
    bump_catalogue_version()
    return curated_list


@transaction.atomic
def curated_list_publish(*, curated_list: CuratedList, actor, published: bool) -> CuratedList:
    _require_editor(institution=curated_list.institution, actor=actor)
    curated_list.published = published
    curated_list.updated_at = timezone.now()
    curated_list.save(update_fields=["published", "updated_at"])
    bump_catalogue_version()
    return curated_list


@transaction.atomic
def curated_list_move(*, curated_list: CuratedList, actor, up: bool) -> CuratedList:
    """Swap the list with its neighbour above (``up``) or below on the storefront."""
    _require_editor(institution=curated_list.institution, actor=actor)
    lists = list(
        CuratedList.objects.select_for_update()
        .filter(institution_id=curated_list.institution_id)
        .order_by("position", "id")
    )
    index = next(i for i, item in enumerate(lists) if item.pk == curated_list.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(lists):
        lists[index], lists[other] = lists[other], lists[index]
    for position, item in enumerate(lists, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    bump_catalogue_version()
    return next(item for item in lists if item.pk == curated_list.pk)


@transaction.atomic
def curated_list_delete(*, curated_list: CuratedList, actor) -> None:
    _require_editor(institution=curated_list.institution, actor=actor)
    curated_list.delete()
    bump_catalogue_version()
