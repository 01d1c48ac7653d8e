"""With Redis, a product page view is an increment in Redis, not an UPDATE of the day's row that
every visitor queues on; beat's flush adds the views to the rows, none lost and none twice, so
the dashboard's figures stay right (issue 16)."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from products.models import ProductPageViewDay
from products.services import page_view_count, page_views, page_views_flush
from products.tasks import page_views_flush as flush_task
from tests.factories import ProductFactory

pytestmark = [pytest.mark.django_db, pytest.mark.redis]
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0"


@pytest.fixture(autouse=True)
def _buffered(settings):
    settings.PAGE_VIEWS_BUFFERED = True


def _views(product) -> dict:
    return dict(ProductPageViewDay.objects.filter(product=product).values_list("day", "views"))


def test_a_view_writes_nothing_to_the_database_until_the_flush_adds_it():
    product = ProductFactory()
    url = f"/products/{product.slug}/"
    client = Client(HTTP_USER_AGENT=BROWSER)
    client.get(url)  # renders and caches the page
    with CaptureQueriesContext(connection) as captured:
        for _ in range(4):
            assert client.get(url).status_code == 200
    assert not [q for q in captured.captured_queries if "pageviewday" in q["sql"]]
    assert _views(product) == {}

    assert flush_task() == 5

    assert _views(product) == {timezone.localdate(): 5}


def test_flushing_again_adds_only_the_views_since_and_days_keep_their_own_rows():
    product, other = ProductFactory(), ProductFactory()
    monday, tuesday = dt.date(2026, 11, 23), dt.date(2026, 11, 24)
    for _ in range(3):
        page_view_count(slug=product.slug, day=monday)
    page_view_count(slug=other.slug, day=tuesday)
    assert page_views_flush() == 4
    assert page_views_flush() == 0  # nothing new: nothing added twice

    page_view_count(slug=product.slug, day=monday)
    assert page_views_flush() == 1

    assert _views(product) == {monday: 4}
    assert _views(other) == {tuesday: 1}


def test_views_of_a_product_that_is_gone_are_dropped_not_fatal():
    product = ProductFactory()
    page_view_count(slug="no-such-product")
    page_view_count(slug=product.slug)
    assert page_views_flush() == 2
    assert sum(_views(product).values()) == 1


def test_a_view_counted_while_redis_is_unreachable_goes_to_the_row(monkeypatch):
    product = ProductFactory()

    def unreachable(day):
        raise ConnectionError("redis down")

    monkeypatch.setattr(page_views, "_buffer", unreachable)
    page_view_count(slug=product.slug)

    assert _views(product) == {timezone.localdate(): 1}
