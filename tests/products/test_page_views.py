"""Product page views are a bare daily counter: no personal data, robots and insiders skipped,
the page cache kept, and no view lost when many arrive at once (issue 15)."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from products.models import ProductPageViewDay
from products.services import page_view_count
from tests.factories import MembershipFactory, ProductFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


def views_of(product) -> int:
    return sum(ProductPageViewDay.objects.filter(product=product).values_list("views", flat=True))


def test_each_view_of_the_page_adds_one_to_todays_counter(client):
    product = ProductFactory()
    for _ in range(3):
        assert client.get(f"/products/{product.slug}/", HTTP_USER_AGENT=BROWSER).status_code == 200

    row = ProductPageViewDay.objects.get(product=product)
    assert (row.day, row.views) == (timezone.localdate(), 3)


def test_pages_served_from_the_cache_are_counted_too(client, django_assert_max_num_queries):
    product = ProductFactory()
    url = f"/products/{product.slug}/"
    client.get(url, HTTP_USER_AGENT=BROWSER)  # renders and caches the page

    with django_assert_max_num_queries(1):  # the cached page: only the counter's UPDATE
        assert client.get(url, HTTP_USER_AGENT=BROWSER).status_code == 200

    assert views_of(product) == 2


def test_the_counter_adds_at_most_two_queries_to_a_signed_in_investors_page(
    client, django_assert_num_queries
):
    product = ProductFactory()
    client.force_login(UserFactory())
    url = f"/products/{product.slug}/"
    client.get(url, HTTP_USER_AGENT=BROWSER)
    baseline = len(_queries(client, url, user_agent="Googlebot"))  # a robot: not counted

    counted = _queries(client, url, user_agent=BROWSER)

    assert len(counted) - baseline <= 2
    assert views_of(product) == 2


def _queries(client, url, *, user_agent):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(conn) as captured:
        client.get(url, HTTP_USER_AGENT=user_agent)
    return captured.captured_queries


def test_the_counter_keeps_nothing_about_the_visitor():
    columns = {f.column for f in ProductPageViewDay._meta.concrete_fields}
    assert columns == {"id", "product_id", "day", "views"}


def test_counting_sets_no_cookie_of_its_own(client):
    product = ProductFactory()
    response = client.get(f"/products/{product.slug}/", HTTP_USER_AGENT=BROWSER)
    assert set(response.cookies) <= {"csrftoken"}  # the page's forms' token, nothing else
    assert views_of(product) == 1


@pytest.mark.parametrize(
    "agent",
    [
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "Sogou web spider/4.0",
        "SomeCrawler/1.0",
        "Baiduspider",
    ],
)
def test_robots_are_not_counted(client, agent):
    product = ProductFactory()
    assert client.get(f"/products/{product.slug}/", HTTP_USER_AGENT=agent).status_code == 200
    assert views_of(product) == 0


def test_staff_and_institution_members_are_not_counted(client):
    product = ProductFactory()
    url = f"/products/{product.slug}/"
    for user in (StaffFactory(), MembershipFactory(institution=product.institution).user):
        client.force_login(user)
        assert client.get(url, HTTP_USER_AGENT=BROWSER).status_code == 200
    # A member of another institution is a seller too.
    client.force_login(MembershipFactory().user)
    client.get(url, HTTP_USER_AGENT=BROWSER)
    assert views_of(product) == 0

    client.force_login(UserFactory())
    client.get(url, HTTP_USER_AGENT=BROWSER)
    assert views_of(product) == 1


def test_prefetches_range_switches_and_missing_pages_are_not_counted(client):
    product = ProductFactory()
    url = f"/products/{product.slug}/"
    client.get(url, HTTP_USER_AGENT=BROWSER, HTTP_SEC_PURPOSE="prefetch")
    client.get(f"{url}?range=3y", HTTP_USER_AGENT=BROWSER)
    assert client.get("/products/no-such-product/", HTTP_USER_AGENT=BROWSER).status_code == 404
    assert ProductPageViewDay.objects.count() == 0


def test_each_day_has_its_own_row():
    product = ProductFactory()
    monday, tuesday = dt.date(2026, 11, 23), dt.date(2026, 11, 24)
    page_view_count(slug=product.slug, day=monday)
    page_view_count(slug=product.slug, day=monday)
    page_view_count(slug=product.slug, day=tuesday)
    assert dict(ProductPageViewDay.objects.values_list("day", "views")) == {monday: 2, tuesday: 1}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_views_are_each_counted_once():
    """N threads open the page at once, the day's row not yet there: exactly N."""
    product = ProductFactory()
    threads = 20
    barrier = Barrier(threads)

    def view(_):
        try:
            barrier.wait()
            return Client().get(f"/products/{product.slug}/", HTTP_USER_AGENT=BROWSER).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        statuses = list(pool.map(view, range(threads)))

    assert statuses == [200] * threads
    assert ProductPageViewDay.objects.get(product=product).views == threads


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_counts_of_the_day_race_without_losing_one():
    product = ProductFactory()
    threads = 30
    barrier = Barrier(threads)
    day = dt.date(2026, 11, 23)

    def count(_):
        try:
            barrier.wait()
            page_view_count(slug=product.slug, day=day)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(count, range(threads)))

    assert ProductPageViewDay.objects.get(product=product, day=day).views == threads
