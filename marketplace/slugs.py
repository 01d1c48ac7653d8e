"""Unique slugs for URLs (institutions, products), the one place they are made."""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.utils.text import slugify

SLUG_BASE_LENGTH = 70  # leaves room for "-<n>" within a SlugField(max_length=80)


def unique_slug(
    name: str,
    *,
    queryset: QuerySet[Model],
    fallback: str,
    field: str = "slug",
    exclude_pk: int | None = None,
) -> str:
    """``name`` as an ASCII slug not yet taken in ``queryset``: ``fund``, then ``fund-2``,
    ``fund-3``…; ``fallback`` when the name has no ASCII letters or digits (``华夏成长``).

    Two callers racing for the same slug are left to the database's unique constraint.
    """
    base = slugify(name or "")[:SLUG_BASE_LENGTH].strip("-") or fallback
    taken_qs = queryset.filter(**{f"{field}__startswith": base})
    if exclude_pk is not None:
        taken_qs = taken_qs.exclude(pk=exclude_pk)
    taken = set(taken_qs.values_list(field, flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
