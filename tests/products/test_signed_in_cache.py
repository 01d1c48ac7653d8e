"""Signed-in catalogue and product pages (issue 16): what is the same for everyone (facet counts,
the number of matches, the cards' shared HTML, a fund's chart and performance) comes from the
cache, keyed by catalogue version; what is the investor's own (suitability badge, watch
button, distributions as paid to them) is rendered for them on every request."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.http import QueryDict

from institutions.models import InstitutionType, Role
from marketplace.cache import catalogue_version
from orders.insight import watch
from products import fragments, services
from products.models import NavPrice, Product
from products.services.stats import product_stats_refresh
from tests.factories import (
    InstitutionFactory,
    MembershipFactory,
    NavPriceFactory,
    ProductFactory,
    investor_with_cash,
)

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def page(client, path="/products/", **headers):
    response = client.get(path, **(headers or EN))
    assert response.status_code == 200
    return response.content.decode()


def queries_of(client, path, django_assert_max_num_queries, **headers):
    with django_assert_max_num_queries(100) as ctx:
        page(client, path, **headers)
    return len(ctx.captured_queries)


@pytest.fixture
def investor(client):
    user = investor_with_cash(level=3)
    client.force_login(user)
    return user


def test_a_warm_cache_saves_the_facet_and_count_queries(
    client, investor, django_assert_max_num_queries
):
    ProductFactory.create_batch(10)
    cold = queries_of(client, "/products/", django_assert_max_num_queries)
    warm = queries_of(client, "/products/", django_assert_max_num_queries)
    # Eight facet queries and the count are served from the cache.
    assert warm <= cold - 9
    # The same filters in another order share the entry; other filters have their own.
    queries_of(client, "/products/?kind=fund&risk_level=R2", django_assert_max_num_queries)
    assert (
        queries_of(client, "/products/?risk_level=R2&kind=fund", django_assert_max_num_queries)
        == warm
    )
    assert queries_of(client, "/products/?risk_level=R3", django_assert_max_num_queries) > warm + 5


def test_queries_stay_flat_from_10_to_200_products(client, investor, django_assert_max_num_queries):
    ProductFactory.create_batch(10)
    path = "/products/?page_size=100"
    page(client, path)
    small = queries_of(client, path, django_assert_max_num_queries)
    ProductFactory.create_batch(190)
    cache.clear()  # a new version in production; here the factories bypass the services
    page(client, path)
    large = queries_of(client, path, django_assert_max_num_queries)
    assert large == small
    assert small <= 8  # session, user, the page's products, institutions, watchlist, profile


def test_cards_come_from_the_cache_until_the_version_moves(
    client, investor, django_capture_on_commit_callbacks
):
    product = ProductFactory(name_en="Cached Bond")
    assert "Cached Bond" in page(client)
    # A write that bypasses the services (no version bump) is not seen: the card is cached.
    Product.objects.filter(pk=product.pk).update(name_en="Renamed Bond")
    assert "Cached Bond" in page(client)
    editor = MembershipFactory(institution=product.institution, role=Role.EDITOR).user
    with django_capture_on_commit_callbacks(execute=True):
        services.product_close(
            product=ProductFactory(institution=product.institution), actor=editor, reason="Merged."
        )
    html = page(client)
    assert "Renamed Bond" in html
    assert "Cached Bond" not in html


def test_suitability_badges_and_watch_state_stay_per_investor(client):
    product = ProductFactory(name_en="Middle Fund", risk_level=3)
    careful, bold = investor_with_cash(level=1), investor_with_cash(level=5)
    watch.watch_add(user=bold, product=product)

    client.force_login(careful)
    careful_page = page(client)  # cold: fills the cache
    client.force_login(bold)
    bold_page = page(client)  # warm: the same cached card
    client.force_login(careful)
    careful_again = page(client)

    assert "Suits your risk level (C5)" in bold_page
    assert "Suits your risk level" not in careful_page
    assert "Suits your risk level" not in careful_again
    assert "Above your risk level" in careful_again or "You cannot buy" in careful_again
    assert "watch-button__btn--on" in bold_page
    assert "watch-button__btn--on" not in careful_again
    assert "Watching" not in careful_again
    assert "Middle Fund" in careful_again
    assert "Middle Fund" in bold_page


def test_no_badge_without_a_valid_assessment(client):
    ProductFactory(name_en="Plain Fund")
    client.force_login(MembershipFactory().user)  # signed in, never assessed
    html = page(client)
    assert "Plain Fund" in html
    assert "card-fit" not in html


def nav_fund():
    company = InstitutionFactory(type=InstitutionType.FUND_COMPANY)
    product = ProductFactory(institution=company, name_en="Charted Bond")
    start = dt.date(2026, 9, 1)
    for n in range(60):
        NavPriceFactory(product=product, date=start + dt.timedelta(days=n), nav=Decimal("1.1000"))
    product_stats_refresh(product=product)
    return product, MembershipFactory(institution=company, role=Role.EDITOR).user


def test_a_nav_upload_shows_on_the_next_request(
    client, investor, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    product, editor = nav_fund()
    path = f"/products/{product.slug}/"
    cold = queries_of(client, path, django_assert_max_num_queries)
    warm = queries_of(client, path, django_assert_max_num_queries)
    assert warm <= cold - 2  # the NAV series and the category's performance
    assert "(1.1000)" in page(client, path)

    day = NavPrice.objects.filter(product=product).latest("date").date + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.nav_upload(product=product, actor=editor, rows=[(2, day.isoformat(), "1.2345")])
    assert "(1.2345)" in page(client, path)


def test_a_nav_correction_moves_the_version(django_capture_on_commit_callbacks):
    """Approved NAV corrections refresh the figures through ``product_stats_refresh`` (no
    product event): that refresh itself bumps the version."""
    product, _editor = nav_fund()
    before = catalogue_version()
    with django_capture_on_commit_callbacks(execute=True):
        product_stats_refresh(product=product)
    assert catalogue_version() != before


def test_each_range_has_its_own_chart(client, investor):
    product, _editor = nav_fund()
    path = f"/products/{product.slug}/"
    assert 'href="?range=1y#chart-title" aria-current="true"' in page(client, path)
    one_month = page(client, path + "?range=1m")
    assert 'href="?range=1m#chart-title" aria-current="true"' in one_month
    assert 'href="?range=1y#chart-title" aria-current="true"' not in one_month


def test_chinese_and_english_fragments_never_mix(client, investor):
    product, _editor = nav_fund()
    Product.objects.filter(pk=product.pk).update(
        name_en="Charted Bond",
        name_zh_hans="图表债券",
        summary_en="Steady.",
        summary_zh_hans="稳健。",
    )
    detail = f"/products/{product.slug}/"
    for first, second in ((EN, ZH), (ZH, EN)):
        cache.clear()
        for headers in (first, second, first, second):
            catalogue, product_page = page(client, **headers), page(client, detail, **headers)
            if headers is EN:
                assert "Charted Bond" in catalogue
                assert "图表债券" not in catalogue
                assert "Price history (NAV)" in product_page
                assert "Performance" in product_page
            else:
                assert "图表债券" in catalogue
                assert "Charted Bond" not in catalogue
                assert "Price history (NAV)" not in product_page
                assert "1-year return" not in catalogue


def test_the_facet_key_ignores_paging_sorting_and_order():
    key = fragments.normalised_filters
    assert key(QueryDict("kind=fund&risk_level=R2&page=3&ordering=fee")) == key(
        QueryDict("risk_level=R2&kind=fund&compare=x")
    )
    assert key(QueryDict("risk_level=R2&risk_level=R3")) != key(QueryDict("risk_level=R2"))
    assert key(QueryDict("q=bond")) != key(QueryDict("q=Bond"))


def test_the_page_order_is_cached_per_query_and_page(
    client, investor, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for n in range(5):
        ProductFactory(name_en=f"Ordered Fund {n}", min_purchase=Decimal(10 + n), risk_level=2)
    first = page(client, "/products/?page_size=2")
    again = page(client, "/products/?page_size=2")
    second = page(client, "/products/?page_size=2&page=2")
    assert "Ordered Fund 0" in first
    assert "Ordered Fund 0" in again
    assert "Ordered Fund 0" not in second
    assert "Ordered Fund 2" in second
    # A warm page reads none of its products: they come cached with the counts.
    with django_assert_max_num_queries(100) as warm:
        page(client, "/products/?page_size=2")
    assert "products_product" not in " ".join(q["sql"] for q in warm.captured_queries)
    # A product that left the catalogue (its close moves the version) is not served from the
    # cached page.
    closed = Product.objects.get(name_en="Ordered Fund 0")
    editor = MembershipFactory(institution=closed.institution, role=Role.EDITOR).user
    with django_capture_on_commit_callbacks(execute=True):
        services.product_close(product=closed, actor=editor, reason="Merged.")
    html = page(client, "/products/?page_size=2")
    assert "Ordered Fund 0" not in html
    assert "Ordered Fund 1" in html
