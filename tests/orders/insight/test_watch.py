"""The watchlist and its alerts: adding and removing are idempotent, each kind's threshold
rules, an alert fires once per trigger and is re-armed only once its condition is false again,
announcements, the hand-over from a NAV upload to the Celery task, tenant isolation, the
catalogue's query count, and two checks racing on real PostgreSQL."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal as D  # noqa: N817 - figures read as D("1.00")
from threading import Barrier

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from institutions.models import Role
from marketplace.cache import VERSION_KEY
from orders.campaigns.models import InboxMessage, Topic
from orders.insight import watch, watch_checks
from orders.insight.models import Alert, AlertFiring, AlertKind, WatchItem
from products.models import ArticleKind, FundType, ProductKind
from products.services import article_publish, nav_upload
from tests.factories import (
    ArticleFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    set_nav,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 23)


def _codes(exc: ValidationError, field: str) -> list[str]:
    return [e.code for e in exc.error_dict[field]]


def _alerts_sent(user) -> list[InboxMessage]:
    return list(InboxMessage.objects.filter(user=user, topic=Topic.WATCH_ALERT).order_by("pk"))


def _publish(product, day, nav):
    set_nav(product, day, nav)
    from products.services.stats import product_stats_refresh

    product_stats_refresh(product=product)
    return watch_checks.alerts_check_nav(product_id=product.pk)


# --- the watchlist ------------------------------------------------------------------------------


def test_adding_twice_keeps_one_item_and_removing_twice_is_harmless():
    user, product = UserFactory(), ProductFactory()
    item, created = watch.watch_add(user=user, product=product)
    again, created_again = watch.watch_add(user=user, product=product)
    assert (created, created_again) == (True, False)
    assert again.pk == item.pk
    assert WatchItem.objects.filter(user=user).count() == 1
    assert watch.watch_remove(user=user, ref=product.slug) is True
    assert watch.watch_remove(user=user, ref=product.slug) is False
    assert not WatchItem.objects.exists()


def test_a_product_can_be_removed_by_its_id_and_its_alerts_go_with_it():
    user, product = UserFactory(), ProductFactory()
    watch.alert_create(user=user, product=product, kind=AlertKind.NAV_ABOVE, threshold=D("1.1"))
    assert watch.watch_remove(user=user, ref=str(product.pk)) is True
    assert not Alert.objects.exists()


def test_a_product_not_on_sale_cannot_be_watched():
    with pytest.raises(ValidationError) as exc:
        watch.watch_add(user=UserFactory(), product=ProductFactory(status="draft"))
    assert _codes(exc.value, "product") == ["product_unknown"]
    assert not WatchItem.objects.exists()


def test_the_watchlist_has_a_limit(monkeypatch):
    monkeypatch.setattr(watch, "MAX_WATCHED", 2)
    user = UserFactory()
    for _ in range(2):
        watch.watch_add(user=user, product=ProductFactory())
    with pytest.raises(ValidationError) as exc:
        watch.watch_add(user=user, product=ProductFactory())
    assert _codes(exc.value, "product") == ["watch_limit"]
    assert WatchItem.objects.filter(user=user).count() == 2


# --- alert rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "threshold", "field", "code"),
    [
        (AlertKind.NAV_ABOVE, None, "threshold", "threshold_required"),
        (AlertKind.NAV_ABOVE, D("0"), "threshold", "not_positive"),
        (AlertKind.NAV_BELOW, D("-1.2"), "threshold", "not_positive"),
        (AlertKind.NAV_BELOW, D("1.23456"), "threshold", "too_precise"),
        (AlertKind.NAV_ABOVE, D("100000000"), "threshold", "too_large"),
        (AlertKind.DAILY_MOVE, D("0"), "threshold", "move_out_of_range"),
        (AlertKind.DAILY_MOVE, D("100.01"), "threshold", "move_out_of_range"),
        (AlertKind.DAILY_MOVE, D("2.555"), "threshold", "too_precise"),
        (AlertKind.DAILY_MOVE, None, "threshold", "threshold_required"),
        (AlertKind.ANNOUNCEMENT, D("1"), "threshold", "threshold_not_allowed"),
        ("nav_sideways", D("1"), "kind", "invalid_kind"),
    ],
)
def test_each_kind_refuses_a_threshold_it_cannot_use(kind, threshold, field, code):
    user, product = UserFactory(), ProductFactory()
    with pytest.raises(ValidationError) as exc:
        watch.alert_create(user=user, product=product, kind=kind, threshold=threshold)
    assert _codes(exc.value, field) == [code]
    assert not Alert.objects.exists()
    assert not WatchItem.objects.exists()  # nothing half-saved


@pytest.mark.parametrize(
    ("kind", "threshold"),
    [
        (AlertKind.NAV_ABOVE, D("1.2345")),
        (AlertKind.NAV_BELOW, D("0.0001")),
        (AlertKind.DAILY_MOVE, D("100")),
        (AlertKind.DAILY_MOVE, D("0.01")),
        (AlertKind.ANNOUNCEMENT, None),
    ],
)
def test_each_kind_takes_the_thresholds_its_rules_allow(kind, threshold):
    user, product = UserFactory(), ProductFactory()
    alert, created = watch.alert_create(user=user, product=product, kind=kind, threshold=threshold)
    assert created
    assert alert.armed
    assert WatchItem.objects.filter(user=user, product=product).exists()  # joins the watchlist


def test_the_same_alert_set_twice_is_one_alert():
    user, product = UserFactory(), ProductFactory()
    first, _ = watch.alert_create(user=user, product=product, kind="nav_above", threshold=D("1.1"))
    second, created = watch.alert_create(
        user=user, product=product, kind="nav_above", threshold=D("1.1000")
    )
    assert second.pk == first.pk
    assert created is False


@pytest.mark.parametrize(
    "product_kwargs",
    [{"kind": ProductKind.SAVINGS}, {"fund_type": FundType.MONEY_MARKET}],
)
def test_a_product_without_a_moving_nav_takes_announcement_alerts_only(product_kwargs):
    user = UserFactory()
    product = ProductFactory(**product_kwargs)
    with pytest.raises(ValidationError) as exc:
        watch.alert_create(user=user, product=product, kind="nav_above", threshold=D("1.1"))
    assert _codes(exc.value, "kind") == ["alert_needs_nav"]
    watch.alert_create(user=user, product=product, kind="announcement")


def test_an_investor_has_at_most_twenty_alerts():
    user, product = UserFactory(), ProductFactory()
    for i in range(watch.MAX_ALERTS):
        watch.alert_create(user=user, product=product, kind="nav_above", threshold=D(1 + i))
    with pytest.raises(ValidationError) as exc:
        watch.alert_create(user=user, product=product, kind="nav_below", threshold=D("0.5"))
    assert _codes(exc.value, "non_field_errors") == ["alert_limit"]
    assert Alert.objects.count() == watch.MAX_ALERTS


# --- firing once per trigger --------------------------------------------------------------------


def test_a_nav_above_alert_fires_once_and_re_arms_only_after_falling_back():
    user, fund = UserFactory(), ProductFactory()
    _publish(fund, DAY, "1.0000")
    watch.alert_create(user=user, product=fund, kind="nav_above", threshold=D("1.0500"))

    assert _publish(fund, DAY + dt.timedelta(days=1), "1.0600") == 1
    assert _publish(fund, DAY + dt.timedelta(days=2), "1.0700") == 0  # still above: no repeat
    assert watch_checks.alerts_check_nav(product_id=fund.pk) == 0  # the same NAV checked again
    alert = Alert.objects.get()
    assert alert.armed is False
    assert alert.last_value == D("1.0700")

    assert _publish(fund, DAY + dt.timedelta(days=3), "1.0400") == 0  # below: re-armed
    assert Alert.objects.get().armed is True
    assert _publish(fund, DAY + dt.timedelta(days=4), "1.0500") == 1  # at it again: fires

    sent = _alerts_sent(user)
    assert len(sent) == 2
    assert "1.0600" in sent[0].body
    assert "2026-11-24" in sent[0].body
    assert sent[0].link == reverse("products:detail", args=[fund.slug])
    assert sent[0].email_state == "none"  # inbox only
    assert AlertFiring.objects.count() == 2
    assert Alert.objects.get().fired_count == 2


def test_a_nav_below_alert_fires_when_the_nav_falls_to_it():
    user, fund = UserFactory(), ProductFactory()
    _publish(fund, DAY, "1.0000")
    watch.alert_create(user=user, product=fund, kind="nav_below", threshold=D("0.9500"))
    assert _publish(fund, DAY + dt.timedelta(days=1), "0.9600") == 0
    assert _publish(fund, DAY + dt.timedelta(days=2), "0.9500") == 1
    assert len(_alerts_sent(user)) == 1


def test_a_daily_move_alert_fires_once_per_day_of_a_large_move_either_way():
    user, fund = UserFactory(), ProductFactory()
    _publish(fund, DAY, "1.0000")
    watch.alert_create(user=user, product=fund, kind="daily_move", threshold=D("2"))
    assert _publish(fund, DAY + dt.timedelta(days=1), "1.0100") == 0  # +1%
    assert _publish(fund, DAY + dt.timedelta(days=2), "0.9797") == 1  # −3%
    assert watch_checks.alerts_check_nav(product_id=fund.pk) == 0  # the same day again
    assert _publish(fund, DAY + dt.timedelta(days=3), "1.0100") == 1  # +3.09%, a new day
    sent = _alerts_sent(user)
    assert len(sent) == 2
    assert "-3.00%" in sent[0].title


def test_another_investors_alert_on_the_same_fund_fires_for_them_only():
    alice, bob, fund = UserFactory(), UserFactory(), ProductFactory()
    _publish(fund, DAY, "1.0000")
    watch.alert_create(user=alice, product=fund, kind="nav_above", threshold=D("1.05"))
    watch.alert_create(user=bob, product=fund, kind="nav_above", threshold=D("1.50"))
    assert _publish(fund, DAY + dt.timedelta(days=1), "1.1000") == 1
    assert len(_alerts_sent(alice)) == 1
    assert _alerts_sent(bob) == []


def test_the_notice_is_written_in_the_investors_language():
    user = UserFactory(language="zh-hans")
    fund = ProductFactory(name="稳健债券")
    _publish(fund, DAY, "1.0000")
    watch.alert_create(user=user, product=fund, kind="nav_above", threshold=D("1.05"))
    _publish(fund, DAY + dt.timedelta(days=1), "1.1000")
    assert "净值" in _alerts_sent(user)[0].title


# --- hand-over from products --------------------------------------------------------------------


def test_a_nav_upload_checks_the_alerts_after_it_commits(django_capture_on_commit_callbacks):
    editor = UserFactory()
    fund = ProductFactory()
    MembershipFactory(user=editor, institution=fund.institution, role=Role.EDITOR)
    investor = UserFactory()
    _publish(fund, DAY, "1.0000")
    watch.alert_create(user=investor, product=fund, kind="nav_above", threshold=D("1.0500"))

    with django_capture_on_commit_callbacks(execute=True):
        nav_upload(product=fund, actor=editor, rows=[(2, "2026-11-24", "1.0800")])
    assert len(_alerts_sent(investor)) == 1

    with django_capture_on_commit_callbacks(execute=True):  # an unchanged row checks nothing
        nav_upload(product=fund, actor=editor, rows=[(2, "2026-11-24", "1.0800")])
    assert len(_alerts_sent(investor)) == 1


def test_a_published_announcement_reaches_each_watcher_once(django_capture_on_commit_callbacks):
    editor = UserFactory()
    fund = ProductFactory()
    other_fund = ProductFactory(institution=fund.institution)
    MembershipFactory(user=editor, institution=fund.institution, role=Role.EDITOR)
    investor, stranger = UserFactory(), UserFactory()
    watch.alert_create(user=investor, product=fund, kind="announcement")
    watch.alert_create(user=investor, product=other_fund, kind="announcement")
    watch.watch_add(user=stranger, product=fund)  # watching without an alert: no notice
    article = ArticleFactory(
        institution=fund.institution, author=editor, kind=ArticleKind.ANNOUNCEMENT
    )

    with django_capture_on_commit_callbacks(execute=True):
        article_publish(article=article, actor=editor)

    sent = _alerts_sent(investor)
    assert len(sent) == 1  # one message, though two of their alerts met it
    assert article.title in sent[0].title
    assert _alerts_sent(stranger) == []
    assert watch_checks.alerts_check_article(article_id=article.pk) == 0  # a rerun sends nothing


def test_an_article_about_another_product_does_not_reach_this_products_watchers():
    fund = ProductFactory()
    other = ProductFactory(institution=fund.institution)
    investor = UserFactory()
    watch.alert_create(user=investor, product=fund, kind="announcement")
    article = ArticleFactory(institution=fund.institution, product=other, status="published")
    article.published_at = article.created_at
    article.save()
    assert watch_checks.alerts_check_article(article_id=article.pk) == 0


def test_products_never_import_orders():
    from pathlib import Path

    products = Path(__file__).resolve().parents[3] / "products"
    offenders = [
        str(p)
        for p in products.rglob("*.py")
        if "from orders" in p.read_text() or "import orders" in p.read_text()
    ]
    assert offenders == []


# --- pages and tenant isolation -----------------------------------------------------------------


def test_another_investors_alert_is_a_404(client):
    owner, intruder, fund = UserFactory(), UserFactory(), ProductFactory()
    alert, _ = watch.alert_create(user=owner, product=fund, kind="nav_above", threshold=D("1.1"))
    with pytest.raises(Alert.DoesNotExist):
        watch.alert_delete(user=intruder, pk=alert.pk)
    client.force_login(intruder)
    response = client.post(reverse("watch:alert-remove", args=[alert.pk]))
    assert response.status_code == 404
    assert client.delete(f"/api/v1/me/alerts/{alert.pk}/").status_code == 404
    assert client.delete(f"/api/v1/me/watchlist/{fund.slug}/").status_code == 404
    assert Alert.objects.filter(pk=alert.pk).exists()
    assert client.get("/api/v1/me/alerts/").json()["count"] == 0


def test_the_watch_button_adds_and_removes_from_a_product_page(client):
    user, fund = UserFactory(), ProductFactory()
    client.force_login(user)
    page = f"/products/{fund.slug}/"
    html = client.get(page).content.decode()
    assert reverse("watch:add", args=[fund.slug]) in html
    response = client.post(reverse("watch:add", args=[fund.slug]), {"next": page})
    assert response.status_code == 302
    assert response["Location"] == page
    html = client.get(page).content.decode()
    assert reverse("watch:remove", args=[fund.slug]) in html
    assert 'aria-pressed="true"' in html
    client.post(reverse("watch:remove", args=[fund.slug]), {"next": "https://evil.example/"})
    assert not WatchItem.objects.exists()


def test_a_visitor_is_asked_to_sign_in_to_watch(client):
    fund = ProductFactory()
    html = client.get(f"/products/{fund.slug}/").content.decode()
    assert "/accounts/login/?next=" in html
    assert client.post(reverse("watch:add", args=[fund.slug])).status_code == 302
    assert not WatchItem.objects.exists()


def test_the_watchlist_page_shows_the_nav_the_days_change_and_the_alerts(client):
    user, fund = UserFactory(), ProductFactory(name="Harbour Bond")
    _publish(fund, DAY, "1.0000")
    _publish(fund, DAY + dt.timedelta(days=1), "1.0125")
    watch.alert_create(user=user, product=fund, kind="nav_above", threshold=D("1.2"))
    client.force_login(user)
    html = client.get(reverse("watch:list")).content.decode()
    assert "Harbour Bond" in html
    assert "1.0125" in html
    assert "+1.25%" in html
    assert "NAV at or above 1.2000" in html


def test_a_bad_alert_form_is_a_400_with_the_field_error_and_nothing_saved(client):
    user, fund = UserFactory(), ProductFactory()
    watch.watch_add(user=user, product=fund)
    client.force_login(user)
    response = client.post(
        reverse("watch:alert-add"),
        {"product": fund.slug, "kind": "daily_move", "threshold": "250"},
    )
    assert response.status_code == 400
    assert str(watch.MOVE_OUT_OF_RANGE) in response.content.decode()
    assert not Alert.objects.exists()
    response = client.post(
        reverse("watch:alert-add"), {"product": fund.slug, "kind": "nav_above", "threshold": "abc"}
    )
    assert response.status_code == 400
    assert not Alert.objects.exists()


def test_the_alert_form_sets_an_alert(client):
    user, fund = UserFactory(), ProductFactory()
    client.force_login(user)
    watch.watch_add(user=user, product=fund)
    response = client.post(
        reverse("watch:alert-add"), {"product": fund.slug, "kind": "nav_above", "threshold": "1.5"}
    )
    assert response.status_code == 302
    assert Alert.objects.get().threshold == D("1.5")


def test_the_watchlist_page_queries_do_not_grow_with_its_length(
    client, django_assert_max_num_queries
):
    user = UserFactory()
    client.force_login(user)

    def add(n):
        for _ in range(n):
            product = ProductFactory()
            watch.alert_create(user=user, product=product, kind="announcement")

    add(2)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("watch:list"))
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("watch:list"))


def test_the_catalogue_asks_once_which_cards_are_watched(client, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)
    for _ in range(2):
        watch.watch_add(user=user, product=ProductFactory())
    with django_assert_max_num_queries(60) as few:
        assert client.get("/products/").status_code == 200
    for _ in range(8):
        watch.watch_add(user=user, product=ProductFactory())
    # Factories skip the publishing services that move the catalogue version: move it (the
    # signed-in session, cached in Redis, stays).
    cache.set(VERSION_KEY, cache.get(VERSION_KEY) + 1, None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/products/").content.decode()
    assert html.count("watch-button__btn--on") == 10


# --- racing checks ------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_checks_racing_on_one_upload_send_each_alert_once():
    fund = ProductFactory()
    _publish(fund, DAY, "1.0000")
    investors = [UserFactory() for _ in range(5)]
    for user in investors:
        watch.alert_create(user=user, product=fund, kind="nav_above", threshold=D("1.05"))
    set_nav(fund, DAY + dt.timedelta(days=1), "1.1000")
    from products.services.stats import product_stats_refresh

    product_stats_refresh(product=fund)

    barrier = Barrier(8)

    def run():
        try:
            barrier.wait()
            return watch_checks.alerts_check_nav(product_id=fund.pk, batch_size=2)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        fired = list(pool.map(lambda _: run(), range(8)))

    assert sum(fired) == 5
    assert InboxMessage.objects.filter(topic=Topic.WATCH_ALERT).count() == 5
    assert AlertFiring.objects.count() == 5


def test_the_watched_ids_are_cached_per_investor_and_a_change_shows_at_once(
    django_capture_on_commit_callbacks, django_assert_num_queries
):
    """Every signed-in catalogue and product page asks them: from the cache, one investor's
    never another's, and an add or remove marks them changed as it commits."""
    investor, other = UserFactory(), UserFactory()
    first, second = ProductFactory(), ProductFactory()
    with django_capture_on_commit_callbacks(execute=True):
        watch.watch_add(user=investor, product=first)
    assert watch.watched_product_ids(user=investor) == {first.pk}
    cache.delete(watch._IDS_KEY.format(investor.pk))  # the change's mark has expired
    assert watch.watched_product_ids(user=investor) == {first.pk}  # read and stored
    with django_assert_num_queries(0):
        assert watch.watched_product_ids(user=investor) == {first.pk}
    assert watch.watched_product_ids(user=other) == set()

    with django_capture_on_commit_callbacks(execute=True):
        watch.watch_add(user=investor, product=second)
    assert watch.watched_product_ids(user=investor) == {first.pk, second.pk}
    with django_capture_on_commit_callbacks(execute=True):
        watch.watch_remove(user=investor, ref=first.slug)
    assert watch.watched_product_ids(user=investor) == {second.pk}


def test_ids_read_before_a_change_are_never_cached_after_it(django_capture_on_commit_callbacks):
    investor, product = UserFactory(), ProductFactory()
    stale = set()  # what a request read before the add committed
    with django_capture_on_commit_callbacks(execute=True):
        watch.watch_add(user=investor, product=product)
    # That request now stores what it read: the change's mark keeps it out.
    cache.add(watch._IDS_KEY.format(investor.pk), frozenset(stale), watch.IDS_TIMEOUT)
    assert watch.watched_product_ids(user=investor) == {product.pk}
