"""A signed-in page's chrome (issue 16): the catalogue around its cards, kept once per query and
catalogue version in each web process ({% variant %} with {% fresh %} holes), so a warm page
builds neither the filter form nor the page around the cards; what is the investor's own (the
cards' looks, the CSRF token, the form's path) is still theirs on every request."""

import re

import pytest
from django.template import engines
from django.test import Client, RequestFactory

from orders.insight.models import WatchItem
from products import selectors
from products.templatetags import variants
from tests.factories import ProductFactory, investor_with_cash

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _signed_in(level: int = 3, user=None) -> Client:
    client = Client(HTTP_USER_AGENT=BROWSER)
    client.force_login(user or investor_with_cash(level=level))
    return client


def _page(client, path="/products/") -> str:
    response = client.get(path, **EN)
    assert response.status_code == 200
    return response.content.decode()


def test_a_warm_signed_in_catalogue_page_builds_no_filter_form(monkeypatch):
    ProductFactory.create_batch(3)
    client = _signed_in()
    _page(client, "/products/?kind=fund&ordering=fees")  # warms the counts, page and chrome
    built = []
    real = selectors.product_list_for_catalogue
    monkeypatch.setattr(
        selectors,
        "product_list_for_catalogue",
        lambda **kwargs: built.append(kwargs) or real(**kwargs),
    )

    html = _page(client, "/products/?kind=fund&ordering=fees")

    assert built == []
    assert 'name="kind" value="fund"' in html  # the sort form keeps the filter
    assert '<option value="fees" selected>' in html


def test_each_query_has_its_own_chrome_and_each_investor_their_own_cards():
    product = ProductFactory(risk_level=3)
    bold_user, cautious_user = investor_with_cash(level=5), investor_with_cash(level=1)
    WatchItem.objects.create(user=bold_user, product=product)
    bold, cautious = _signed_in(user=bold_user), _signed_in(user=cautious_user)
    for _ in range(2):  # the second round comes from the kept chrome
        bold_page = _page(bold, "/products/?ordering=fees")
        cautious_page = _page(cautious, "/products/")
        searched = _page(bold, "/products/?q=%3Cscript%3E")
        assert "Suits your risk level (C5)" in bold_page
        assert "Suits your risk level" not in cautious_page
        assert "watch-button__btn--on" in bold_page
        assert "watch-button__btn--on" not in cautious_page
        assert 'value="&lt;script&gt;"' in searched
        assert "<script>" not in searched
        assert 'value="&lt;script&gt;"' not in bold_page + cautious_page
        assert '<option value="fees" selected>' in bold_page
        assert '<option value="fees" selected>' not in cautious_page
        assert bold_user.email in bold_page
        assert cautious_user.email not in bold_page
        assert cautious_user.email in cautious_page
        assert bold_user.email not in cautious_page
        for html in (bold_page, cautious_page, searched):
            assert variants.CSRF_PLACEHOLDER not in html
            assert variants.PATH_PLACEHOLDER not in html
            assert variants._HOLE not in html
    tokens = {
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        for html in (bold_page, cautious_page)
    }
    assert len(tokens) == 2  # each page carries its own request's token
    assert 'name="next" value="/products/?ordering=fees"' in bold_page
    assert 'name="next" value="/products/?q=%3Cscript%3E"' in searched


def test_a_new_catalogue_version_renders_the_chrome_again():
    ProductFactory(name="First fund")
    client = _signed_in()
    assert "1 product" in _page(client)
    ProductFactory(name="Second fund")
    from django.core.cache import cache

    cache.clear()  # factories skip the services that move the catalogue version

    assert "2 products" in _page(client)


def test_a_hole_is_rendered_on_every_request_and_a_visitor_gets_the_plain_block():
    template = engines["django"].from_string(
        "{% load variants %}{% variant 7 'test-hole' %}kept {{ shown }} "
        "{% fresh %}fresh {{ shown }}{% endfresh %}{% endvariant %}"
    )
    request = RequestFactory().get("/")
    request.user = investor_with_cash()

    first = template.render({"shown": "a"}, request)
    second = template.render({"shown": "b"}, request)

    assert first == "kept a fresh a"
    assert second == "kept a fresh b"  # the block was kept, the hole rendered again

    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert template.render({"shown": "c"}, request) == "kept c fresh c"


