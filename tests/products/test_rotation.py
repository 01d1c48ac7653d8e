"""The catalogue's neutral tie-break: a published daily rotation anyone can recompute (issue 15)."""

import datetime as dt
import hashlib
from collections import Counter
from decimal import Decimal

import pytest

from institutions.models import Institution, InstitutionType
from products import ranking, selectors
from products.models import Product
from tests.factories import InstitutionFactory, ProductFactory

pytestmark = pytest.mark.django_db

START = dt.date(2026, 11, 2)  # a Monday


def band_of_brands():
    """Four brands with three funds each, all in one band (same risk, same minimum purchase);
    the platform's "Fortune Market …" names would lead an A–Z order every day."""
    platform = Institution.objects.get(type=InstitutionType.PLATFORM)
    brands = {
        "platform": platform,
        "jade": InstitutionFactory(slug="jade", name="Jade Fund Management"),
        "orchid": InstitutionFactory(slug="orchid", name="Orchid Asset Management"),
        "zen": InstitutionFactory(slug="zen", name="Zen Capital"),
    }
    names = {"platform": "Fortune Market", "jade": "Jade", "orchid": "Orchid", "zen": "Zen"}
    for brand, institution in brands.items():
        for i in range(3):
            ProductFactory(
                institution=institution,
                name=f"{names[brand]} Bond {i}",
                slug=f"{brand}-bond-{i}",
                risk_level=2,
                min_purchase=Decimal("10"),
            )
    return brands


def order_on(day, **params):
    return list(
        selectors.product_list_for_catalogue(params=params or None, day=day).qs.values_list(
            "slug", flat=True
        )
    )


def test_rotation_day_is_the_trading_day():
    assert ranking.rotation_day(dt.date(2026, 12, 4)) == dt.date(2026, 12, 4)  # Friday
    assert ranking.rotation_day(dt.date(2026, 12, 5)) == dt.date(2026, 12, 4)  # Saturday
    assert ranking.rotation_day(dt.date(2026, 12, 6)) == dt.date(2026, 12, 4)  # Sunday
    # National Day week: 1–7 October 2026 closed (3–4 a weekend) → 30 September.
    assert ranking.rotation_day(dt.date(2026, 10, 7)) == dt.date(2026, 9, 30)
    assert ranking.trading_days_from(dt.date(2026, 10, 1), 2) == [
        dt.date(2026, 10, 8),
        dt.date(2026, 10, 9),
    ]


def test_order_is_reproducible_from_the_published_formula():
    band_of_brands()
    for day in ranking.trading_days_from(START, 5):
        expected = sorted(
            order_on(day),
            key=lambda slug: hashlib.sha256(f"{day.isoformat()}:{slug}".encode()).hexdigest(),
        )
        assert order_on(day) == expected, day


def test_the_database_computes_the_published_key():
    band_of_brands()
    day = dt.date(2026, 12, 4)
    for row in selectors.rotation_example(day=day, limit=12):
        assert row.text == f"2026-12-04:{row.product.slug}"
        assert row.key == hashlib.sha256(row.text.encode()).hexdigest()


def test_no_brand_leads_every_day_and_the_platform_gets_no_advantage():
    brands = band_of_brands()
    days = ranking.trading_days_from(START, 20)
    assert len(set(days)) == 20
    leaders = Counter()
    orders = []
    for day in days:
        order = order_on(day)
        orders.append(order)
        leaders[order[0].split("-")[0]] += 1
    assert len({tuple(o) for o in orders}) > 1, "the order must change between trading days"
    assert max(leaders.values()) < 20, leaders  # nobody leads every day
    assert len(leaders) >= 3, leaders  # the lead really rotates between brands
    # The platform gets no advantage: over 20 days its funds' average place in the band (0–11)
    # is within chance of the middle (5.5), and it does not lead most days.
    assert leaders["platform"] < 10, leaders
    places = [order.index(slug) for order in orders for slug in order if slug.startswith("pl")]
    assert 4 <= sum(places) / len(places) <= 7
    # ...whereas an A–Z tie-break (the old rule) put it first every single day.
    assert Product.objects.order_by("name").first().institution == brands["platform"]


def test_neither_ownership_nor_name_moves_a_product_within_the_rotation():
    brands = band_of_brands()
    day = dt.date(2026, 12, 4)
    before = order_on(day)
    product = brands["zen"].products.first()
    product.institution = brands["platform"]
    product.save()
    assert order_on(day) == before
    # Nor does a name: calling every fund "AAA …" changes nothing either.
    Product.objects.update(name="AAA Bond")
    assert order_on(day) == before


def test_order_is_stable_within_a_day_and_across_pages(client, monkeypatch):
    band_of_brands()
    day = dt.date(2026, 12, 4)
    monkeypatch.setattr(ranking, "local_today", lambda: day)
    full = [p["slug"] for p in client.get("/api/v1/products/?page_size=100").json()["results"]]
    assert full == order_on(day)
    paged = []
    for page in (1, 2, 3):
        body = client.get(f"/api/v1/products/?page_size=5&page={page}").json()
        paged += [p["slug"] for p in body["results"]]
    assert paged == full
    # Saturday keeps Friday's order.
    monkeypatch.setattr(ranking, "local_today", lambda: day + dt.timedelta(days=1))
    again = [p["slug"] for p in client.get("/api/v1/products/?page_size=100").json()["results"]]
    assert again == full


def test_risk_and_minimum_purchase_still_come_first():
    band_of_brands()
    safe = ProductFactory(slug="zzz-safe", risk_level=1, min_purchase=Decimal("1000"))
    cheap = ProductFactory(slug="zzz-cheap", risk_level=2, min_purchase=Decimal("1"))
    for day in ranking.trading_days_from(START, 5):
        order = order_on(day)
        assert order[:2] == [safe.slug, cheap.slug], day


def test_ranking_page_publishes_formula_seed_and_worked_example(client, monkeypatch):
    band_of_brands()
    day = dt.date(2026, 12, 4)
    monkeypatch.setattr(ranking, "local_today", lambda: dt.date(2026, 12, 6))
    html = client.get("/about/ranking/").content.decode()
    assert "sha256" in html
    assert "2026-12-04" in html  # Sunday shows Friday's seed
    first = order_on(day)[0]
    key = hashlib.sha256(f"2026-12-04:{first}".encode()).hexdigest()
    assert f"2026-12-04:{first}" in html
    assert key[:16] in html
    assert html.index(f"2026-12-04:{first}") < html.index(f"2026-12-04:{order_on(day)[1]}")


def test_a_page_cached_yesterday_is_not_served_today(client, monkeypatch):
    """The page cache is keyed by the business day, so the new day's order shows at once."""
    from django.core.cache import cache
    from django.utils import timezone

    band_of_brands()
    cache.clear()
    real = timezone.localdate
    friday, monday = dt.date(2026, 12, 4), dt.date(2026, 12, 7)

    def on(day):
        monkeypatch.setattr(ranking, "local_today", lambda: day)
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: real(*a, **k) if a else day)
        html = client.get("/products/").content.decode()
        return sorted(order_on(day), key=lambda s: html.index(f"/products/{s}/"))

    assert on(friday) == order_on(friday)
    assert on(monday) == order_on(monday) != order_on(friday)
