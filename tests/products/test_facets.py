"""Facets investors use, with counts (issue 15): fee, 1-year return, fund size, manager tenure,
beside kind, fund type, risk level and institution."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.http import QueryDict

from products import filters, ranking, selectors
from products.models import FundType
from tests.factories import InstitutionFactory, ProductFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 4)
M = Decimal(1_000_000)


def slugs(response):
    assert response.status_code == 200, response.content
    return sorted(p["slug"] for p in response.json()["results"])


def facets(query="", day=TODAY):
    return selectors.catalogue_facets(params=QueryDict(query), day=day)


@pytest.fixture
def shelf():
    jade = InstitutionFactory(slug="jade")
    return {
        "free": ProductFactory(
            slug="free",
            institution=jade,
            headline_fee_rate=0,
            return_1y=Decimal("-0.02"),
            fund_size=50 * M,
            manager_since=dt.date(2026, 6, 1),
            fund_type=FundType.MONEY_MARKET,
            risk_level=1,
        ),
        "cheap": ProductFactory(
            slug="cheap",
            headline_fee_rate=Decimal("0.005"),
            return_1y=Decimal("0"),
            fund_size=100 * M,
            manager_since=dt.date(2025, 12, 4),  # exactly one year
            risk_level=2,
        ),
        "mid": ProductFactory(
            slug="mid",
            headline_fee_rate=Decimal("0.008"),
            return_1y=Decimal("0.05"),
            fund_size=999 * M,
            manager_since=dt.date(2022, 1, 1),
            risk_level=3,
        ),
        "dear": ProductFactory(
            slug="dear",
            headline_fee_rate=Decimal("0.015"),
            return_1y=Decimal("0.12"),
            fund_size=1000 * M,
            manager_since=dt.date(2019, 1, 1),
            fund_type=FundType.EQUITY,
            risk_level=4,
        ),
        "new": ProductFactory(slug="new", headline_fee_rate=Decimal("0.012"), risk_level=3),
        "deposit": ProductFactory(
            slug="deposit", kind="savings", code=None, headline_fee_rate=0, risk_level=1
        ),
    }


def test_band_counts(shelf):
    counts = facets()
    assert counts["fee_band"] == {"free": 2, "to_0_5": 1, "to_1": 1, "over_1": 2}
    assert counts["return_band"] == {"negative": 1, "0_5": 1, "5_10": 1, "over_10": 1}
    # Only funds have a size; a deposit is not "unknown".
    assert counts["size_band"] == {"under_100m": 1, "100m_1b": 2, "over_1b": 1, "unknown": 1}
    assert counts["tenure_band"] == {"under_1y": 1, "1_3y": 1, "3_5y": 1, "over_5y": 1}
    assert counts["fund_type"] == {"bond": 3, "money_market": 1, "equity": 1}
    assert counts["risk_level"] == {"R1": 2, "R2": 1, "R3": 2, "R4": 1}
    assert counts["institution"]["jade"] == 1


def test_counts_follow_the_other_filters_not_their_own(shelf):
    counts = facets("fee_band=over_1&risk_level=R3")
    # The fee group counts every fee band among R3 products (its own choice set aside)...
    assert counts["fee_band"] == {"free": 0, "to_0_5": 0, "to_1": 1, "over_1": 1}
    # ...the others count only what the fee choice leaves (R3 set aside for risk itself).
    assert counts["risk_level"] == {"R3": 1, "R4": 1}
    assert counts["size_band"]["unknown"] == 1


def test_filters_in_the_api(client, shelf, monkeypatch):
    monkeypatch.setattr(ranking, "local_today", lambda: TODAY)
    api = "/api/v1/products/"
    assert slugs(client.get(f"{api}?fee_band=free")) == ["deposit", "free"]
    assert slugs(client.get(f"{api}?fee_band=free&fee_band=over_1")) == [
        "dear",
        "deposit",
        "free",
        "new",
    ]
    assert slugs(client.get(f"{api}?return_band=negative")) == ["free"]
    assert slugs(client.get(f"{api}?return_band=5_10&return_band=over_10")) == ["dear", "mid"]
    assert slugs(client.get(f"{api}?size_band=unknown")) == ["new"]
    assert slugs(client.get(f"{api}?size_band=100m_1b")) == ["cheap", "mid"]
    assert slugs(client.get(f"{api}?tenure_band=1_3y")) == ["cheap"]
    assert slugs(client.get(f"{api}?tenure_band=over_5y&fee_band=over_1")) == ["dear"]
    assert slugs(client.get(f"{api}?fund_type=equity&risk_level=R4")) == ["dear"]


@pytest.mark.parametrize(
    "query",
    [
        "fee_band=cheapest",
        "return_band=100",
        "size_band=",
        "tenure_band=%00",
        "risk_level=R9",
        "fund_type=gold",
        "institution=nobody",
        "fee_band=free&fee_band=x" + "y" * 500,
    ],
)
def test_bad_values_are_a_400_in_the_api_and_a_notice_on_the_page(client, shelf, query):
    response = client.get(f"/api/v1/products/?{query}")
    assert response.status_code == 400
    assert isinstance(response.json(), dict)
    page = client.get(f"/products/?{query}")
    assert page.status_code == 200
    assert b"could not be understood and were ignored" in page.content
    # The bad filter is ignored, not applied: every product is still listed.
    assert b"6 products" in page.content


def test_page_shows_band_facets_with_counts(client, shelf):
    html = client.get("/products/?fee_band=free").content.decode()
    assert 'name="fee_band" value="free" checked' in html
    for label in ("No purchase fee", "Manager in post", "Fund size", "1-year return"):
        assert label in html
    assert "2 products" in html
    assert "(filters applied)" in html


def _count_queries(client, django_assert_max_num_queries, url, limit):
    cache.clear()
    with django_assert_max_num_queries(limit) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _varied_products(count):
    institutions = InstitutionFactory.create_batch(5)
    for i in range(count):
        ProductFactory(
            institution=institutions[i % 5],
            risk_level=1 + i % 5,
            headline_fee_rate=Decimal(i % 4) / 200,
            return_1y=Decimal(i % 7 - 2) / 20,
            fund_size=(i % 5) * 300 * M or None,
            manager_since=dt.date(2018 + i % 8, 1, 1),
        )


def test_catalogue_queries_are_bounded_whatever_the_rows_and_options(
    client, django_assert_max_num_queries
):
    options = {"fee_band": filters.BANDS["fee_band"], "return_band": ["0_5", "over_10"]}
    options |= {"size_band": filters.BANDS["size_band"], "tenure_band": ["1_3y", "over_5y"]}
    options |= {"risk_level": ["R1", "R2", "R3", "R4", "R5"]}
    query = "&".join(f"{name}={value}" for name, values in options.items() for value in values)
    url = f"/products/?page_size=100&{query}"
    api = url.replace("/products/", "/api/v1/products/")
    _varied_products(10)
    assert b"Showing 1" in client.get(url).content  # the page query runs too
    few = _count_queries(client, django_assert_max_num_queries, url, 12)
    few_api = _count_queries(client, django_assert_max_num_queries, api, 4)
    _varied_products(60)  # more rows, more institutions (more institution options)
    assert _count_queries(client, django_assert_max_num_queries, url, 12) == few
    assert _count_queries(client, django_assert_max_num_queries, api, 4) == few_api


def test_schema_lists_the_band_enums(client):
    schema = client.get("/api/schema/?format=json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/products/"]["get"]["parameters"]}
    for name, values in {
        "fee_band": ["free", "over_1", "to_0_5", "to_1"],
        "return_band": ["0_5", "5_10", "negative", "over_10"],
        "size_band": ["100m_1b", "over_1b", "under_100m", "unknown"],
        "tenure_band": ["1_3y", "3_5y", "over_5y", "under_1y"],
    }.items():
        items = params[name]["schema"]["items"]
        assert sorted(items["enum"]) == values, name
        assert params[name].get("explode", True)
