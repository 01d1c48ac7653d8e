"""The portfolio page's returns, the API, the realised-gains CSV and the yearly statement: what
they show, bad input (a 400 or a clear message, never a 500), and a query count that does not
grow with 1,000 holdings."""

import csv
import datetime as dt
import io
from decimal import Decimal as D  # noqa: N817 - figures read as D("1.00")

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders import services as orders
from orders.insight.views import BAD_PERIOD
from orders.models import Holding, Lot, LotSource, Order, OrderStatus, Side
from products.models import NavPrice
from tests import factories
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 11, 23)


_nav = factories.set_nav


@pytest.fixture
def sold(clock):
    """An investor who bought 10,000 units at 1.0000 (for 10,150) and sold 4,000 at 1.0200
    two weeks later (a 0.75 % fee: under 30 days)."""
    user = factories.investor_with_cash(cash="50000")
    fund = factories.ProductFactory(risk_level=2, name="Harbour Bond Fund")
    start = MONDAY - dt.timedelta(days=28)
    clock.set(start, 10)
    orders.order_place(user=user, product=fund, side="buy", amount="10150")
    _nav(fund, start, "1.0000")
    clock.set(start, 20)
    orders.end_of_day(run_date=start)
    sold_on = start + dt.timedelta(days=14)
    clock.set(sold_on, 10)
    sale, _ = orders.order_place(user=user, product=fund, side="sell", units="4000")
    _nav(fund, sold_on, "1.0200")
    clock.set(sold_on, 20)
    orders.end_of_day(run_date=sold_on)
    _nav(fund, MONDAY, "1.0300")
    clock.set(MONDAY, 10)
    sale.refresh_from_db()
    return user, fund, sale


