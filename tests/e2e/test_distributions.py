"""A fund distribution in a real browser: the institution's editor declares it on the portal,
staff approve it, one holder keeps the default election (cash) and the other switches to
reinvest; end of day on the pay date pays both, each sees it on their pages and inbox, and the
month's statement of the institution carries both.

Monday 2026-11-23 both buy 10,150 (10,000.00 units at NAV 1.0000, 1.5% fee). The distribution:
CNY 0.0500 a unit, record date Wednesday 11-25 (NAV 1.0480), ex-date Thursday 11-26 (NAV
1.0000: the NAV falls by the distribution), pay date Friday 11-27 (NAV 1.0030). So CNY 500.00
each: in cash, or 500.00 new units at 1.0000."""

import datetime as dt
from decimal import Decimal

import pytest

from institutions.models import Role
from orders import services
from orders.campaigns.models import InboxMessage, Topic
from orders.models import CashEntry, EntryKind, Lot, LotSource, Statement
from orders.plans.distributions.models import Distribution, DistributionStatus, Election
from products.models import NavPrice
from tests.e2e.test_catalogue import log_in
from tests.factories import (
    TOTP_SECRET,
    MembershipFactory,
    ProductFactory,
    StaffFactory,
    UserFactory,
    investor_with_cash,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
D = dt.date
MONDAY, RECORD, EX, PAY = D(2026, 11, 23), D(2026, 11, 25), D(2026, 11, 26), D(2026, 11, 27)
NAVS = {
    MONDAY: "1.0000",
    D(2026, 11, 24): "1.0310",
    RECORD: "1.0480",
    EX: "1.0000",
    PAY: "1.0030",
}


def _nav(product, day):
    value = Decimal(NAVS[day])
    NavPrice.objects.update_or_create(product=product, date=day, defaults={"nav": value})
    product.latest_nav, product.latest_nav_date = value, day
    product.save(update_fields=["latest_nav", "latest_nav_date"])


def _evening(clock, fund, day):
    """NAV(T) uploaded, then that day's end of day (as the beat runs it)."""
    _nav(fund, day)
    clock.set(day, 20)
    return services.end_of_day(run_date=day)


def test_a_distribution_is_declared_approved_and_paid_in_cash_and_reinvested(new_page, shot, clock):
    fund = ProductFactory(risk_level=2, name="Harbour Steady Bond")
    MembershipFactory(
        institution=fund.institution,
        role=Role.EDITOR,
        user=UserFactory(email="ed@harbour.example"),
    )
    StaffFactory(email="reviewer@fortune.example")
    cash_holder = investor_with_cash(cash="20000", email="cash.holder@example.com")
    reinvestor = investor_with_cash(cash="20000", email="reinvestor@example.com")
    for user in (cash_holder, reinvestor):
        services.order_place(user=user, product=fund, side="buy", amount="10150")
    _evening(clock, fund, MONDAY)

    # 1. Tuesday morning: the editor declares it on the portal.
    clock.set(D(2026, 11, 24), 10)
    editor = new_page()
    log_in(editor, "ed@harbour.example")
    editor.goto(f"/portal/products/{fund.slug}/distributions/")
    shot(editor, "portal-empty")
    editor.fill("input[name=amount_per_unit]", "0.0500")
    editor.fill("input[name=record_date]", RECORD.isoformat())
    editor.fill("input[name=ex_date]", EX.isoformat())
    editor.fill("input[name=pay_date]", PAY.isoformat())
    shot(editor, "portal-declare-form")
    editor.locator("form:has(input[name=amount_per_unit]) [type=submit]").click()
    editor.wait_for_load_state()
    shot(editor, "portal-declared")
    distribution = Distribution.objects.get(product=fund)
    assert distribution.status == DistributionStatus.PENDING_REVIEW
    assert distribution.amount_per_unit == Decimal("0.0500")
    assert editor.url.endswith(f"/portal/products/{fund.slug}/distributions/")
    assert "Waiting for review" in editor.locator("table").inner_text()

    # 2. Staff approve it.
    staff = new_page()
    log_in(staff, "reviewer@fortune.example", TOTP_SECRET)
    staff.goto("/staff/distributions/")
    shot(staff, "staff-queue")
    staff.locator(f"a[href='/staff/distributions/{distribution.pk}/']").click()
    staff.wait_for_load_state()
    staff.fill("textarea[name=reason]", "Board resolution and amount checked.")
    shot(staff, "staff-review")
    staff.locator("button[name=action][value=approve]").click()
    staff.wait_for_load_state()
    shot(staff, "staff-approved")
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.APPROVED
    assert "Nothing waiting" in staff.locator("#pending-title + .table-wrap").inner_text()
    staff.goto(f"/staff/distributions/{distribution.pk}/")
    shot(staff, "staff-decided")
    history = staff.locator(".dist-history").inner_text()
    assert "Waiting for review → Approved" in history
    assert "Board resolution and amount checked." in history
    editor.reload()
    shot(editor, "portal-approved")
    assert "Approved" in editor.locator("table").inner_text()

    # 3. The holders: one keeps cash (the default), the other elects to reinvest.
    kept = new_page()
    log_in(kept, "cash.holder@example.com")
    kept.goto(f"/me/portfolio/{fund.slug}/distributions/")
    shot(kept, "cash-holder-election")
    assert kept.locator(f"input[name=election][value={Election.CASH}]").is_checked()
    assert "CNY 0.0500" in kept.locator("section[aria-labelledby=upcoming-title]").inner_text()

    investor = new_page()
    log_in(investor, "reinvestor@example.com")
    investor.goto("/me/portfolio/")
    shot(investor, "reinvestor-portfolio-before")
    investor.locator(f"a[href='/me/portfolio/{fund.slug}/distributions/']").click()
    investor.wait_for_load_state()
    investor.check(f"input[name=election][value={Election.REINVEST}]")
    investor.locator("form:has(input[name=election]) [type=submit]").click()
    investor.wait_for_load_state()
    shot(investor, "reinvestor-election-saved")
    assert investor.locator(f"input[name=election][value={Election.REINVEST}]").is_checked()
    assert "Your election is saved" in investor.content()
    assert investor.locator("#election-current").inner_text() == "Now: reinvest"

    # 4. The evenings up to the pay date: end of day on Friday pays both.
    for day in (D(2026, 11, 24), RECORD, EX):
        _evening(clock, fund, day)
    stats = _evening(clock, fund, PAY)
    assert stats["distribution_payments"] == 2
    distribution.refresh_from_db()
    assert distribution.status == DistributionStatus.PAID
    entry = CashEntry.objects.get(account__user=cash_holder, kind=EntryKind.DISTRIBUTION)
    assert entry.amount == Decimal("500.00")
    lot = Lot.objects.get(holding__user=reinvestor, source=LotSource.REINVEST)
    assert (lot.units, lot.cost_remaining, lot.acquired_on) == (
        Decimal("500.00"),
        Decimal("500.00"),
        EX,
    )
    assert not CashEntry.objects.filter(
        account__user=reinvestor, kind=EntryKind.DISTRIBUTION
    ).exists()

    # 5. What each of them sees on Saturday morning.
    clock.set(D(2026, 11, 28), 9)
    kept.goto("/me/cash/")
    shot(kept, "cash-holder-cash")
    activity = kept.locator("#activity").inner_text()
    assert "Distribution" in activity
    assert "+500.00" in activity
    kept.goto("/me/portfolio/")
    shot(kept, "cash-holder-portfolio")
    position = kept.locator("article.pf-position")
    assert "10,000.00" in position.inner_text()
    # 10,000 × 1.0030 − 10,150 + 500 received: the distribution is return, not a loss.
    assert position.locator(".pf-position__pnl .money").first.inner_text() == "+380.00"
    assert "500.00 received" in position.inner_text()
    kept.goto("/me/inbox/")
    shot(kept, "cash-holder-inbox")
    assert kept.locator(f"text={fund.name}: distribution paid").first.is_visible()
    assert "paid CNY 500.00 into your cash" in kept.content()

    investor.goto("/me/portfolio/")
    investor.locator("details.pf-lots summary").click()
    shot(investor, "reinvestor-portfolio-after")
    position = investor.locator("article.pf-position")
    assert "10,500.00" in position.locator(".pf-position__facts").inner_text()
    # 10,500 × 1.0030 − (10,150 + 500) + 500 received: the same return as taking the cash.
    pnl = position.locator(".pf-position__pnl .money").first.inner_text()
    assert pnl == "+381.50"
    lots = position.locator(".pf-lots__table tbody tr")
    assert lots.count() == 2
    assert "500.00" in lots.nth(1).inner_text()
    assert "Reinvested" in lots.nth(1).inner_text()
    investor.goto(f"/me/portfolio/{fund.slug}/distributions/")
    shot(investor, "reinvestor-distributions-received")
    received = investor.locator("section[aria-labelledby=received-title]").inner_text()
    assert "500.00 units at NAV 1.0000" in received
    investor.goto("/me/inbox/")
    shot(investor, "reinvestor-inbox")
    assert investor.locator(f"text={fund.name}: distribution paid").first.is_visible()
    assert "was reinvested: 500.00 units at the 2026-11-26 NAV of 1.0000." in investor.content()
    assert "CNY 0.00 paid" not in investor.content()  # nothing left over: no cash clause
    assert InboxMessage.objects.filter(topic=Topic.DISTRIBUTION_PAID).count() == 2

    # 6. November closed on 1 December: the institution's statement carries both payments.
    clock.set(D(2026, 12, 1), 2)
    services.close_month(month=D(2026, 11, 1))
    statement = Statement.objects.get(institution=fund.institution, month=D(2026, 11, 1))
    assert (statement.distributions_paid, statement.distributions_reinvested) == (
        Decimal("500.00"),
        Decimal("500.00"),
    )
    clock.set(D(2026, 12, 1), 10)
    editor.goto(f"/portal/statements/{statement.pk}/")
    if "/accounts/login/" in editor.url:  # a week on, the session may have expired
        log_in(editor, "ed@harbour.example")
        editor.goto(f"/portal/statements/{statement.pk}/")
    shot(editor, "portal-statement")
    row = editor.locator(".stmt-calc__row:has-text('Distributions paid')").inner_text()
    assert "CNY 500.00" in row
    assert "CNY 500.00 more was reinvested" in row

    phone = new_page(width=390, height=844)
    log_in(phone, "reinvestor@example.com")
    phone.goto(f"/me/portfolio/{fund.slug}/distributions/")
    shot(phone, "reinvestor-distributions-phone")

    for page in (editor, staff, kept, investor, phone):
        assert page.csp_errors == [], page.csp_errors
