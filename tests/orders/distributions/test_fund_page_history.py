"""The distributions history on a fund's public page (orders.plans.distributions.selectors
.public_history through the ``distribution_history`` tag): an investor who holds the fund sees
how each distribution was or will be paid to them; the anonymous page is refreshed when a
distribution is approved (the page cache's version is bumped)."""

import datetime as dt

import pytest
from django.core.cache import cache

from marketplace.cache import VERSION_KEY
from orders.models import Holding
from orders.plans.distributions.selectors import public_history
from orders.plans.distributions.services.declaration import distribution_approve, election_set
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_holder_sees_the_election_their_payment_used_and_the_one_to_come(
    client, fund, holder, approved, pay_day, django_assert_max_num_queries
):
    holding = Holding.objects.get(user=holder, product=fund)
    election_set(holding=holding, actor=holder, election="reinvest")
    approved()
    pay_day()
    election_set(holding=holding, actor=holder, election="cash")
    upcoming = approved(
        record_date=dt.date(2026, 12, 10),
        ex_date=dt.date(2026, 12, 11),
        pay_date=dt.date(2026, 12, 14),
    )
    with django_assert_max_num_queries(4):
        rows = public_history(product_id=fund.pk, user=holder)
    assert [(r.paid, r.election, r.own) for r in rows] == [
        (False, "cash", True),
        (True, "reinvest", True),
    ]
    assert rows[0].distribution == upcoming
    client.force_login(holder)
    page = client.get(f"/products/{fund.slug}/").content.decode()
    assert "Paid to you as" in page


def test_someone_who_bought_after_the_record_date_is_told_so(fund, holder, approved, pay_day, buy):
    approved()
    pay_day()
    late = factories.investor_with_cash(cash="20000")
    buy(late, on=dt.date(2026, 11, 30))
    (row,) = public_history(product_id=fund.pk, user=late)
    assert (row.paid, row.election) == (True, "")


def test_approving_a_distribution_refreshes_the_cached_public_page(
    declare, staff, django_capture_on_commit_callbacks
):
    distribution = declare()
    cache.set(VERSION_KEY, 1, timeout=None)
    with django_capture_on_commit_callbacks(execute=True):
        distribution_approve(distribution=distribution, actor=staff)
    assert cache.get(VERSION_KEY) != 1


def test_a_warm_fund_page_reads_only_the_holding_of_its_distributions(
    client, fund, holder, approved, pay_day, django_capture_on_commit_callbacks
):
    """The fund's public distributions are kept per catalogue version in the web process (the
    ``distribution_history`` tag); the holder's own payments are still read on every request,
    and an approval moves the version, so the new distribution shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with django_capture_on_commit_callbacks(execute=True):
        approved()
    pay_day()
    client.force_login(holder)
    url = f"/products/{fund.slug}/"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()

    sql = [q["sql"] for q in captured.captured_queries]
    assert not any('FROM "orders_distribution"' in q for q in sql)
    assert any('FROM "orders_holding"' in q for q in sql)  # the investor's own, read each time
    assert "Paid to you as" in page
    with django_capture_on_commit_callbacks(execute=True):
        approved(
            record_date=dt.date(2026, 12, 10),
            ex_date=dt.date(2026, 12, 11),
            pay_date=dt.date(2026, 12, 14),
        )
    assert "2026-12-11" in client.get(url).content.decode()


def test_the_kept_fund_page_shows_each_investor_their_own_distributions(
    client, fund, holder, approved, pay_day, django_capture_on_commit_callbacks
):
    """The page around the distributions is kept once per look ({% variant %}); the table is
    a hole in it, rendered for each request's investor."""
    from django.test import Client

    from products.templatetags import variants

    with django_capture_on_commit_callbacks(execute=True):
        approved()
    pay_day()
    url = f"/products/{fund.slug}/"
    stranger = Client()
    stranger.force_login(factories.investor_with_cash(level=3))
    client.force_login(holder)
    for _ in range(2):  # the second round comes from the kept page
        assert "Paid to you as" in client.get(url).content.decode()
        theirs = stranger.get(url).content.decode()
        assert "Paid to you as" not in theirs
        assert "Paid as" in theirs
    assert any("page" in key for key in variants._rendered)
