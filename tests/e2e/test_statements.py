"""Commission in a real browser: an investor's confirmed purchase earns the platform
its upfront commission; the institution's editor finds it on the month's statement, and the
statement's CSV says what the page says; staff see it in the platform's revenue."""

import csv
import datetime as dt
import io
from decimal import Decimal
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from institutions.models import Role
from marketplace.dates import add_months
from orders import services
from orders.models import CommissionEntry, Order
from products.demo.generators import last_trading_day
from products.models import NavPrice
from tests.e2e.test_catalogue import log_in
from tests.e2e.test_checkout import buy
from tests.factories import (
    TOTP_SECRET,
    CommissionContractFactory,
    MembershipFactory,
    ProductFactory,
    StaffFactory,
    UserFactory,
    investor_with_cash,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_commission_reaches_the_statement_its_csv_and_staff_revenue(new_page, shot, clock):
    # Yesterday's trading morning: the order trades (and earns) on a day the revenue covers,
    # whatever the hour the suite runs.
    clock.set(last_trading_day(dt.datetime.now(tz=ZoneInfo("Asia/Shanghai")).date()), 10)
    fund = ProductFactory(risk_level=2, name="Harbour Steady Bond")
    institution = fund.institution
    CommissionContractFactory(
        institution=institution,
        product_kind="fund",
        upfront_rate=Decimal("0.004"),
        trail_rate=Decimal("0.3"),
        valid_from=dt.date(2026, 1, 1),
    )
    investor_with_cash(cash="20000", email="holder@example.com")
    MembershipFactory(
        institution=institution, role=Role.EDITOR, user=UserFactory(email="editor@harbour.example")
    )
    StaffFactory(email="reviewer@fortune.example")

    investor = new_page()
    log_in(investor, "holder@example.com")
    buy(investor, fund, "10150")
    order = Order.objects.get(product=fund)
    NavPrice.objects.create(product=fund, date=order.trade_date, nav=Decimal("1.0000"))
    evening = timezone.make_aware(dt.datetime.combine(order.trade_date, dt.time(22)))
    with mock.patch("django.utils.timezone.now", return_value=max(evening, timezone.now())):
        services.end_of_day(run_date=order.trade_date)  # the worker's sweep runs after commit
    upfront = CommissionEntry.objects.get(order=order, kind="upfront")
    assert upfront.amount == Decimal("40.60")

    today = timezone.localdate()
    month = upfront.accrual_date.replace(day=1)
    statement = services.statement_close(
        institution=institution, month=month, today=max(today, add_months(month, 1))
    )
    editor = new_page()
    log_in(editor, "editor@harbour.example")
    editor.goto("/portal/statements/")
    shot(editor, "statements")
    editor.locator(f"a[href='/portal/statements/{statement.pk}/']").first.click()
    editor.wait_for_load_state()
    shot(editor, "statement")
    page_text = editor.content()
    assert "Harbour Steady Bond" in page_text
    assert "40.60" in page_text

    download = editor.request.get(f"/portal/statements/{statement.pk}/csv/")
    assert download.ok
    rows = list(csv.DictReader(io.StringIO(download.text())))
    for row in rows:
        for key in ("subscriptions", "upfront", "trail", "commission"):
            assert f"{Decimal(row[key]):,.2f}" in page_text, (row["product"], key)
    total = next(row for row in rows if row["product"] == "Total")
    assert Decimal(total["commission"]) == statement.commission
    editor.goto(f"/portal/statements/{statement.pk}/print/")
    shot(editor, "statement-printable")

    staff = new_page()
    log_in(staff, "reviewer@fortune.example", TOTP_SECRET)
    staff.goto("/staff/")
    shot(staff, "staff-revenue")
    assert "Revenue" in staff.content()
    assert institution.name in staff.content()
    staff.goto("/staff/statements/")
    shot(staff, "staff-statements")
    staff.locator(f"form[action='/staff/statements/{statement.pk}/paid/'] [type=submit]").click()
    staff.wait_for_load_state()
    shot(staff, "staff-statement-paid")
    statement.refresh_from_db()
    assert statement.status == "paid"
    staff.goto(f"/staff/statements/{statement.pk}/")
    shot(staff, "staff-statement-detail")
    assert "Harbour Steady Bond" in staff.content()
    for page in (investor, editor, staff):
        assert page.csp_errors == []
