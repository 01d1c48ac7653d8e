"""Signed-in pages at scale (issue 16): what every signed-in request asks is cached, the pages'
shared parts come from the fragment cache, and each card's per-investor part is rendered once
per look, without one investor ever seeing another's badge, watch state or CSRF token."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.insight.models import WatchItem
from products.templatetags import variants
from tests.factories import InstitutionFactory, ProductFactory, investor_with_cash

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0"


def _tables(captured) -> list[str]:
    return [
        re.search(r'FROM "(\w+)"', q["sql"]).group(1) if "FROM" in q["sql"] else q["sql"][:30]
        for q in captured.captured_queries
    ]


def _signed_in(level: int = 3) -> Client:
    client = Client(HTTP_USER_AGENT=BROWSER)
    client.force_login(investor_with_cash(level=level))
    return client


@pytest.mark.redis
def test_a_warm_signed_in_request_reads_neither_the_session_nor_the_memberships_from_the_db():
    assert settings.SESSION_ENGINE == "marketplace.sessions"  # cached_db (Redis first)
    ProductFactory()
    client = _signed_in()
    client.get("/products/")  # warms the session cache, the member flags and the fragments

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/products/").status_code == 200

    tables = _tables(captured)
    assert "django_session" not in tables
    assert "institutions_membership" not in tables
    assert tables.count("profiles_user") == 1


def test_a_warm_signed_in_catalogue_page_runs_two_queries_for_any_number_of_products():
    institution = InstitutionFactory()
    ProductFactory.create_batch(3, institution=institution)
    client = _signed_in()
    client.get("/products/")
    with CaptureQueriesContext(connection) as few:
        client.get("/products/")
    ProductFactory.create_batch(30, institution=institution)
    from django.core.cache import cache

    cache.clear()  # factories skip the services that move the catalogue version
    client.get("/products/")
    with CaptureQueriesContext(connection) as many:
        client.get("/products/")

    # The user and the investor's profile: no filter panel's institution list, no facet
    # counts, no page of products (cached with the counts), no memberships (cached without
    # Redis too), no watchlist (cached per investor).
    assert (
        len(many) == len(few) <= 2 + (0 if settings.SESSION_ENGINE == "marketplace.sessions" else 1)
    )
    assert "orders_watchitem" not in _tables(many)


def test_a_warm_signed_in_product_page_reads_only_the_investors_own_rows():
    product = ProductFactory()
    client = _signed_in()
    url = f"/products/{product.slug}/"
    first = client.get(url, HTTP_USER_AGENT="Googlebot")  # a robot: not counted
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url, HTTP_USER_AGENT="Googlebot")

    assert again.content.count(b"<section") == first.content.count(b"<section")
    tables = set(_tables(captured))
    shared = {"products_product", "products_feetier", "products_productdocument"}
    assert not tables & shared, tables
    assert "institutions_membership" not in tables
    # Nor what the platform earns (cached with the page) nor the watchlist (per investor).
    assert "institutions_commissioncontract" not in tables
    assert "orders_watchitem" not in tables


def _card_badge(content: bytes, product) -> str:
    html = content.decode()
    start = html.index(f'value="{product.slug}"')
    return html[start - 1500 : start]


def test_each_investor_sees_their_own_fit_on_the_cards_however_the_parts_are_reused():
    product = ProductFactory(risk_level=3)
    cautious, bold = _signed_in(level=1), _signed_in(level=5)
    for _ in range(2):  # the second round comes from the rendered looks
        bold_page = bold.get("/products/").content.decode()
        cautious_page = cautious.get("/products/").content.decode()
        assert "Suits your risk level (C5)" in bold_page
        assert "Suits your risk level" not in cautious_page
        assert "Above your risk level" in cautious_page or "You cannot buy" in cautious_page
    assert variants._rendered  # the looks were reused, not rendered each time
    assert product.slug in bold_page


def test_the_watch_state_and_the_forms_token_and_path_are_the_investors_own():
    product = ProductFactory()
    watcher = Client(HTTP_USER_AGENT=BROWSER, enforce_csrf_checks=True)
    user = investor_with_cash()
    watcher.force_login(user)
    other = _signed_in()
    WatchItem.objects.create(user=user, product=product)
    other.get("/products/?q=a")  # renders the unwatched look first

    page = watcher.get("/products/?ordering=name").content.decode()

    assert "Remove " in page
    assert "watch-button__btn--on" in page
    assert "watch-button__btn--on" not in other.get("/products/").content.decode()
    assert variants.CSRF_PLACEHOLDER not in page
    assert variants.PATH_PLACEHOLDER not in page
    assert 'name="next" value="/products/?ordering=name"' in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = watcher.post(
        reverse("watch:remove", args=[product.slug]),
        {"csrfmiddlewaretoken": token, "next": "/products/"},
    )
    assert response.status_code == 302  # the reused look's form carries a valid token
    assert not WatchItem.objects.filter(user=user, product=product).exists()


def test_a_cards_compare_choice_is_the_requests_own_and_the_home_shares_the_looks():
    product = ProductFactory(risk_level=1)
    client = _signed_in(level=3)
    client.get("/products/")  # the unchosen look, in memory

    chosen = client.get(f"/products/?compare={product.slug}").content.decode()
    plain = client.get("/products/").content.decode()

    assert "Chosen for comparison" in chosen
    assert "Chosen for comparison" not in plain
    assert f'name="p" value="{product.slug}"' in plain
    home = client.get("/me/").content.decode()
    assert variants.CSRF_PLACEHOLDER not in home
    assert variants.PATH_PLACEHOLDER not in home


def test_each_investor_sees_their_own_fit_watch_state_and_buy_button_on_a_product_page():
    product = ProductFactory(risk_level=3)
    url = f"/products/{product.slug}/"
    cautious, bold = _signed_in(level=1), _signed_in(level=5)
    watcher_user = investor_with_cash(level=5)
    watcher = Client(HTTP_USER_AGENT=BROWSER)
    watcher.force_login(watcher_user)
    WatchItem.objects.create(user=watcher_user, product=product)
    checkout = reverse("orders:checkout", args=[product.slug])
    for _ in range(2):  # the second round comes from the rendered looks
        bold_page = bold.get(url).content.decode()
        cautious_page = cautious.get(url).content.decode()
        watcher_page = watcher.get(url).content.decode()
        assert "Suits your risk level (C5)" in bold_page
        assert f'href="{checkout}"' in bold_page
        assert "Suits your risk level" not in cautious_page
        assert f'href="{checkout}"' not in cautious_page
        assert "watch-button__btn--on" in watcher_page
        assert "watch-button__btn--on" not in bold_page
        for page in (bold_page, cautious_page, watcher_page):
            assert variants.CSRF_PLACEHOLDER not in page
            assert variants.PATH_PLACEHOLDER not in page
            assert f'name="next" value="{url}"' in page
