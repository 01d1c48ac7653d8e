"""The fund page's performance in a real browser, on a desktop and on a phone: an equity fund's
returns beside its category average and rank with its risk level, drawdown, volatility,
inception date and distributions; a money-market fund's income per 10,000 units and 7-day yield
with their charts and the last seven days, and no NAV-return table. Screenshots are saved as
var/screens/fundpage-*.png; the page never scrolls sideways on a phone."""

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from orders.plans.distributions.models import Distribution, DistributionStatus
from products.models import DailyYield, FundType, NavPrice
from products.services.stats import product_stats_refresh
from tests.factories import InstitutionFactory, ProductFactory, StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENS = Path(settings.BASE_DIR) / "var" / "screens"
LATEST = dt.date(2026, 11, 20)
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


def equity_fund(name: str, daily: str, days: int = 1300, **fields):
    product = ProductFactory(fund_type=FundType.EQUITY, risk_level=4, name=name, **fields)
    nav, rows = Decimal("1.0000"), []
    for i in range(days, -1, -1):
        day = LATEST - dt.timedelta(days=i)
        if day.weekday() < 5:
            wiggle = Decimal("0.004") if i % 9 < 4 else Decimal("-0.0035")
            nav = (nav * (1 + Decimal(daily) + wiggle)).quantize(Decimal("0.0001"))
            rows.append(NavPrice(product=product, date=day, nav=nav))
    NavPrice.objects.bulk_create(rows)
    return product_stats_refresh(product=product)


def money_market_fund():
    product = ProductFactory(
        fund_type=FundType.MONEY_MARKET, risk_level=1, name="Fortune Cash Reserve"
    )
    rows = []
    for i in range(90, -1, -1):
        rows.append(
            DailyYield(
                product=product,
                date=LATEST - dt.timedelta(days=i),
                income_per_10k=Decimal(0.45 + 0.03 * math.sin(i / 9)).quantize(Decimal("0.0001")),
                seven_day_yield=Decimal(0.0165 + 0.001 * math.sin(i / 11)).quantize(
                    Decimal("0.000001")
                ),
            )
        )
    DailyYield.objects.bulk_create(rows)
    last = rows[-1]
    product.latest_income_per_10k = last.income_per_10k
    product.latest_seven_day_yield = last.seven_day_yield
    product.latest_yield_date = last.date
    product.save()
    return product


def look(new_page, path: str, name: str, expected: list[str], absent: list[str]):
    for size, (width, height) in SIZES.items():
        page = new_page(width, height)
        page.goto(path)
        body = page.locator("main").inner_text().lower()
        for text in expected:
            assert text.lower() in body, (size, text)
        for text in absent:
            assert text.lower() not in body, (size, text)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways on {size} by {overflow}px"
        assert page.csp_errors == []
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / f"fundpage-{name}-{size}.png"), full_page=True)
        # The performance part alone, at full size, to read it as a visitor does.
        page.locator("section.fp").screenshot(
            path=str(SCREENS / f"fundpage-{name}-{size}-part.png")
        )


def test_an_equity_fund_page_shows_performance_beside_its_category(new_page, browser, live_server):
    institution = InstitutionFactory(name="Harbour Fund Management")
    fund = equity_fund("Harbour China Growth Equity", "0.0006", institution=institution)
    for n, daily in enumerate(["0.0002", "0.0004", "0.0009", "0.0001"]):
        equity_fund(f"Peer Equity {n}", daily)
    equity_fund("Young Equity", "0.002", days=60)  # too young: neither shown nor counted
    staff = StaffFactory()
    Distribution.objects.create(
        product=fund,
        institution=institution,
        declared_by=staff,
        amount_per_unit=Decimal("0.0520"),
        record_date=dt.date(2026, 6, 10),
        ex_date=dt.date(2026, 6, 11),
        pay_date=dt.date(2026, 6, 12),
        status=DistributionStatus.PAID,
    )
    Distribution.objects.create(
        product=fund,
        institution=institution,
        declared_by=staff,
        amount_per_unit=Decimal("0.0310"),
        record_date=dt.date(2026, 12, 10),
        ex_date=dt.date(2026, 12, 11),
        pay_date=dt.date(2026, 12, 14),
        status=DistributionStatus.APPROVED,
    )
    look(
        new_page,
        f"/products/{fund.slug}/",
        "equity",
        expected=[
            "Performance",
            "Category average",
            "Rank in category",
            " / 5",
            "Since inception",
            "Maximum drawdown",
            "Volatility",
            "Inception date",
            "Past performance does not predict future returns.",
            "Distributions",
            "0.0520",
            "0.0310",
            "Announced",
        ],
        absent=["/ 6"],
    )
    # In Chinese, on a phone: every label translated, the same figures.
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto(f"/products/{fund.slug}/")
    part = page.locator("section.fp")
    text = part.inner_text()
    for words in ("业绩表现", "同类平均", "排名", "近1年", "成立以来", "最大回撤", "波动率"):
        assert words in text, words
    assert "过往业绩不预示未来表现" in text
    part.screenshot(path=str(SCREENS / "fundpage-equity-phone-zh-part.png"))
    page.locator("section.fp-dist").screenshot(path=str(SCREENS / "fundpage-dist-phone-zh.png"))
    context.close()


def test_a_money_market_fund_page_shows_income_and_yield_without_nav_returns(new_page):
    fund = money_market_fund()
    look(
        new_page,
        f"/products/{fund.slug}/",
        "money-market",
        expected=[
            "Income per 10,000 units",
            "7-day annualised yield",
            "The last 7 days published",
            "Past performance does not predict future returns.",
        ],
        absent=["Rank in category", "Category average", "Price history (NAV)"],
    )
