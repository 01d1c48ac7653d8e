"""Comparing products side by side: which products, in which order, what each shows, and a
NAV chart rebased to 100 at a common start, read in a bounded number of queries."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from products import compare
from products.models import FundType, NavPrice, ProductKind, ProductStatus
from products.services.stats import product_stats_refresh
from tests.factories import ProductFactory, UserFactory, investor_with_cash

pytestmark = pytest.mark.django_db
END = dt.date(2026, 11, 30)


def priced(product, *, days: int, growth: str = "1.0004", start_nav: str = "1.0000"):
    """``days`` calendar days of NAVs ending on END, growing by ``growth`` a day."""
    nav, rows = Decimal(start_nav), []
    for i in range(days, -1, -1):
        rows.append(NavPrice(product=product, date=END - dt.timedelta(days=i), nav=nav))
        nav = (nav * Decimal(growth)).quantize(Decimal("0.0001"))
    NavPrice.objects.bulk_create(rows)
    product_stats_refresh(product=product)
    product.refresh_from_db()
    return product


def returns_by_field(result) -> dict[str, list]:
    """``{"return_1y": [value of each column, …], …}``."""
    fields = [field for _, field in compare.RETURN_ROWS]
    return {
        f: [v for _, v in cells] for f, (_, cells) in zip(fields, result.return_rows, strict=True)
    }


def url(*slugs, **extra) -> str:
    query = "&".join([f"p={s}" for s in slugs] + [f"{k}={v}" for k, v in extra.items()])
    return f"/products/compare/?{query}"


# --- the selector -----------------------------------------------------------------------------


def test_slugs_come_from_repeated_and_comma_separated_parameters_in_order_once_each():
    assert compare.compare_slugs(values=["b,a", " c ", "a", ""]) == ["b", "a", "c"]


def test_a_long_list_of_slugs_is_cut_before_it_is_looked_up():
    slugs = compare.compare_slugs(values=[",".join(f"s{i}" for i in range(500))])
    assert len(slugs) == compare.MAX_REQUESTED


def test_products_keep_the_order_asked_for():
    a, b, c = ProductFactory(), ProductFactory(), ProductFactory()
    result = compare.comparison_for(
        values=[c.slug, a.slug, b.slug], range_key="1y", profile=None, signed_in=False
    )
    assert result.products == [c, a, b]
    assert [col.index for col in result.columns] == [1, 2, 3]


def test_only_the_first_four_are_compared_and_the_rest_are_named():
    products = ProductFactory.create_batch(6)
    result = compare.comparison_for(
        values=[p.slug for p in products], range_key=None, profile=None, signed_in=False
    )
    assert result.products == products[:4]
    assert result.dropped == products[4:]


def test_unknown_and_unpublished_slugs_are_ignored_and_reported():
    a, b = ProductFactory(), ProductFactory()
    draft = ProductFactory(status=ProductStatus.DRAFT)
    result = compare.comparison_for(
        values=[a.slug, "no-such-fund", draft.slug, "<script>", b.slug],
        range_key="1y",
        profile=None,
        signed_in=False,
    )
    assert result.products == [a, b]
    assert result.unknown == ["no-such-fund", draft.slug, "<script>"]


def test_unknown_slugs_do_not_take_one_of_the_four_places():
    products = ProductFactory.create_batch(4)
    result = compare.comparison_for(
        values=["gone", *[p.slug for p in products]], range_key="1y", profile=None, signed_in=False
    )
    assert result.products == products
    assert result.dropped == []


def test_curves_are_rebased_to_100_on_the_first_day_every_fund_has_a_price():
    old = priced(ProductFactory(), days=400, growth="1.0002")
    young = priced(ProductFactory(), days=250, growth="1.0010", start_nav="2.5000")
    chart = compare.normalised_chart(products=[old, young], range_key="1y")
    assert chart.start == END - dt.timedelta(days=250)
    assert chart.late_start
    by_product = {line.product: line for line in chart.series}
    # Each line starts at 100 whatever its NAV: the young fund's 2.5 is its 100.
    for line in chart.series:
        first_y = float(line.points.split()[0].split(",")[1])
        assert first_y == pytest.approx(float(chart.base_y), abs=0.15)
    young_nav = NavPrice.objects.get(product=young, date=END).nav
    assert by_product[young].last == pytest.approx(young_nav / Decimal("2.5") * 100)
    assert by_product[young].change > by_product[old].change > 0


def test_a_fund_under_six_months_old_shows_no_past_performance_at_all():
    baby = priced(ProductFactory(), days=100)
    old = priced(ProductFactory(), days=400)
    other = priced(ProductFactory(), days=400)
    result = compare.comparison_for(
        values=[baby.slug, old.slug, other.slug], range_key="1y", profile=None, signed_in=False
    )
    assert baby.return_3m is not None  # the figure exists on the product …
    assert all(cells[0][1] is None for _, cells in result.return_rows)  # … but is not shown
    assert result.columns[0].too_young
    assert {line.product for line in result.chart.series} == {old, other}
    assert not result.chart.late_start


def test_the_range_sets_the_period_and_an_unknown_range_falls_back_to_a_year():
    a, b = priced(ProductFactory(), days=400), priced(ProductFactory(), days=400)
    three = compare.normalised_chart(products=[a, b], range_key="3m")
    assert three.start == dt.date(2026, 8, 30)
    assert not three.late_start
    result = compare.comparison_for(
        values=[a.slug, b.slug], range_key="10y", profile=None, signed_in=False
    )
    assert result.range_key == "1y"
    assert result.chart.start == dt.date(2025, 11, 30)


def test_savings_insurance_and_money_market_funds_are_not_on_the_nav_chart():
    fund = priced(ProductFactory(), days=400)
    other = priced(ProductFactory(), days=400)
    savings = ProductFactory(kind=ProductKind.SAVINGS, risk_level=1)
    cash = ProductFactory(fund_type=FundType.MONEY_MARKET, risk_level=1)
    result = compare.comparison_for(
        values=[fund.slug, savings.slug, cash.slug, other.slug],
        range_key="1y",
        profile=None,
        signed_in=False,
    )
    assert {line.product for line in result.chart.series} == {fund, other}
    assert [c.charted for c in result.columns] == [True, False, False, True]
    assert result.columns[1].terms == savings.savings_terms


def test_a_young_fund_has_no_figure_for_periods_it_did_not_live_through():
    young = priced(ProductFactory(), days=250)
    old = priced(ProductFactory(), days=1200)
    result = compare.comparison_for(
        values=[young.slug, old.slug], range_key="1y", profile=None, signed_in=False
    )
    rows = returns_by_field(result)
    assert rows["return_6m"][0] is not None
    assert rows["return_1y"][0] is None
    assert rows["return_1y"][1] is not None
    assert rows["return_3y"][1] is not None
    assert [v for _, v in dict(result.risk_rows)["Maximum drawdown, 1 year"]][0] is None


def test_the_query_count_is_the_same_for_two_and_four_products():
    products = [priced(ProductFactory(), days=200 + 50 * i) for i in range(4)]

    def queries(items) -> int:
        with CaptureQueriesContext(connection) as ctx:
            compare.comparison_for(
                values=[p.slug for p in items], range_key="1y", profile=None, signed_in=False
            )
        return len(ctx.captured_queries)

    assert queries(products[:2]) == queries(products) == 3  # products, managers, NAVs


# --- the page ---------------------------------------------------------------------------------


def test_the_compare_url_is_not_taken_for_a_product_slug(client):
    response = client.get("/products/compare/")
    assert response.status_code == 200
    assert response.templates[0].name == "products/compare.html"


def test_fewer_than_two_products_explain_how_to_choose_them(client):
    product = ProductFactory(name="Harbour Steady Bond")
    html = client.get(url(product.slug)).content.decode()
    assert "Add at least one more product" in html
    assert "Harbour Steady Bond" in html
    assert f"/products/?compare={product.slug}" in html
    assert 'class="table compare-table' not in html
    empty = client.get("/products/compare/?p=").content.decode()
    assert "Choose two to four products" in empty


def test_the_page_shows_products_in_order_with_their_figures(client):
    a = priced(ProductFactory(name="Alpha Bond", risk_level=2), days=400)
    b = priced(
        ProductFactory(name="Beta Equity", fund_type=FundType.EQUITY, risk_level=4), days=250
    )
    response = client.get(url(b.slug, a.slug))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Beta Equity") < html.index("Alpha Bond")
    assert html.count('class="compare-line compare-line--') >= 4  # two lines, two keys
    assert "NAV, rebased to 100" in html
    assert a.institution.name in html
    assert a.code in html
    # Every return shown carries its risk level; a period the young fund missed shows "—".
    shown = re.findall(r'<span class="return(?: return--(?:up|down))?">[^<]*</span>(.{0,30})', html)
    assert len(shown) >= 8  # six periods of the old fund, three of the young one, the legend
    assert all(after.lstrip().startswith('<span class="risk risk--') for after in shown)
    assert 'return return--none">—</span>' in html
    assert "0.6%" in html  # management fee from the fund terms


def test_the_page_says_why_a_fund_under_six_months_old_shows_no_returns(client):
    baby = priced(ProductFactory(name="Baby Bond"), days=100)
    old = priced(ProductFactory(), days=400)
    html = client.get(url(baby.slug, old.slug)).content.decode()
    assert "Launched under six months ago" in html
    assert html.count("<polyline") == 1


def test_more_than_four_products_say_which_were_left_out(client):
    products = ProductFactory.create_batch(5)
    html = client.get(url(*[p.slug for p in products])).content.decode()
    assert "You can compare up to 4 products at a time" in html
    assert html.count('class="compare-head"') == 4
    assert products[4].name in html


def test_unknown_slugs_give_a_notice_never_an_error(client):
    a, b = ProductFactory(), ProductFactory()
    response = client.get(
        url(a.slug, "no-such-fund", "%3Cb%3Ex%3C%2Fb%3E", "%E5%9F%BA%E9%87%91", "x" * 5000, b.slug)
        + "&range=%00"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "We could not find these products" in html
    assert "no-such-fund" in html
    assert "<b>x</b>" not in html
    notice = html[html.index("We could not find") :].split("</div>")[0]
    assert "基金" in notice  # named back as typed, escaped
    assert "x" * 40 not in notice  # a long one is cut


def test_comma_separated_slugs_work_like_repeated_ones(client):
    a, b, c = ProductFactory(), ProductFactory(), ProductFactory()
    html = client.get(f"/products/compare/?p={a.slug},{b.slug},{c.slug}").content.decode()
    assert html.count('class="compare-head"') == 3


def test_savings_and_insurance_show_their_own_terms(client):
    fund = priced(ProductFactory(), days=400)
    savings = ProductFactory(kind=ProductKind.SAVINGS, risk_level=1)
    insurance = ProductFactory(kind=ProductKind.INSURANCE, risk_level=1)
    html = client.get(url(fund.slug, savings.slug, insurance.slug)).content.decode()
    assert "Savings terms" in html
    assert "2.1%" in html
    assert "Insurance terms" in html
    assert "500,000" in html
    assert "Not applicable" in html
    # One cell spans the NAV sections of a deposit and of a policy, pointing to their terms.
    assert html.count('rowspan="6"') == 2  # past returns
    assert "A deposit has no NAV" in html
    assert "A policy has no NAV" in html


def test_anonymous_visitors_see_no_suitability_and_the_page_is_cached(client):
    a, b = ProductFactory(), ProductFactory()
    html = client.get(url(a.slug, b.slug)).content.decode()
    assert "compare-fit" not in html


def test_a_signed_in_investor_sees_whether_each_product_suits_them(client):
    low, high = ProductFactory(risk_level=2), ProductFactory(risk_level=5)
    client.force_login(investor_with_cash(level=3))
    html = client.get(url(low.slug, high.slug)).content.decode()
    assert "Suits your risk level (C3)" in html
    assert "Above your risk level" in html


def test_a_signed_in_user_without_an_assessment_is_told_they_cannot_buy_yet(client):
    a, b = ProductFactory(), ProductFactory()
    client.force_login(UserFactory())
    html = client.get(url(a.slug, b.slug)).content.decode()
    assert html.count("You cannot buy this product") == 2


def test_the_page_reads_as_many_queries_for_four_products_as_for_two(client):
    products = [priced(ProductFactory(), days=400) for _ in range(4)]
    client.force_login(investor_with_cash(level=3))

    def queries(items) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(*[p.slug for p in items])).status_code == 200
        return len(ctx.captured_queries)

    two, four = queries(products[:2]), queries(products)
    assert two == four
    assert four <= 12


def test_the_catalogue_offers_compare_tick_boxes_and_keeps_those_already_chosen(client):
    chosen, other = ProductFactory(), ProductFactory()
    html = client.get(f"/products/?compare={chosen.slug}&compare=%3Cx%3E").content.decode()
    assert 'id="compare-form"' in html
    assert f'name="p" value="{other.slug}" form="compare-form"' in html
    assert f'<input type="hidden" name="p" value="{chosen.slug}">' in html
    assert 'name="p" value="&lt;x&gt;"' not in html
    assert "<x>" not in html


def test_the_product_page_links_to_the_catalogue_with_the_product_chosen(client):
    product = ProductFactory()
    html = client.get(f"/products/{product.slug}/").content.decode()
    assert f"/products/?compare={product.slug}#compare-form" in html


def test_the_manager_row_names_the_managers_of_the_current_approved_report(client):
    from institutions.models import Role
    from products.services import reports
    from tests.factories import MembershipFactory, StaffFactory

    a = priced(ProductFactory(name="Alpha Bond"), days=400)
    b = priced(ProductFactory(name="Beta Bond"), days=400)
    editor = MembershipFactory(institution=a.institution, role=Role.EDITOR).user
    report = reports.fund_report_save(
        product=a,
        actor=editor,
        data=reports.ReportData(
            year=2026,
            period="q2",
            fund_size=Decimal("2350000000.00"),
            fund_size_date=dt.date(2026, 6, 30),
            benchmark_name="ChinaBond Index",
            managers=[
                reports.ManagerRow("Li Ming", dt.date(2021, 3, 15)),
                reports.ManagerRow("Wang Fang", dt.date(2024, 7, 1)),
            ],
            allocation={"bonds": Decimal("100")},
        ),
    )
    html = client.get(url(a.slug, b.slug)).content.decode()
    assert "Li Ming" not in html  # a draft is not the fund's facts
    reports.fund_report_submit(report=report, actor=editor)
    reports.fund_report_approve(report=report, actor=StaffFactory(), reason="Checked.")
    result = compare.comparison_for(
        values=[a.slug, b.slug], range_key=None, profile=None, signed_in=False
    )
    assert [c.manager for c in result.columns] == ["Li Ming, Wang Fang", ""]