def test_the_kept_header_marks_each_pages_own_section_and_names_its_own_investor():
    first, second = investor_with_cash(), investor_with_cash()
    one, other = _signed_in(user=first), _signed_in(user=second)
    for _ in range(2):  # the second round comes from the kept header
        catalogue = _page(one, "/products/")
        home = _page(other, "/me/")
        assert '<a href="/products/" aria-current="page">' in catalogue
        assert '<a href="/products/" aria-current="page">' not in home
        assert 'href="/me/" aria-current="page"' in home
        assert f"Signed in as {first.email}" in catalogue
        assert second.email not in catalogue
        assert f"Signed in as {second.email}" in home
        assert 'name="next" value="/me/"' in home
        assert 'name="next" value="/me/"' not in catalogue
    assert any("site-header" in key for key in variants._rendered)  # kept, not rendered again


def test_what_the_platform_earns_is_cached_with_the_page_and_a_new_contract_shows_at_once(
    django_capture_on_commit_callbacks,
):
    import datetime as dt
    from decimal import Decimal

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from institutions.services.contracts import commission_contract_create
    from tests.factories import UserFactory

    product = ProductFactory()
    client = _signed_in()
    url = f"/products/{product.slug}/"
    _page(client, url)
    with CaptureQueriesContext(connection) as captured:
        _page(client, url)
    assert not any("commissioncontract" in q["sql"] for q in captured.captured_queries)

    with django_capture_on_commit_callbacks(execute=True):
        commission_contract_create(
            institution=product.institution,
            product_kind=product.kind,
            upfront_basis="amount",
            upfront_rate=Decimal("0.0123"),
            trail_rate=Decimal("0"),
            valid_from=timezone.localdate() - dt.timedelta(days=1),
            actor=UserFactory(is_staff=True),
        )

    assert "1.23%" in _page(client, url)


def test_a_warm_page_reads_only_the_catalogue_version_from_the_shared_cache(monkeypatch):
    """Each web process keeps the parts it read (a page of products and cards, the panel; a
    product and its sections) under their version: a warm page fetches no ~100 KB of them
    from Redis, and a new version is read at once."""
    from products import fragments

    product = ProductFactory(name="Kept fund")
    client = _signed_in()
    _page(client)
    _page(client, f"/products/{product.slug}/")
    asked = []
    real = fragments.shared_get_many
    monkeypatch.setattr(
        fragments, "shared_get_many", lambda keys: asked.append(list(keys)) or real(keys)
    )

    assert "Kept fund" in _page(client)
    assert "Kept fund" in _page(client, f"/products/{product.slug}/")
    assert asked == [[], []]

    product.name = "Renamed fund"
    product.save()
    from django.core.cache import cache

    cache.clear()  # a save outside the services: move the version by hand
    assert "Renamed fund" in _page(client)
    assert "Renamed fund" in _page(client, f"/products/{product.slug}/")


def test_a_page_of_cards_is_one_kept_look_per_level_and_watched_cards():
    products = ProductFactory.create_batch(3, risk_level=3)
    watcher_user = investor_with_cash(level=3)
    WatchItem.objects.create(user=watcher_user, product=products[0])
    watcher, plain, bold = (
        _signed_in(user=watcher_user),
        _signed_in(level=3),
        _signed_in(level=5),
    )
    for _ in range(2):  # the second round comes from the kept lists
        assert _page(watcher).count("watch-button__btn--on") == 1
        assert _page(plain).count("watch-button__btn--on") == 0
        assert _page(bold).count("Suits your risk level (C5)") == 3
        assert _page(plain).count("Suits your risk level (C3)") == 3
    ours = {p.pk for p in products}
    lists = [key for key in variants._rendered if "card-list" in key and set(key[4]) == ours]
    assert len(lists) == 3  # watcher's, the plain C3 one, the C5 one


def test_the_kept_looks_are_bounded_in_size(monkeypatch):
    """Any query string makes its own chrome (~60 KB): past MAX_CHARS the memory starts again,
    so a stream of distinct queries cannot grow a web process without bound."""
    monkeypatch.setattr(variants, "MAX_CHARS", 100)
    variants._keep(("bounded", 1), "x" * 60)
    variants._keep(("bounded", 2), "y" * 60)

    assert ("bounded", 1) not in variants._rendered
    assert variants._rendered[("bounded", 2)] == "y" * 60


def test_a_page_rendered_before_the_user_is_known_is_simply_rendered():
    """A CSRF failure's 403 (its middleware runs before the authentication middleware) has a
    request without a user: the header is rendered, not kept, and nothing fails."""
    from django.template.loader import render_to_string

    request = RequestFactory().get("/products/")
    html = render_to_string("403.html", {}, request=request)

    assert 'class="site-header"' in html
