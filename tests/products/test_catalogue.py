"""The catalogue as consumers and API clients see it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from institutions.models import Institution, InstitutionStatus, InstitutionType, Role
from institutions.services import applications as institution_applications
from products import services
from products.models import Product, ProductStatus
from tests.factories import (
    CommissionContractFactory,
    InstitutionFactory,
    MembershipFactory,
    NavPriceFactory,
    ProductFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def slugs(response):
    return [p["slug"] for p in response.json()["results"]]


def test_only_published_products_of_approved_institutions_are_listed(client):
    shown = ProductFactory(slug="shown")
    ProductFactory(slug="draft", status=ProductStatus.DRAFT)
    ProductFactory(slug="closed", status=ProductStatus.CLOSED)
    ProductFactory(
        slug="suspended-owner", institution=InstitutionFactory(status=InstitutionStatus.SUSPENDED)
    )
    assert slugs(client.get("/api/v1/products/")) == [shown.slug]
    assert client.get("/api/v1/products/draft/").status_code == 404
    assert client.get("/products/suspended-owner/").status_code == 404
    assert client.get("/products/shown/").status_code == 200


def test_api_serves_the_contract_fields(client):
    platform = Institution.objects.get(type=InstitutionType.PLATFORM)
    product = ProductFactory(institution=platform, risk_level=3, min_purchase=Decimal("100"))
    NavPriceFactory(product=product, date=dt.date(2026, 1, 5), nav=Decimal("1.2345"))
    product.latest_nav = Decimal("1.2345")
    product.save()
    item = client.get("/api/v1/products/").json()["results"][0]
    assert item["slug"] == product.slug
    assert item["kind"] == "fund"
    assert item["risk_level"] == "R3"
    # Both languages' names beside the request language's (issue 14).
    assert item["institution"] == {
        "slug": platform.slug,
        "name": platform.name,
        "name_zh_hans": "财富市场资产管理",
        "name_en": "Fortune Market Asset Management",
        "is_platform": True,
    }
    assert item["name_en"] == product.name_en
    assert item["min_purchase"] == "100.00"
    assert item["latest_nav"] == "1.2345"
    detail = client.get(f"/api/v1/products/{product.slug}/").json()
    assert detail["terms"]["management_fee_rate"] == "0.006000"
    assert len(detail["fee_tiers"]) == 9
    nav = client.get(f"/api/v1/products/{product.slug}/nav/").json()
    assert nav == [{"date": "2026-01-05", "nav": "1.2345"}]


def test_filters_search_and_sorting(client):
    bank = InstitutionFactory(name="Jade River Bank", slug="jade", type=InstitutionType.BANK)
    a = ProductFactory(name="Alpha Bond", risk_level=2, return_1y=Decimal("0.03"))
    b = ProductFactory(
        name="Beta Equity",
        fund_type="equity",
        risk_level=5,
        return_1y=Decimal("0.20"),
        code="519999",
    )
    c = ProductFactory(
        name="Gamma Deposit",
        kind="savings",
        fund_type="",
        code=None,
        institution=bank,
        risk_level=1,
        min_purchase=Decimal("50000"),
    )
    assert slugs(client.get("/api/v1/products/?kind=savings")) == [c.slug]
    assert slugs(client.get("/api/v1/products/?risk_level=R5")) == [b.slug]
    assert set(slugs(client.get("/api/v1/products/?risk_level=R1&risk_level=R2"))) == {
        a.slug,
        c.slug,
    }
    assert slugs(client.get("/api/v1/products/?institution=jade")) == [c.slug]
    assert slugs(client.get("/api/v1/products/?q=519999")) == [b.slug]
    assert slugs(client.get("/api/v1/products/?q=jade")) == [c.slug]
    assert slugs(client.get("/api/v1/products/?max_min_purchase=100")) == [a.slug, b.slug]
    assert slugs(client.get("/api/v1/products/?ordering=return_1y"))[:2] == [b.slug, a.slug]
    assert slugs(client.get("/api/v1/products/")) == [c.slug, a.slug, b.slug]  # default: risk
    assert client.get("/api/v1/products/?risk_level=R9").status_code == 400
    assert client.get("/api/v1/products/?max_min_purchase=abc").status_code == 400


def test_ownership_never_changes_ranking(client):
    """DESIGN §4 neutrality: flipping a product's owner to the platform keeps its position."""
    for i in range(12):
        ProductFactory(
            name=f"Fund {i:02d}",
            risk_level=1 + i % 5,
            min_purchase=Decimal(10 * (i % 3)),
            return_1y=Decimal(i) / 100,
            headline_fee_rate=Decimal("0.01") + Decimal(i % 4) / 1000,
        )
    platform = Institution.objects.get(type=InstitutionType.PLATFORM)
    for ordering in ("default", "return_1y", "fees", "newest"):
        url = f"/api/v1/products/?ordering={ordering}"
        before = slugs(client.get(url))
        for slug in before:
            product = Product.objects.get(slug=slug)
            original = product.institution
            product.institution = platform
            product.save()
            assert slugs(client.get(url)) == before, (ordering, slug)
            html = client.get(f"/products/?ordering={ordering}").content.decode()
            positions = [html.index(f"/products/{s}/") for s in before]
            assert positions == sorted(positions), (ordering, slug)
            product.institution = original
            product.save()


