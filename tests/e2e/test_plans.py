"""An automatic investment plan in a real browser: a monthly plan whose next day is a holiday,
the mornings' plan runs and the evenings' end of day across it, the purchase on the next
trading day, then a month short of cash skipped and the inbox saying so."""

import datetime as dt
from decimal import Decimal

import pytest

from orders import services
from orders.campaigns.models import InboxMessage, Topic
from orders.models import Order
from orders.plans import placing, run
from orders.plans.models import InvestmentPlan, PurchaseStatus
from products.models import NavPrice
from tests.e2e.test_catalogue import log_in
from tests.factories import TRADE_PIN, ProductFactory, StaffFactory, investor_with_cash

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
D = dt.date


def trading_days(first, last):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def test_a_monthly_plan_rolls_over_a_holiday_and_skips_a_month_short_of_cash(new_page, shot, clock):
    investor = investor_with_cash(cash="1500", email="planner@example.com")
    fund = ProductFactory(risk_level=2, name="Harbour Steady Bond", min_purchase=Decimal("100"))
    for offset in range(-45, 1):
        NavPrice.objects.create(
            product=fund,
            date=D(2026, 11, 23) + dt.timedelta(days=offset),
            nav=Decimal("1.0200") + Decimal(offset % 7) / 1000,
        )
    staff = StaffFactory()
    services.holiday_add(actor=staff, date=D(2026, 12, 1), name="Founders' day")

    page = new_page()
    log_in(page, "planner@example.com")
    page.goto(f"/products/{fund.slug}/")
    shot(page, "fund-page")
    page.locator("a:has-text('Invest regularly')").click()
    page.wait_for_load_state()
    page.fill("input[name=amount]", "1,000")
    page.check("input[name=frequency][value=monthly]")
    page.select_option("select[name=month_day]", "1")
    page.fill("input[name=start_date]", "2026-11-24")
    page.fill("input[name=trade_pin]", TRADE_PIN)
    shot(page, "plan-form")
    page.locator("form:has(input[name=amount]) [type=submit]").click()
    page.wait_for_load_state()
    shot(page, "plan-set-up")
    plan = InvestmentPlan.objects.get(user=investor)
    assert page.url.endswith(f"/me/plans/{plan.pk}/")
    # 1 December is a holiday: the first purchase rolls to Wednesday the 2nd.
    assert page.locator("#plan-next time").get_attribute("datetime") == "2026-12-02"

    # Mornings: the plan run (as beat); evenings: NAV(T) uploaded, then end of day.
    for day in trading_days(D(2026, 11, 24), D(2026, 12, 3)):
        clock.set(day, 9, 30)
        run.plans_dispatch()
        clock.set(day, 21)
        if day.weekday() < 5 and day != D(2026, 12, 1):
            NavPrice.objects.get_or_create(
                product=fund, date=day, defaults={"nav": Decimal("1.0250")}
            )
        services.end_of_day(run_date=day)

    order = Order.objects.get(user=investor)
    assert order.trade_date == D(2026, 12, 2)
    assert order.idempotency_key == f"plan-{plan.pk}-2026-12-02"
    assert order.status == "confirmed"
    page.goto(f"/me/plans/{plan.pk}/")
    shot(page, "plan-after-first-purchase")
    assert page.locator("#plan-invested").inner_text() == "CNY 1,000.00"
    assert page.locator("#plan-next time").get_attribute("datetime") == "2027-01-01"
    assert page.locator(".plan-chart__dot").count() == 1

    # January: 500 left in cash, the purchase of 1,000 is skipped and the investor told.
    clock.set(D(2027, 1, 1), 9, 30)
    run.plans_dispatch()
    purchase = plan.purchases.get(due_date=D(2027, 1, 1))
    assert purchase.status == PurchaseStatus.SKIPPED
    assert purchase.reason_code == placing.REASON_CASH
    assert InboxMessage.objects.filter(user=investor, topic=Topic.PLAN_SKIPPED).count() == 1
    log_in(page, "planner@example.com")  # a month on: the session has expired
    page.goto("/me/inbox/")
    shot(page, "inbox-says-skipped")
    assert page.locator("text=Plan purchase skipped").first.is_visible()
    page.goto(f"/me/plans/{plan.pk}/")
    shot(page, "plan-with-skip")
    assert "Skipped" in page.locator(".plan-purchases").inner_text()
    page.goto("/me/plans/")
    shot(page, "plan-list")
    assert page.csp_errors == []
