"""The institution's dashboard and the staff overview, on a dataset whose figures are known:
subscriptions, redemptions, assets, holders, new customers, conversion, top products and campaign
results; another institution's orders never counted; a query count that does not grow with the
products (issue 15)."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817 - figures read as D("1.00")
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from institutions.models import InstitutionStatus, Role
from orders.campaigns.models import CampaignStatus, InboxMessage, MessageKind, Topic
from orders.insight.dashboard import institution_dashboard, month_chart, platform_overview
from orders.models import CouponRedemption, OrderStatus, RedemptionStatus, Side
from products.models import FundType, ProductKind, ProductPageViewDay, ProductStatus
from products.services import reports
from tests.factories import InstitutionFactory, MembershipFactory, ProductFactory, UserFactory
from tests.orders.campaigns.factories import CampaignFactory
from tests.orders.coupons.factories import make_coupon
from tests.orders.factories import HoldingFactory, OrderFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 11, 25)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def order(product, user, *, day=TODAY, hour=10, side=Side.BUY, status=OrderStatus.PENDING, **f):
    return OrderFactory(
        product=product, user=user, side=side, status=status, placed_at=at(day, hour), **f
    )


@pytest.fixture
def data(clock):
    clock.set(TODAY, 16)
    mine, theirs = InstitutionFactory(name="Mine Funds"), InstitutionFactory(name="Their Funds")
    fund = ProductFactory(institution=mine, name="Mine Bond", latest_nav=D("1.2000"))
    no_nav = ProductFactory(institution=mine, name="Mine New Fund")
    savings = ProductFactory(institution=mine, name="Mine Deposit", kind=ProductKind.SAVINGS)
    mmf = ProductFactory(
        institution=mine, name="Mine Cash", fund_type=FundType.MONEY_MARKET, latest_nav=None
    )
    ProductFactory(institution=mine, name="Draft", status=ProductStatus.DRAFT, published_at=None)
    their_fund = ProductFactory(institution=theirs, name="Their Bond", latest_nav=D("2.0000"))
    u1, u2, u3, u4, u5 = (UserFactory() for _ in range(5))

    # Today: two buys that count (a cancelled one does not), two sells (one priced).
    order(fund, u1, amount=D("1000.00"))
    order(fund, u2, hour=9, status=OrderStatus.CONFIRMED, amount=D("500.00"))
    order(fund, u1, status=OrderStatus.CANCELLED, amount=D("300.00"))
    order(fund, u3, side=Side.SELL, status=OrderStatus.CONFIRMED, amount=D("200.00"))
    order(fund, u3, side=Side.SELL, amount=None)
    # Earlier this month, last month, and 12 months ago (outside the chart).
    order(savings, u3, day=dt.date(2026, 11, 3), status=OrderStatus.SETTLED, amount=D("2000.00"))
    order(fund, u3, day=dt.date(2026, 10, 15), status=OrderStatus.CONFIRMED, amount=D("800.00"))
    order(fund, u4, day=dt.date(2025, 11, 20), status=OrderStatus.CONFIRMED, amount=D("999.00"))
    order(fund, u4, day=dt.date(2026, 11, 1), status=OrderStatus.REJECTED, amount=D("50.00"))
    # The other institution: u1 bought there before, u5 only there; none of it is ours.
    order(their_fund, u1, day=dt.date(2026, 9, 1), status=OrderStatus.CONFIRMED, amount=D("70"))
    order(their_fund, u5, status=OrderStatus.CONFIRMED, amount=D("9000.00"))
    order(their_fund, u5, side=Side.SELL, status=OrderStatus.CONFIRMED, amount=D("100.00"))

    HoldingFactory(user=u1, product=fund, units=D("100.00"), cost=D("100.00"))  # 120.00
    HoldingFactory(user=u3, product=fund, units=D("10.00"), cost=D("11.00"))  # 12.00
    HoldingFactory(user=u4, product=fund, units=D("0.00"), cost=D("0.00"))  # sold out
    HoldingFactory(user=u2, product=savings, units=D("2000.00"), cost=D("2000.00"))  # principal
    HoldingFactory(user=u3, product=mmf, units=D("50.50"), cost=D("50.50"))  # at 1.0000
    HoldingFactory(user=u2, product=no_nav, units=D("30.00"), cost=D("33.00"))  # at cost
    HoldingFactory(user=u5, product=their_fund, units=D("1000.00"), cost=D("1000.00"))

    for product, day, views in (
        (fund, TODAY, 50),
        (fund, TODAY - dt.timedelta(days=10), 30),
        (fund, TODAY - dt.timedelta(days=40), 1000),  # before the 30 days
        (their_fund, TODAY, 999),
    ):
        ProductPageViewDay.objects.create(product=product, day=day, views=views)

    # A campaign with a coupon: three offers, two opened; one recipient used the coupon, and
    # one investor who never got the offer used it too (not the campaign's doing).
    coupon = make_coupon(product=fund, code="HALF")
    campaign = CampaignFactory(
        institution=mine,
        title="Half the fee",
        status=CampaignStatus.SENT,
        coupon=coupon,
        launched_at=at(dt.date(2026, 11, 10)),
    )
    for user, read in ((u1, True), (u2, True), (u3, False)):
        InboxMessage.objects.create(
            user=user,
            kind=MessageKind.OFFER,
            topic=Topic.OFFER,
            subject_key=f"campaign:{campaign.pk}",
            title="Half the fee",
            body="…",
            campaign=campaign,
            read_at=at(TODAY) if read else None,
        )
    for user in (u1, u4):
        buy = order(fund, user, day=dt.date(2026, 11, 12), status=OrderStatus.CANCELLED)
        CouponRedemption.objects.create(
            order=buy,
            coupon=coupon,
            user=user,
            institution=mine,
            product=fund,
            payer=coupon.payer,
            list_fee=D("10.00"),
            discount=D("5.00"),
            fee=D("5.00"),
            status=RedemptionStatus.USED,
        )
    CampaignFactory(institution=mine, title="Not launched")  # a draft: not a result
    CampaignFactory(institution=theirs, status=CampaignStatus.SENT, launched_at=at(TODAY))
    return {"mine": mine, "theirs": theirs, "fund": fund, "savings": savings}


def test_subscriptions_and_redemptions_today_and_this_month(data):
    figures = institution_dashboard(institution=data["mine"], today=TODAY)

    assert (figures.subscriptions_today.count, figures.subscriptions_today.amount) == (2, D(1500))
    # The pending sell counts in the number; its proceeds are not known yet.
    assert (figures.redemptions_today.count, figures.redemptions_today.amount) == (2, D(200))
    assert (figures.subscriptions_month.count, figures.subscriptions_month.amount) == (3, D(3500))
    assert (figures.redemptions_month.count, figures.redemptions_month.amount) == (2, D(200))


def test_twelve_months_end_with_this_one(data):
    months = institution_dashboard(institution=data["mine"], today=TODAY).months

    assert [m.month for m in months][:2] == [dt.date(2025, 12, 1), dt.date(2026, 1, 1)]
    assert months[-1].month == dt.date(2026, 11, 1)
    assert len(months) == 12
    assert (months[-1].subscriptions.count, months[-1].subscriptions.amount) == (3, D(3500))
    assert (months[-2].subscriptions.count, months[-2].subscriptions.amount) == (1, D(800))
    assert months[-1].net == D(3300)
    # November 2025 is outside the chart; nothing else moved.
    assert sum(m.subscriptions.count for m in months) == 4


def test_assets_holders_and_new_customers(data):
    figures = institution_dashboard(institution=data["mine"], today=TODAY)

    # 100 × 1.2 + 10 × 1.2 + 2,000 principal + 50.50 at 1.0000 + 33 at cost (no NAV yet)
    assert figures.assets == D("2215.50")
    assert figures.holders == 3  # u1, u2, u3; u4 sold out
    # u1 and u2 first ordered with us this month (u1 bought elsewhere before: still new to us);
    # u3 first ordered in October, u4 a year ago.
    assert figures.new_customers == 2


def test_conversion_from_page_views_per_product(data):
    figures = institution_dashboard(institution=data["mine"], today=TODAY)
    by_name = {p.name: p for p in figures.products}

    assert "Draft" not in by_name  # never published: no page to view
    fund = by_name["Mine Bond"]
    assert (fund.views, fund.orders, fund.conversion) == (80, 2, D("2.5"))
    assert (fund.holders, fund.assets) == (2, D("132.00"))
    assert by_name["Mine Deposit"].conversion is None  # no views: no rate
    assert (figures.views, figures.orders) == (80, 3)
    # Best conversion first, its bar full; products without views last, with an empty bar.
    (first, bar), *rest = figures.conversion_rows
    assert (first.name, bar) == ("Mine Bond", 100)
    assert all(bar == 0 for _, bar in rest)


def test_top_products_by_subscriptions_this_month(data):
    top = institution_dashboard(institution=data["mine"], today=TODAY).top_products

    assert [(p.name, p.month.count, p.month.amount) for p in top] == [
        ("Mine Deposit", 1, D(2000)),
        ("Mine Bond", 2, D(1500)),
    ]


def test_campaign_results_count_offers_opened_and_recipients_coupons(data):
    (line,) = institution_dashboard(institution=data["mine"], today=TODAY).campaigns

    assert (line.title, line.sent, line.opened, line.coupon_redeemed) == ("Half the fee", 3, 2, 1)
    assert line.open_rate == D("66.7")


def test_another_institutions_business_is_never_counted(data):
    theirs = institution_dashboard(institution=data["theirs"], today=TODAY)

    assert (theirs.subscriptions_today.amount, theirs.redemptions_today.amount) == (D(9000), D(100))
    assert (theirs.assets, theirs.holders, theirs.new_customers) == (D("2000.00"), 1, 1)
    assert [p.name for p in theirs.products] == ["Their Bond"]
    assert all(c.title != "Half the fee" for c in theirs.campaigns)


def test_the_platform_overview_adds_up_every_institution(data):
    figures = platform_overview(today=TODAY)

    assert figures.subscriptions_today.amount == D(10500)
    assert figures.redemptions_today.amount == D(300)
    assert figures.assets == D("4215.50")
    assert figures.holders == 4
    # New to the platform this month: u2 and u5 (u1 bought in September, u3 in October).
    assert figures.new_customers == 2
    assert [(i.name, i.month.amount) for i in figures.institutions] == [
        ("Their Funds", D(9000)),
        ("Mine Funds", D(3500)),
    ]


def test_the_month_chart_scales_to_the_highest_bar(data):
    chart = institution_dashboard(institution=data["mine"], today=TODAY).chart

    assert chart.high == D(3500)
    assert len(chart.bars) == 24
    tallest = max(chart.bars, key=lambda b: b.height)
    assert tallest.y == chart.baseline - tallest.height
    assert tallest.y <= 4
    assert month_chart([]) is None


def test_the_portal_dashboard_shows_the_figures(client, data):
    client.force_login(MembershipFactory(institution=data["mine"], role=Role.EDITOR).user)

    page = client.get("/portal/").content.decode()

    for text in ("Subscriptions today", "Half the fee", "Mine Bond", "2.5%", "<svg"):
        assert text in page
    assert "Their Bond" not in page


def _portal_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/portal/").status_code == 200
    return len(captured.captured_queries)


def test_the_portal_dashboards_queries_do_not_grow_with_products(client, clock):
    clock.set(TODAY)
    mine = InstitutionFactory()
    client.force_login(MembershipFactory(institution=mine, role=Role.ANALYST).user)
    for _ in range(2):
        product = ProductFactory(institution=mine)
        order(product, UserFactory(), amount=D("100.00"))
        HoldingFactory(product=product)
    two = _portal_queries(client)
    for _ in range(48):
        product = ProductFactory(institution=mine)
        order(product, UserFactory(), amount=D("100.00"))
        HoldingFactory(product=product)
        ProductPageViewDay.objects.create(product=product, day=TODAY, views=3)

    assert _portal_queries(client) == two


def test_the_staff_overview_shows_the_platform_and_the_queues(staff_client, data):
    InstitutionFactory(status=InstitutionStatus.APPLIED)
    ProductFactory(institution=data["mine"], status=ProductStatus.IN_REVIEW, published_at=None)
    editor = MembershipFactory(institution=data["mine"], role=Role.EDITOR).user
    report = reports.fund_report_save(
        product=data["fund"],
        actor=editor,
        data=reports.ReportData(
            year=2026,
            period="q3",
            fund_size=D("1000000.00"),
            fund_size_date=dt.date(2026, 9, 30),
            benchmark_name="ChinaBond Index",
            managers=[reports.ManagerRow("Li Ming", dt.date(2021, 3, 15))],
            allocation={"bonds": D("100")},
        ),
    )
    reports.fund_report_submit(report=report, actor=editor)

    page = staff_client.get("/staff/")
    text = page.content.decode()

    assert page.status_code == 200
    assert "Waiting for a decision" in text
    assert "Top institutions this month" in text
    assert page.context["queues"].applications == 1
    assert page.context["queues"].products == 1
    assert page.context["queues"].reports == 1
    assert 'href="/staff/products/#reports-title"' in text
    for url in ("/staff/institutions/?status=applied", "/staff/products/", "/staff/identity/"):
        assert f'href="{url}' in text


def test_the_staff_overviews_queries_do_not_grow_with_institutions(staff_client, clock):
    clock.set(TODAY)
    with CaptureQueriesContext(connection) as few:
        staff_client.get("/staff/")
    for _ in range(10):
        product = ProductFactory()
        order(product, UserFactory(), amount=D("100.00"))
        HoldingFactory(product=product)
    with CaptureQueriesContext(connection) as many:
        staff_client.get("/staff/")
    assert len(many.captured_queries) <= len(few.captured_queries) + 2  # the stuck-orders table