def test_the_realised_gains_csv_lists_each_sale_with_its_cost_from_the_lots(client, sold):
    user, fund, sale = sold
    client.force_login(user)
    response = client.get("/me/portfolio/realised/2026.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header, line, total = rows
    assert len(header) == 9
    assert line[1] == "Harbour Bond Fund"
    gross = D("4000") * D("1.0200")
    fee = (gross * D("0.0075")).quantize(D("0.01"))
    cost = D("4060.00")  # 4,000 of the 10,000 units that cost 10,150
    assert D(line[4]) == D("4000.00")
    assert D(line[5]) == gross - fee == sale.amount
    assert D(line[6]) == cost
    assert D(line[7]) == fee
    assert D(line[8]) == gross - fee - cost
    assert D(total[8]) == D(line[8])


def test_another_year_has_no_sales_and_a_year_out_of_range_is_404(client, sold):
    user, _, _ = sold
    client.force_login(user)
    rows = list(csv.reader(io.StringIO(client.get("/me/portfolio/realised/2025.csv").text)))
    assert len(rows) == 2  # the header and the zero totals
    assert client.get("/me/portfolio/realised/1999.csv").status_code == 404
    assert client.get("/me/statements/2999/").status_code == 404


def test_the_yearly_statement_shows_holdings_flows_fees_and_realised_gain(client, sold):
    user, fund, sale = sold
    client.force_login(user)
    response = client.get("/me/statements/2026/")
    assert response.status_code == 200
    statement = response.context["statement"]
    assert statement.purchases == D("10150.00")
    assert statement.sales == sale.amount
    assert statement.fees == D("150.00") + sale.fee
    assert statement.deposits == D("50000.00")
    (holding,) = statement.performance.holdings
    assert holding.units == D("6000.00")
    assert holding.figures.value_end == D("6180.00")
    assert statement.realised_totals.gain == sale.amount - D("4060.00")
    page = response.content.decode()
    assert "Harbour Bond Fund" in page
    assert "6,180.00" in page


def test_the_portfolio_page_shows_xirr_twr_and_allocation_for_the_period(client, sold):
    user, _, _ = sold
    client.force_login(user)
    response = client.get("/me/portfolio/?period=3m")
    assert response.status_code == 200
    performance = response.context["performance"]
    assert performance.period == "3m"
    assert performance.total.time_weighted is not None
    assert performance.total.money_weighted_annualised is None  # under a year
    page = response.content.decode()
    assert "pf-xirr" in page
    assert "pf-twr" in page
    assert "/me/portfolio/realised/2026.csv" in page
    assert "/me/statements/2026/" in page
    ((_, kinds), _, _) = response.context["allocations"]
    assert [s.share for s in kinds] == [D("1.000000")]


def test_a_bad_period_on_the_page_is_a_message_not_a_500(client, sold):
    user, _, _ = sold
    client.force_login(user)
    response = client.get("/me/portfolio/?period=<script>")
    assert response.status_code == 200
    assert response.context["period_error"] == str(BAD_PERIOD)
    assert response.context["performance"].period == "1y"


def test_the_api_gives_the_figures_per_holding_and_overall(client, sold):
    user, fund, _ = sold
    client.force_login(user)
    data = client.get("/api/v1/me/portfolio/?period=all").json()
    assert data["period"] == "all"
    assert data["annualised"] is False
    (holding,) = data["holdings"]
    assert holding["product"]["slug"] == fund.slug
    assert holding["product"]["risk_level"] == "R2"
    assert holding["figures"]["value_end"] == "6180.00"
    assert data["total"]["time_weighted_annualised"] is None
    assert data["allocation"]["kind"][0]["key"] == "fund"


def test_the_api_refuses_a_bad_period_with_a_400(client, sold):
    user, _, _ = sold
    client.force_login(user)
    response = client.get("/api/v1/me/portfolio/?period=2y")
    assert response.status_code == 400
    assert "period" in response.json()


def _many_holdings(user, count, *, institution, start):
    products = [
        factories.ProductFactory(institution=institution, risk_level=1 + i % 5)
        for i in range(count)
    ]
    NavPrice.objects.bulk_create(
        NavPrice(product=p, date=day, nav=nav)
        for p in products
        for day, nav in ((start, D("1.0000")), (MONDAY - dt.timedelta(days=3), D("1.0500")))
    )
    bought = Order.objects.bulk_create(
        OrderFactory.build(
            user=user,
            product=p,
            status=OrderStatus.CONFIRMED,
            side=Side.BUY,
            amount=D("101.50"),
            units=D("100.00"),
            fee=D("1.50"),
            trade_date=start,
            confirmed_on=start + dt.timedelta(days=1),
        )
        for p in products
    )
    holdings = Holding.objects.bulk_create(
        Holding(
            user=user,
            product=p,
            institution=institution,
            kind=p.kind,
            units=D("100.00"),
            cost=D("101.50"),
        )
        for p in products
    )
    Lot.objects.bulk_create(
        Lot(
            holding=h,
            order=o,
            source=LotSource.PURCHASE,
            acquired_on=start,
            units=D("100.00"),
            units_remaining=D("100.00"),
            cost_remaining=D("101.50"),
        )
        for h, o in zip(holdings, bought, strict=True)
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_page_api_and_statement_take_the_same_queries_for_1000_holdings(client, clock):
    clock.set(MONDAY, 10)
    user = factories.investor_with_cash(cash="100")
    institution = factories.InstitutionFactory()
    start = dt.date(2026, 3, 2)
    _many_holdings(user, 2, institution=institution, start=start)
    client.force_login(user)
    urls = ["/me/portfolio/?period=all", "/api/v1/me/portfolio/?period=1y", "/me/statements/2026/"]
    few = [_queries(client, url) for url in urls]
    _many_holdings(user, 998, institution=institution, start=start)
    many = [_queries(client, url) for url in urls]
    assert many == few
    data = client.get("/api/v1/me/portfolio/?period=all").json()
    assert len(data["holdings"]) == 1000
    assert data["total"]["value_end"] == "105000.00"
