"""NAV uploads: each row reported, the good ones saved in bulk, the returns the series covers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from marketplace.dates import months_before
from products import services
from products.models import NavPrice
from tests.factories import NavPriceFactory, ProductFactory

pytestmark = pytest.mark.django_db


CSV = """date,nav
2026-01-05,1.0012
2026-01-06,1.0030
2026-01-07,0
2026-01-08,1.00301
not-a-date,1.1
2026-01-09,abc
2026-01-06,1.0031
2026-01-12,-1
2099-01-01,1.2
2026-01-13,1.0100
"""


def test_nav_csv_upload_reports_each_row_and_saves_the_good_ones(fund_company, editor):
    product = ProductFactory(institution=fund_company)
    NavPriceFactory(product=product, date=dt.date(2026, 1, 13), nav=Decimal("1.0000"))
    report = services.nav_upload(
        product=product, actor=editor, rows=services.parse_nav_csv(CSV.encode())
    )
    by_line = {r.line: (r.outcome, r.message) for r in report.rows}
    assert by_line[2] == ("added", "")
    assert by_line[3][0] == "rejected"
    assert "more than once" in by_line[3][1]
    assert by_line[4] == ("rejected", services.NAV_NOT_POSITIVE)
    assert by_line[5] == ("rejected", services.NAV_TOO_PRECISE)
    assert by_line[6] == ("rejected", services.NAV_BAD_DATE)
    assert by_line[7] == ("rejected", services.NAV_NOT_NUMBER)
    assert by_line[8][0] == "rejected"
    assert "line 3" in by_line[8][1]
    assert by_line[9] == ("rejected", services.NAV_NOT_POSITIVE)
    assert by_line[10] == ("rejected", services.NAV_FUTURE)
    assert by_line[11] == ("updated", "")
    assert (report.added, report.updated, len(report.rejected)) == (1, 1, 8)
    saved = dict(NavPrice.objects.filter(product=product).values_list("date", "nav"))
    assert saved == {
        dt.date(2026, 1, 5): Decimal("1.0012"),
        dt.date(2026, 1, 13): Decimal("1.0100"),
    }
    product.refresh_from_db()
    assert (product.latest_nav, product.latest_nav_date) == (
        Decimal("1.0100"),
        dt.date(2026, 1, 13),
    )


@pytest.mark.parametrize("text", ["when,price\n2026-01-01,1", "", b"\xff\xfe\x00bad"])
def test_unreadable_csv_is_a_clear_error(text):
    with pytest.raises(ValidationError) as err:
        services.parse_nav_csv(text)
    assert "file" in err.value.message_dict


def test_nav_upload_is_bulk(fund_company, editor, django_assert_max_num_queries):
    product = ProductFactory(institution=fund_company)
    start = dt.date(2005, 1, 1)
    rows = [(i, str(start + dt.timedelta(days=i)), "1.0001") for i in range(5000)]
    # A handful of queries, whatever the row count (SQLite caps a statement at 999 variables,
    # so there it takes ~15 insert batches; PostgreSQL takes one).
    with django_assert_max_num_queries(40):
        report = services.nav_upload(product=product, actor=editor, rows=rows)
    assert report.added == 5000


def test_returns_are_shown_only_where_the_series_covers_the_period(fund_company, editor):
    product = ProductFactory(institution=fund_company)
    end = timezone.localdate() - dt.timedelta(days=1)
    rows = [
        (i, str(end - dt.timedelta(days=200 - i)), str(Decimal("1.0000") + Decimal(i) / 10000))
        for i in range(201)
    ]
    services.nav_upload(product=product, actor=editor, rows=rows)
    product.refresh_from_db()
    assert product.return_6m is not None
    assert product.return_1y is None
    assert product.return_since_launch == Decimal("0.020000")


def test_period_figures_follow_the_series_and_stay_empty_where_it_is_short(fund_company, editor):
    """1M/3M returns, the day's change, and drawdown/volatility over a year come from the NAV
    series; the 3-year figures stay empty for a fund with 400 days of prices."""
    product = ProductFactory(institution=fund_company)
    end = timezone.localdate() - dt.timedelta(days=1)
    # Rises 1 bp a day, with one dip of 10 % on day 300 that recovers the next day.
    navs = {}
    for i in range(401):
        navs[end - dt.timedelta(days=400 - i)] = Decimal("1.0000") + Decimal(i) / 10000
    dip_day = end - dt.timedelta(days=100)
    navs[dip_day] = (navs[dip_day] * Decimal("0.9")).quantize(Decimal("0.0001"))
    rows = [(i + 2, str(day), str(nav)) for i, (day, nav) in enumerate(sorted(navs.items()))]
    services.nav_upload(product=product, actor=editor, rows=rows)
    product.refresh_from_db()
    latest = navs[end]
    month_ago = navs[months_before(end, 1)]
    assert product.return_1m == (latest / month_ago - 1).quantize(Decimal("0.000001"))
    assert product.return_3m is not None
    assert product.return_1y is not None
    assert product.return_3y is None
    assert product.day_change == (latest / navs[end - dt.timedelta(days=1)] - 1).quantize(
        Decimal("0.000001")
    )
    # The peak is the day before the dip; the dip takes 10 % of a price one step higher.
    assert Decimal("0.0985") < product.max_drawdown_1y < Decimal("0.1")
    assert product.volatility_1y is not None
    assert product.volatility_1y > 0
    assert product.max_drawdown_3y is None
    assert product.volatility_3y is None


def test_money_market_funds_take_no_nav_upload(fund_company, editor):
    product = ProductFactory(institution=fund_company, fund_type="money_market", risk_level=1)
    with pytest.raises(ValidationError):
        services.nav_upload(product=product, actor=editor, rows=[(2, "2026-01-05", "1.0")])
