"""The fund page's performance beside its category (products.selectors.fund_performance): the
category average and rank per period, with ties and missing figures; a fund younger than six
months shows no period return; the page's "rank / count" text, its distributions history and
money-market income; and a page whose query count does not grow with its category."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817 - figures read as D("0.10")

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from institutions.models import InstitutionStatus
from orders.plans.distributions.models import Distribution, DistributionStatus, Election
from products.models import DailyYield, FundType, ProductStatus
from products.selectors import fund_performance
from tests import factories

pytestmark = pytest.mark.django_db

LATEST = dt.date(2026, 11, 20)
FIRST = dt.date(2022, 1, 4)


def fund(fund_type=FundType.EQUITY, **figures):
    """A published fund of ``fund_type`` with five years of history and the figures given
    (every period figure defaults to the 1-year return, so it is ranked in every period)."""
    one_year = figures.pop("return_1y", D("0.05"))
    defaults = {
        "return_1m": one_year,
        "return_3m": one_year,
        "return_6m": one_year,
        "return_1y": one_year,
        "return_3y": one_year,
        "return_since_launch": one_year,
        "first_nav_date": FIRST,
        "latest_nav_date": LATEST,
        "latest_nav": D("1.2345"),
        "max_drawdown_1y": D("0.081"),
        "volatility_1y": D("0.152"),
    }
    defaults.update(figures)
    return factories.ProductFactory(fund_type=fund_type, risk_level=4, **defaults)


def period(performance, field):
    return next(p for p in performance.periods if p.field == field)


def test_average_and_rank_count_only_funds_with_a_figure_and_ties_share_a_rank():
    best = fund(return_1y=D("0.30"))
    tied_a = fund(return_1y=D("0.10"))
    tied_b = fund(return_1y=D("0.10"))
    last = fund(return_1y=D("-0.02"))
    fund(return_1y=D("0.20"), return_3y=None)  # no 3-year figure: not counted for 3Y
    fund(fund_type=FundType.BOND, return_1y=D("0.90"))  # another category
    fund(return_1y=D("0.99"), status=ProductStatus.CLOSED)  # not published
    suspended = factories.InstitutionFactory(status=InstitutionStatus.SUSPENDED)
    fund(return_1y=D("0.98"), institution=suspended)  # institution not approved

    one_year = period(fund_performance(product=best), "return_1y")
    assert (one_year.rank, one_year.count) == (1, 5)
    assert one_year.category_average == D("0.136000")  # (0.30+0.10+0.10−0.02+0.20)/5
    tied = [period(fund_performance(product=p), "return_1y") for p in (tied_a, tied_b)]
    assert [(t.rank, t.count) for t in tied] == [(3, 5), (3, 5)]  # 0.30, 0.20 ahead; shared
    assert period(fund_performance(product=last), "return_1y").rank == 5

    three_years = period(fund_performance(product=tied_a), "return_3y")
    assert (three_years.rank, three_years.count) == (2, 4)
    assert three_years.category_average == D("0.120000")


def test_a_fund_without_a_figure_for_a_period_has_no_rank_but_sees_the_average():
    fund(return_1y=D("0.10"))
    fund(return_1y=D("0.20"))
    two_years_old = fund(return_1y=D("0.04"), return_3y=None, first_nav_date=dt.date(2024, 11, 1))
    three_years = period(fund_performance(product=two_years_old), "return_3y")
    assert (three_years.value, three_years.rank, three_years.count) == (None, None, 2)
    assert three_years.category_average == D("0.150000")


def test_funds_younger_than_six_months_show_nothing_and_are_not_counted(client):
    old = fund(return_1y=D("0.10"))
    young = fund(
        return_1m=D("0.50"),
        return_3m=D("0.60"),
        return_6m=None,
        return_1y=None,
        return_3y=None,
        return_since_launch=D("0.70"),
        first_nav_date=dt.date(2026, 8, 1),
    )
    assert fund_performance(product=young).shown is False
    assert fund_performance(product=young).periods == ()
    one_month = period(fund_performance(product=old), "return_1m")
    assert (one_month.rank, one_month.count, one_month.category_average) == (1, 1, D("0.1"))

    page = client.get(f"/products/{young.slug}/").content.decode()
    assert "Too young to show returns" in page
    assert "Risk measures" not in page  # a year of history is needed for any of them
    assert "+50.00%" not in page
    assert "+70.00%" not in page
    assert "+60.00%" not in page


def test_money_market_and_other_kinds_have_no_nav_return_table(client):
    mm = fund(fund_type=FundType.MONEY_MARKET)
    savings = factories.ProductFactory(kind="savings")
    assert fund_performance(product=mm) is None
    assert fund_performance(product=savings) is None
    for day in range(8):
        DailyYield.objects.create(
            product=mm,
            date=LATEST - dt.timedelta(days=day),
            income_per_10k=D("0.4512") + day,
            seven_day_yield=D("0.0171"),
        )
    page = client.get(f"/products/{mm.slug}/").content.decode()
    assert "Rank in category" not in page
    assert "Category average" not in page
    assert "Income per 10,000 units" in page
    assert "7-day annualised yield" in page
    assert "The last 7 days published" in page
    assert 'id="income-desc"' in page  # the income chart, beside the yield chart
    assert "Past performance does not predict future returns." in page


def test_the_page_shows_rank_over_count_beside_the_risk_level(client):
    mine = None
    for n in range(15):
        product = fund(return_1y=D("0.20") - D("0.01") * n)
        if n == 11:
            mine = product
    page = client.get(f"/products/{mine.slug}/").content.decode()
    assert "12 / 15" in page
    assert "+9.00%" in page  # its return …
    assert page.count('class="risk risk--4"') >= 6  # … each beside the risk level
    assert "Category average" in page
    assert "Since inception" in page
    assert "Inception date" in page
    assert "2022-01-04" in page
    assert "Maximum drawdown" in page
    assert "−8.10%" in page
    assert "Volatility" in page
    assert "15.20%" in page
    assert "Past performance does not predict future returns." in page


def test_the_page_lists_announced_and_paid_distributions_only(client):
    product = fund()
    staff = factories.StaffFactory()
    common = {"product": product, "institution": product.institution, "declared_by": staff}
    Distribution.objects.create(
        **common,
        amount_per_unit=D("0.0520"),
        record_date=dt.date(2026, 6, 10),
        ex_date=dt.date(2026, 6, 11),
        pay_date=dt.date(2026, 6, 12),
        status=DistributionStatus.PAID,
    )
    Distribution.objects.create(
        **common,
        amount_per_unit=D("0.0310"),
        record_date=dt.date(2026, 12, 10),
        ex_date=dt.date(2026, 12, 11),
        pay_date=dt.date(2026, 12, 14),
        status=DistributionStatus.APPROVED,
    )
    Distribution.objects.create(
        **common,
        amount_per_unit=D("0.0999"),
        record_date=dt.date(2026, 12, 20),
        ex_date=dt.date(2026, 12, 21),
        pay_date=dt.date(2026, 12, 22),
        status=DistributionStatus.PENDING_REVIEW,
    )
    page = client.get(f"/products/{product.slug}/").content.decode()
    assert "0.0520" in page
    assert "0.0310" in page
    assert "2026-06-11" in page
    assert "0.0999" not in page  # not approved: not public
    assert "Announced" in page
    assert str(Election.CASH.label) in page


def _page_queries(client, product) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/products/{product.slug}/").status_code == 200
    return len(queries)


def test_the_fund_page_query_count_does_not_grow_with_its_category(client):
    small = [fund(fund_type=FundType.INDEX, return_1y=D("0.01") * n) for n in range(3)]
    large = [fund(fund_type=FundType.MIXED, return_1y=D("0.01") * n) for n in range(50)]
    assert _page_queries(client, small[1]) == _page_queries(client, large[25])
    assert _page_queries(client, large[25]) <= 12
