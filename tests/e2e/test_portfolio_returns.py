"""A portfolio with a distribution in a real browser: the investor opens /me/portfolio/, sees
today's gain, the total gain with the distribution in it, XIRR, TWR, the value chart and the
allocation, switches the period, downloads the realised-gains CSV and opens the yearly
statement; on a desktop and on a 390-pixel phone.

Monday 2026-11-23 the investor buys 10,150 of a bond fund (10,000.00 units at 1.0000) and
10,000 of a savings deposit; the fund distributes CNY 0.0500 a unit (record 11-25, ex 11-26,
paid in cash on 11-27); Monday 11-30 half the units are sold at 1.0200."""

import datetime as dt
from decimal import Decimal

import pytest

from orders import services
from orders.plans.distributions.services.declaration import (
    distribution_approve,
    distribution_declare,
)
from products.models import ProductKind
from tests.e2e.test_catalogue import log_in
from tests.factories import (
    MembershipFactory,
    ProductFactory,
    StaffFactory,
    investor_with_cash,
    set_nav,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
D = dt.date
MONDAY, RECORD, EX, PAY, SOLD = (
    D(2026, 11, 23),
    D(2026, 11, 25),
    D(2026, 11, 26),
    D(2026, 11, 27),
    D(2026, 11, 30),
)


_nav = set_nav


def _evening(clock, day):
    clock.set(day, 20)
    services.end_of_day(run_date=day)


@pytest.fixture
def holder(clock):
    fund = ProductFactory(risk_level=2, name="Harbour Steady Bond")
    deposit = ProductFactory(kind=ProductKind.SAVINGS, risk_level=1, name="Harbour 1-Year Deposit")
    editor = MembershipFactory(institution=fund.institution).user
    user = investor_with_cash(cash="30000", email="returns@example.com")
    services.order_place(user=user, product=fund, side="buy", amount="10150")
    services.order_place(user=user, product=deposit, side="buy", amount="10000")
    _nav(fund, MONDAY, "1.0000")
    _evening(clock, MONDAY)
    clock.set(D(2026, 11, 24), 10)
    declared = distribution_declare(
        institution=fund.institution,
        product=fund,
        actor=editor,
        amount_per_unit=Decimal("0.0500"),
        record_date=RECORD,
        ex_date=EX,
        pay_date=PAY,
    )
    distribution_approve(distribution=declared, actor=StaffFactory())
    for day, nav in ((D(2026, 11, 24), "1.0310"), (RECORD, "1.0480"), (EX, "1.0000")):
        _nav(fund, day, nav)
        _evening(clock, day)
    _nav(fund, PAY, "1.0030")
    _evening(clock, PAY)
    clock.set(SOLD, 10)
    services.order_place(user=user, product=fund, side="sell", units="5000")
    _nav(fund, SOLD, "1.0200")
    _evening(clock, SOLD)
    clock.set(SOLD + dt.timedelta(days=1), 10)
    _nav(fund, SOLD + dt.timedelta(days=1), "1.0250")
    clock.set(SOLD + dt.timedelta(days=2), 10)
    return user


@pytest.mark.parametrize("width", [1280, 390])
def test_a_portfolio_with_a_distribution_shows_xirr_twr_allocation_and_the_statement(
    new_page, shot, holder, width
):
    page = new_page(width=width)
    log_in(page, "returns@example.com")
    page.goto("/me/portfolio/?period=all")
    returns = page.locator("#returns")
    assert returns.locator(".pf-xirr").is_visible()
    assert "%" in returns.locator(".pf-xirr").inner_text()
    assert "%" in returns.locator(".pf-twr").inner_text()
    assert "500.00" in returns.inner_text()  # the distribution inside the total gain
    assert returns.locator(".pf-alloc__row").count() >= 4  # kind, fund type, risk
    assert returns.locator(".pf-chart svg").count() == 1
    shot(page, "portfolio-since-first-purchase")

    page.click("button[name=period][value='1m']")
    page.wait_for_url("**period=1m**")
    assert page.locator(".pf-periods__option.is-current").inner_text().strip()
    assert "not annualised" in page.locator("#returns").inner_text()
    shot(page, "portfolio-one-month")

    with page.expect_download() as download:
        page.click("a[href='/me/portfolio/realised/2026.csv']")
    text = open(download.value.path(), encoding="utf-8").read()  # noqa: PTH123, SIM115
    assert "Harbour Steady Bond" in text

    page.click("a[href='/me/statements/2026/']")
    page.wait_for_url("**/me/statements/2026/")
    sheet = page.locator("main").inner_text()
    assert "Yearly statement 2026" in sheet
    assert "Harbour 1-Year Deposit" in sheet
    assert "500.00" in sheet
    shot(page, "yearly-statement")
