"""Month arithmetic and unique slugs, each done in one place (marketplace.dates,
marketplace.slugs) for every app."""

import datetime as dt

import pytest

from institutions.models import Institution
from marketplace.dates import (
    add_months,
    month_end,
    month_start,
    months_before,
    next_month_start,
    parse_month,
    previous_month_start,
)
from marketplace.slugs import unique_slug
from products.models import Product
from tests import factories

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 15), 1, D(2026, 2, 15)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # a shorter month ends on its last day
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),  # December → January
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 5, 10), 24, D(2028, 5, 10)),
        (D(2028, 2, 29), 12, D(2029, 2, 28)),  # 29 Feb + a year
        (D(2026, 1, 31), 0, D(2026, 1, 31)),
        (D(2026, 1, 15), -1, D(2025, 12, 15)),  # January → December, backwards
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2028, 3, 30), -1, D(2028, 2, 29)),
        (D(2026, 6, 30), -18, D(2024, 12, 30)),
    ],
)
def test_add_months_keeps_the_day_or_ends_on_the_months_last_day(day, months, expected):
    assert add_months(day, months) == expected


def test_months_before_is_add_months_backwards():
    assert months_before(D(2026, 8, 31), 6) == D(2026, 2, 28)
    assert months_before(D(2026, 1, 10), 12) == D(2025, 1, 10)


def test_month_boundaries_cross_the_year():
    assert month_start(D(2026, 12, 31)) == D(2026, 12, 1)
    assert next_month_start(D(2026, 12, 31)) == D(2027, 1, 1)
    assert previous_month_start(D(2026, 1, 1)) == D(2025, 12, 1)
    assert month_end(D(2028, 2, 3)) == D(2028, 2, 29)
    assert month_end(D(2026, 12, 3)) == D(2026, 12, 31)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02", D(2026, 2, 1)),
        ("2026-13", None),
        ("2026-2", None),
        ("2026-02-01", None),
        ("abcd-ef", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_month_reads_yyyy_mm_and_nothing_else(value, expected):
    assert parse_month(value) == expected


@pytest.mark.django_db
def test_unique_slug_numbers_collisions_from_two():
    institution = factories.InstitutionFactory()
    factories.ProductFactory(institution=institution, slug="growth-fund")
    factories.ProductFactory(institution=institution, slug="growth-fund-2")
    qs = Product.objects.all()
    assert unique_slug("Growth Fund", queryset=qs, fallback="product") == "growth-fund-3"
    assert unique_slug("Growth", queryset=qs, fallback="product") == "growth"


@pytest.mark.django_db
def test_unique_slug_excludes_the_object_being_renamed():
    product = factories.ProductFactory(slug="growth-fund")
    qs = Product.objects.all()
    assert unique_slug("Growth Fund", queryset=qs, fallback="p", exclude_pk=product.pk) == (
        "growth-fund"
    )


@pytest.mark.django_db
def test_unique_slug_for_a_name_without_ascii_uses_the_fallback_and_stays_unique():
    qs = Institution.objects.all()
    first = unique_slug("华夏基金", queryset=qs, fallback="institution")
    assert first == "institution"
    factories.InstitutionFactory(slug=first)
    assert unique_slug("南方基金", queryset=qs, fallback="institution") == "institution-2"
    # Accents are transliterated, not dropped.
    assert unique_slug("Crédit Épargne", queryset=qs, fallback="institution") == "credit-epargne"


@pytest.mark.django_db
def test_unique_slug_of_a_long_name_fits_the_field_without_a_dangling_hyphen():
    name = "a" * 69 + " bond fund"
    slug = unique_slug(name, queryset=Product.objects.all(), fallback="product")
    assert slug == "a" * 69
    factories.ProductFactory(slug=slug)
    second = unique_slug(name, queryset=Product.objects.all(), fallback="product")
    assert second == "a" * 69 + "-2"
    assert len(second) <= Product._meta.get_field("slug").max_length
