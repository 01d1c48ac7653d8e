"""The watchlist and alerts API: shapes, each kind's threshold rules as 400s with their codes,
the limit, idempotent adds, and another investor's objects as 404s."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from orders.insight import watch
from orders.insight.models import Alert, WatchItem
from products.services.stats import product_stats_refresh
from tests.factories import ProductFactory, UserFactory, set_nav

pytestmark = pytest.mark.django_db


@pytest.fixture
def investor(client):
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.fixture
def fund():
    product = ProductFactory(name="Harbour Bond")
    set_nav(product, dt.date(2026, 11, 23), "1.0000")
    set_nav(product, dt.date(2026, 11, 24), "1.0125")
    product_stats_refresh(product=product)
    return product


def test_adding_a_product_answers_201_then_200_and_lists_it_with_its_figures(
    client, investor, fund
):
    first = client.post("/api/v1/me/watchlist/", {"product": fund.slug}, "application/json")
    again = client.post("/api/v1/me/watchlist/", {"product": fund.slug}, "application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    listed = client.get("/api/v1/me/watchlist/").json()
    assert listed["count"] == 1
    product = listed["results"][0]["product"]
    assert product["slug"] == fund.slug
    assert product["latest_nav"] == "1.0125"
    assert product["latest_nav_date"] == "2026-11-24"
    assert product["day_change"] == "0.012500"
    assert product["risk_level"] == "R2"
    assert listed["results"][0]["alerts"] == []


def test_an_unknown_product_is_a_400(client, investor):
    response = client.post("/api/v1/me/watchlist/", {"product": "nope"}, "application/json")
    assert response.status_code == 400
    assert response.json()["product"] == [str(watch.PRODUCT_UNKNOWN)]


def test_removing_by_slug_or_id(client, investor, fund):
    other = ProductFactory()
    for product in (fund, other):
        watch.watch_add(user=investor, product=product)
    assert client.delete(f"/api/v1/me/watchlist/{fund.slug}/").status_code == 204
    assert client.delete(f"/api/v1/me/watchlist/{other.pk}/").status_code == 204
    assert client.delete(f"/api/v1/me/watchlist/{fund.slug}/").status_code == 404
    assert not WatchItem.objects.exists()
    for odd in ("²", "9" * 30, "%E2%91%A0"):  # other scripts' digits, a huge id
        assert client.delete(f"/api/v1/me/watchlist/{odd}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "nav_above", "threshold": "0"}, "threshold"),
        ({"kind": "nav_below", "threshold": "1.23456"}, "threshold"),
        ({"kind": "nav_above"}, "threshold"),
        ({"kind": "nav_above", "threshold": 1.2}, "threshold"),
        ({"kind": "daily_move", "threshold": "100.5"}, "threshold"),
        ({"kind": "daily_move", "threshold": "0"}, "threshold"),
        ({"kind": "sideways", "threshold": "1"}, "kind"),
        ({"threshold": "1"}, "kind"),
    ],
)
def test_a_threshold_outside_its_kinds_rules_is_a_400(client, investor, fund, body, field):
    response = client.post("/api/v1/me/alerts/", {"product": fund.slug, **body}, "application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Alert.objects.exists()


def test_alerts_are_set_listed_and_removed(client, investor, fund):
    response = client.post(
        "/api/v1/me/alerts/",
        {"product": fund.slug, "kind": "nav_above", "threshold": "1.0500"},
        "application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["product"] == fund.slug
    assert body["threshold"] == "1.0500"
    assert body["armed"] is True
    announcement = client.post(
        "/api/v1/me/alerts/",
        {"product": fund.slug, "kind": "announcement", "threshold": "3"},  # ignored field
        "application/json",
    )
    assert announcement.status_code == 201
    assert announcement.json()["threshold"] is None
    assert client.get("/api/v1/me/alerts/").json()["count"] == 2
    watched = client.get("/api/v1/me/watchlist/").json()["results"][0]
    assert [a["kind"] for a in watched["alerts"]] == ["nav_above", "announcement"]
    assert client.delete(f"/api/v1/me/alerts/{body['id']}/").status_code == 204
    assert client.delete(f"/api/v1/me/alerts/{body['id']}/").status_code == 404


def test_the_twenty_first_alert_is_refused_with_its_code(client, investor, fund):
    for i in range(watch.MAX_ALERTS):
        watch.alert_create(user=investor, product=fund, kind="nav_above", threshold=Decimal(i + 1))
    response = client.post(
        "/api/v1/me/alerts/",
        {"product": fund.slug, "kind": "nav_below", "threshold": "0.5"},
        "application/json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert Alert.objects.count() == watch.MAX_ALERTS


def test_another_investors_watchlist_and_alerts_are_not_seen(client, investor, fund):
    owner = UserFactory()
    alert, _ = watch.alert_create(user=owner, product=fund, kind="announcement")
    assert client.get("/api/v1/me/watchlist/").json()["count"] == 0
    assert client.get("/api/v1/me/alerts/").json()["count"] == 0
    assert client.delete(f"/api/v1/me/alerts/{alert.pk}/").status_code == 404
    assert Alert.objects.filter(pk=alert.pk).exists()


def test_the_list_costs_the_same_queries_for_many_products(
    client, investor, django_assert_max_num_queries
):
    for _ in range(2):
        watch.alert_create(user=investor, product=ProductFactory(), kind="announcement")
    with django_assert_max_num_queries(20) as few:
        client.get("/api/v1/me/watchlist/")
    for _ in range(10):
        watch.alert_create(user=investor, product=ProductFactory(), kind="announcement")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/v1/me/watchlist/").json()["count"] == 12


def test_signed_out_is_a_401_or_403(client):
    assert client.get("/api/v1/me/watchlist/").status_code in (401, 403)
