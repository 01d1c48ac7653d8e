"""The investor's home ``/me/`` at scale (issue 16): the recommendations for a set of answers and
the page around the investor's own parts are kept by catalogue version; a warm page reads only
the investor's own rows, in a number of queries that does not grow with their holdings, and no
investor ever sees another's name, identity, holdings, assets or recommendations."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from marketplace.cache import bump_catalogue_version
from orders.models import Holding
from products import home_selectors as home
from products import selectors
from products.models import Product
from products.templatetags import variants
from profiles.models import InvestorProfile
from tests.factories import InstitutionFactory, ProductFactory, investor_with_cash

pytestmark = pytest.mark.django_db
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _signed_in(user) -> Client:
    client = Client(HTTP_USER_AGENT=BROWSER)
    client.force_login(user)
    return client


def _home(client) -> str:
    response = client.get("/me/", **EN)
    assert response.status_code == 200
    return response.content.decode()


def _investor(*, name: str, level: int = 3, goal: str = "steady_income", **profile):
    user = investor_with_cash(level=level)
    InvestorProfile.objects.filter(user=user).update(
        full_name=name, investment_goal=goal, **profile
    )
    return user


def _hold(user, product, units="100.00") -> Holding:
    return Holding.objects.create(
        user=user,
        product=product,
        institution=product.institution,
        kind=product.kind,
        units=Decimal(units),
        cost=Decimal(units),
    )


def _recommended_slugs(html: str) -> list[str]:
    start = html.index('id="recommended"')
    section = html[start : html.index("</section>", start)]
    return list(dict.fromkeys(re.findall(r'href="/products/([\w-]+)/"', section)))


def _tables(captured) -> list[str]:
    """Each query's first table; the portfolio's stamp (orders.selectors.stamp) as "stamp"."""
    return [
        "stamp"
        if q["sql"].lstrip().startswith("SELECT md5")
        else m.group(1)
        if (m := re.search(r'FROM "(\w+)"', q["sql"]))
        else q["sql"].strip()[:30]
        for q in captured.captured_queries
    ]


def _warm_home_tables(client) -> list[str]:
    _home(client)
    with CaptureQueriesContext(connection) as captured:
        _home(client)
    return _tables(captured)  # now: the next request resets the connection's log


def test_a_warm_home_reads_only_the_investors_own_rows_however_many_they_hold():
    institution = InstitutionFactory()
    suitable = ProductFactory.create_batch(40, institution=institution, risk_level=2)
    bold = ProductFactory.create_batch(30, institution=institution, risk_level=5)
    user = _investor(name="Few")
    _hold(user, bold[0])
    client = _signed_in(user)
    few = _warm_home_tables(client)
    for product in bold[1:]:
        _hold(user, product)
    many = _warm_home_tables(client)
    for product in suitable[:30]:  # most of the best fits: their list is read exactly
        _hold(user, product)
    most = _warm_home_tables(client)

    # The user; the profile with the identity; the held products; the portfolio's stamp. No
    # products, assessments, questionnaire or fee rows: those come from the kept parts.
    session = [] if settings.SESSION_ENGINE == "marketplace.sessions" else ["django_session"]
    own = ["profiles_user", "profiles_investorprofile", "orders_holding", "stamp"]
    assert sorted(few) == sorted(many) == sorted(session + own), many
    assert sorted(most) == sorted([*session, *own, "products_product"]), most


def test_two_investors_with_the_same_answers_each_see_only_their_own_parts():
    institution = InstitutionFactory()
    held, other = ProductFactory.create_batch(2, institution=institution, risk_level=2)
    alice = _investor(name="Alice Wang")
    bob = _investor(name="Bob Li")
    _hold(alice, held, units="777.00")
    alice_identity, bob_identity = alice.identity, bob.identity
    alice_client, bob_client = _signed_in(alice), _signed_in(bob)
    for _ in range(2):  # the second round comes from the kept page and list
        alice_page, bob_page = _home(alice_client), _home(bob_client)
        assert "Hello, Alice Wang" in alice_page
        assert "Alice" not in bob_page
        assert "Hello, Bob Li" in bob_page
        assert "Bob" not in alice_page
        assert f"•••• {alice_identity.document_last4}" in alice_page
        assert f"•••• {bob_identity.document_last4}" in bob_page
        if alice_identity.document_last4 != bob_identity.document_last4:
            assert f"•••• {alice_identity.document_last4}" not in bob_page
        # Alice holds one of them: it is never recommended to her, still to Bob.
        assert held.slug not in _recommended_slugs(alice_page)
        assert _recommended_slugs(bob_page) == [
            p.slug
            for p in selectors.recommendations_for(
                risk_level=3, assessment_valid=True, goal="steady_income", held_by=bob
            )
        ]
        assert held.slug in _recommended_slugs(bob_page)
        assert other.slug in _recommended_slugs(alice_page)
        assert "777" in alice_page  # her assets, not his
        assert "777" not in bob_page
        for page in (alice_page, bob_page):
            assert variants.CSRF_PLACEHOLDER not in page
            assert variants.PATH_PLACEHOLDER not in page
            assert variants._HOLE not in page
    assert variants._rendered  # the page was kept, not rendered each time


def test_the_home_recommends_exactly_what_the_selector_does_when_they_hold_the_best_fits(
    monkeypatch,
):
    monkeypatch.setattr(home, "SHOWN", 3)
    monkeypatch.setattr(home, "SPARE", 1)
    institution = InstitutionFactory()
    ProductFactory.create_batch(8, institution=institution, risk_level=2)
    user = _investor(name="Holder")
    best = list(
        selectors.recommendations_for(risk_level=3, assessment_valid=True, goal="steady_income")
    )
    for product in best[:2]:  # more of the kept list than its spare
        _hold(user, product)

    for _ in range(2):
        html = _home(_signed_in(user))
        expected = [
            p.slug
            for p in selectors.recommendations_for(
                risk_level=3,
                assessment_valid=True,
                goal="steady_income",
                held_by=user,
                limit=3,
            )
        ]
        assert _recommended_slugs(html) == expected
        assert len(expected) == 3


def test_a_new_catalogue_version_shows_a_new_product_on_the_next_home(
    django_capture_on_commit_callbacks,
):
    institution = InstitutionFactory()
    ProductFactory(institution=institution, risk_level=1)
    client = _signed_in(_investor(name="Watcher"))
    _home(client)
    added = ProductFactory(institution=institution, risk_level=1, name="Aaa Brand New Bond")
    with django_capture_on_commit_callbacks(execute=True):
        bump_catalogue_version()

    assert added.slug in _recommended_slugs(_home(client))


def test_each_investor_sees_their_own_assessment_state_on_a_kept_page():
    soon = timezone.localdate() + dt.timedelta(days=10)
    ProductFactory(risk_level=1)
    expiring = _investor(name="Soon", assessment_valid_until=soon)
    lapsed = _investor(name="Late", assessment_valid_until=dt.date(2020, 1, 1))
    steady = _investor(name="Steady")
    clients = {
        name: _signed_in(u) for name, u in (("soon", expiring), ("late", lapsed), ("ok", steady))
    }
    for _ in range(2):
        pages = {name: _home(c) for name, c in clients.items()}
        assert "Your risk assessment expires on" in pages["soon"]
        assert "Your risk assessment expires on" not in pages["ok"]
        assert "Your risk assessment has expired" in pages["late"]
        assert _recommended_slugs(pages["late"]) == []
        assert _recommended_slugs(pages["ok"])


def test_the_horizon_is_read_again_once_the_profile_moves(monkeypatch):
    user = _investor(name="Horizon")
    calls = []
    monkeypatch.setattr(home, "investment_horizon", lambda user: calls.append(user) or "long")
    profile = InvestorProfile.objects.get(user=user)

    assert home.horizon_of(user=user, profile=profile) == "long"
    assert home.horizon_of(user=user, profile=profile) == "long"
    assert len(calls) == 1
    # A new assessment moves the profile's stamp (profiles.services.assessment_submit).
    InvestorProfile.objects.filter(user=user).update(
        updated_at=profile.updated_at + dt.timedelta(1)
    )
    profile.refresh_from_db()
    home.horizon_of(user=user, profile=profile)
    assert len(calls) == 2


def test_a_home_cached_while_the_redis_is_flushed_still_renders():
    ProductFactory(risk_level=1)
    client = _signed_in(_investor(name="Flush"))
    first = _recommended_slugs(_home(client))
    cache.clear()
    assert _recommended_slugs(_home(client)) == first


def test_investors_whose_assessments_end_on_different_days_share_one_look_but_see_their_dates():
    ProductFactory(risk_level=1)
    today = timezone.localdate()
    first = _investor(name="First", assessment_valid_until=today + dt.timedelta(days=400))
    second = _investor(name="Second", assessment_valid_until=today + dt.timedelta(days=500))
    variants._rendered.clear()
    pages = [_home(_signed_in(first)), _home(_signed_in(second))]

    homes = [key for key in variants._rendered if "home" in key]
    assert len(homes) == 1  # one kept page for both: the look names no date
    for page, days in zip(pages, (400, 500), strict=True):
        mine = today + dt.timedelta(days=days)
        other = today + dt.timedelta(days=900 - days)
        with translation.override("en"):
            assert f"Valid until {date_format(mine, 'DATE_FORMAT')}." in page
            assert f"Valid until {date_format(other, 'DATE_FORMAT')}." not in page


def test_a_chinese_and_an_english_home_never_mix_their_kept_parts():
    product = ProductFactory(risk_level=1)
    Product.objects.filter(pk=product.pk).update(name_en="Steady Bond", name_zh_hans="稳健债券")
    client = _signed_in(_investor(name="Bilingual"))
    for _ in range(2):  # the second round comes from the kept page, list and cards
        english = client.get("/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        chinese = client.get("/me/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "Recommended for you" in english
        assert "Steady Bond" in english
        assert "稳健债券" not in english
        assert "为您推荐" in chinese
        assert "稳健债券" in chinese
        assert "Recommended for you" not in chinese