def test_platform_products_are_labelled(client):
    platform = Institution.objects.get(type=InstitutionType.PLATFORM)
    product = ProductFactory(institution=platform)
    assert b"Operated by the platform" in client.get("/products/").content
    assert b"Operated by the platform" in client.get(f"/products/{product.slug}/").content


def test_ranking_rule_is_published(client):
    response = client.get("/about/ranking/")
    assert response.status_code == 200
    assert b"risk level" in response.content.lower()


def _queries(client, url):
    cache.clear()  # measure the page itself, not the page cache
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_catalogue_query_count_does_not_grow_with_rows(client):
    ProductFactory.create_batch(10)
    ten = _queries(client, "/products/?page_size=100")
    ten_api = _queries(client, "/api/v1/products/?page_size=100")
    ProductFactory.create_batch(90)
    assert _queries(client, "/products/?page_size=100") == ten
    assert _queries(client, "/api/v1/products/?page_size=100") == ten_api


def test_catalogue_page_with_100_products_stays_within_a_query_budget(
    client, django_assert_max_num_queries
):
    ProductFactory.create_batch(100)
    with django_assert_max_num_queries(12):
        client.get("/products/?page_size=100")
    with django_assert_max_num_queries(12):
        client.get("/api/v1/products/?page_size=100")


def test_product_page_shows_what_the_platform_earns(client):
    product = ProductFactory()
    CommissionContractFactory(
        institution=product.institution,
        product_kind="fund",
        upfront_basis="front_fee",
        upfront_rate=Decimal("0.4"),
        trail_rate=Decimal("0.3"),
    )
    html = client.get(f"/products/{product.slug}/").content.decode()
    assert "What Fortune Market earns" in html
    assert "40%" in html
    assert "30%" in html


def test_product_page_shows_nav_chart_and_fee_table(client):
    product = ProductFactory()
    for i in range(30):
        NavPriceFactory(product=product, date=dt.date(2026, 1, 1) + dt.timedelta(days=i))
    product.latest_nav_date = dt.date(2026, 1, 30)
    product.latest_nav = Decimal("1.0000")
    product.save()
    html = client.get(f"/products/{product.slug}/?range=1m").content.decode()
    assert "<svg" in html
    assert "polyline" in html
    assert "1.5%" in html  # the first subscription band
    assert "fixed" in html.lower()


def test_anonymous_pages_are_cached_until_the_catalogue_changes(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    product = ProductFactory(name="Cached Bond")
    other = ProductFactory(name="Suspended Owner Bond")
    client.get("/products/")
    with django_assert_num_queries(0):
        assert b"Cached Bond" in client.get("/products/").content
    editor = MembershipFactory(institution=product.institution, role=Role.EDITOR).user
    with django_capture_on_commit_callbacks(execute=True):
        services.product_close(product=product, actor=editor, reason="Merged into another fund.")
    page = client.get("/products/").content
    assert b"Cached Bond" not in page
    assert b"Suspended Owner Bond" in page
    with django_capture_on_commit_callbacks(execute=True):
        institution_applications.institution_suspend(
            institution=other.institution, actor=StaffFactory(), reason="Licence under review."
        )
    assert b"Suspended Owner Bond" not in client.get("/products/").content


def test_signed_in_users_always_get_a_fresh_page(client, django_assert_max_num_queries):
    ProductFactory()
    client.force_login(MembershipFactory().user)
    client.get("/products/")
    with django_assert_max_num_queries(20) as ctx:
        client.get("/products/")
    assert len(ctx.captured_queries) > 0


def test_what_the_platform_earns_never_cites_a_fee_the_product_does_not_charge(client):
    mmf = ProductFactory(fund_type="money_market")
    CommissionContractFactory(
        institution=mmf.institution,
        product_kind="fund",
        upfront_basis="front_fee",
        upfront_rate=Decimal("0.4"),
        trail_rate=Decimal("0.3"),
    )
    html = client.get(f"/products/{mmf.slug}/").content.decode()
    earn = html.split('id="earn-title"')[1].split("</section>")[0]
    assert "of the subscription fee you pay" not in earn
    assert "this product charges none" in earn
    savings = ProductFactory(kind="savings", risk_level=1)
    CommissionContractFactory(
        institution=savings.institution,
        product_kind="savings",
        upfront_basis="amount",
        upfront_rate=Decimal("0.002"),
        trail_rate=Decimal("0.3"),
    )
    earn = client.get(f"/products/{savings.slug}/").content.decode().split('id="earn-title"')[1]
    earn = earn.split("</section>")[0]
    assert "management fee (" not in earn
    assert "this product charges no management fee" in earn
    assert "0.2% of the amount you pay" in earn
