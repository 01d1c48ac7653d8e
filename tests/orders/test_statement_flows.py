"""Statements carry every flow between the platform and an institution, each on exactly one
statement (late ones on the next open one), keep the product names they were closed with, and
``reconcile_statements`` proves them to the cent against their lines, flows and the ledger."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from orders import services
from orders.models import CashEntry, Order, StatementLine
from orders.statement_figures import StatementFigures
from products.models import NavPrice, ProductKind
from tests.factories import MembershipFactory, ProductFactory, investor_with_cash
from tests.orders.test_end_of_day import buy

pytestmark = pytest.mark.django_db
SEPTEMBER, OCTOBER, NOVEMBER = dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)
TODAY = dt.date(2026, 12, 2)


def one_month_savings(**kwargs):
    savings = ProductFactory(kind=ProductKind.SAVINGS, risk_level=1, **kwargs)
    savings.savings_terms.term_months = 1
    savings.savings_terms.save()
    return savings


def close(institution, month):
    return services.statement_close(institution=institution, month=month, today=TODAY)


def test_a_savings_maturity_payout_is_on_the_statement_of_the_month_it_matured():
    savings = one_month_savings()
    user = investor_with_cash(cash="10000")
    buy(user, savings, "10000", day=dt.date(2026, 10, 5))
    services.end_of_day(run_date=dt.date(2026, 10, 5))
    october = close(savings.institution, OCTOBER)
    assert (october.gross_subscriptions, october.payable_to_institution) == (
        Decimal("10000.00"),
        Decimal("10000.00"),
    )

    services.end_of_day(run_date=dt.date(2026, 11, 5))  # matures: principal + interest paid
    paid = CashEntry.objects.get(kind="maturity").amount
    assert paid > Decimal("10000.00")
    november = close(savings.institution, NOVEMBER)

    assert november.gross_maturities == paid
    assert november.lines.get(product=savings).maturities == paid
    # The platform paid the bank's depositor: the bank owes it back.
    assert (november.payable_to_institution, november.payable_to_platform) == (0, paid)
    assert services.reconcile_statements() == []


def test_orders_and_maturities_confirmed_after_their_month_closed_land_on_the_next_statement():
    fund = ProductFactory()
    savings = one_month_savings(institution=fund.institution)
    user = investor_with_cash(cash="30000")
    buy(user, savings, "10000", day=dt.date(2026, 9, 30))
    services.end_of_day(run_date=dt.date(2026, 9, 30))
    close(fund.institution, SEPTEMBER)
    late = buy(user, fund, "5000", day=dt.date(2026, 10, 30))
    NavPrice.objects.create(product=fund, date=dt.date(2026, 10, 30), nav=Decimal("1.0000"))
    october = close(fund.institution, OCTOBER)  # before October's last run
    assert (october.gross_subscriptions, october.gross_maturities) == (0, 0)

    services.end_of_day(run_date=dt.date(2026, 10, 30))  # late: confirms and pays October's
    late.refresh_from_db()
    assert (late.status, late.confirmed_on) == ("confirmed", dt.date(2026, 10, 30))
    november = close(fund.institution, NOVEMBER)

    paid = CashEntry.objects.get(kind="maturity").amount
    assert november.gross_subscriptions == Decimal("5000.00")
    assert november.gross_maturities == paid
    assert Order.objects.get(pk=late.pk).statement_id == november.pk
    assert services.reconcile_statements() == []


def test_reconcile_statements_passes_then_lists_every_difference(capsys):
    fund = ProductFactory()
    user = investor_with_cash(cash="30000")
    order = buy(user, fund, "5000", day=dt.date(2026, 10, 5))
    NavPrice.objects.create(product=fund, date=dt.date(2026, 10, 5), nav=Decimal("1.0000"))
    services.end_of_day(run_date=dt.date(2026, 10, 5))
    october = close(fund.institution, OCTOBER)
    out = io.StringIO()
    call_command("reconcile_statements", stdout=out)
    call_command("reconcile_statements", "2026-10", stdout=out)
    assert "reconciles to the cent" in out.getvalue()

    # A line that no longer adds up, and an order left off the statement that took it.
    StatementLine.objects.filter(statement=october).update(subscriptions=Decimal("4999.99"))
    Order.objects.filter(pk=order.pk).update(statement=None)
    with pytest.raises(CommandError, match="difference"):
        call_command("reconcile_statements", "2026-10")
    problems = capsys.readouterr().err
    assert "its lines' sum" in problems
    assert f"order {order.pk} (confirmed 2026-10-05) is on no statement" in problems
    assert services.reconcile_statements(month=SEPTEMBER) == []
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("reconcile_statements", "October")


def test_a_closed_statement_keeps_the_product_names_it_was_closed_with(client):
    fund = ProductFactory(name="Steady Bond Fund", code="100777")
    user = investor_with_cash(cash="30000")
    buy(user, fund, "5000", day=dt.date(2026, 10, 5))
    NavPrice.objects.create(product=fund, date=dt.date(2026, 10, 5), nav=Decimal("1.0000"))
    services.end_of_day(run_date=dt.date(2026, 10, 5))
    october = close(fund.institution, OCTOBER)
    fund.name, fund.code = "=HYPERLINK(renamed)", "100888"
    fund.save()

    client.force_login(MembershipFactory(institution=fund.institution).user)
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/portal/statements/{october.pk}/csv/").content.decode())
        )
    )
    assert (rows[0]["product"], rows[0]["code"]) == ("Steady Bond Fund", "100777")
    assert "Steady Bond Fund" in client.get(f"/portal/statements/{october.pk}/").content.decode()
    line = client.get(f"/api/v1/portal/statements/{october.pk}/").json()["lines"][0]
    assert (line["product_name"], line["product_code"]) == ("Steady Bond Fund", "100777")
    assert line["maturities"] == "0.00"


def test_one_tuple_holds_the_figures_and_the_net_payable():
    figures = StatementFigures(
        subscriptions=Decimal("100"),
        redemptions=Decimal("30"),
        maturities=Decimal("50"),
        upfront=Decimal("1"),
        trail=Decimal("2"),
        corrections=Decimal("-0.5"),
    )
    assert figures.commission == Decimal("2.5")
    assert figures.net == Decimal("17.5")
    assert (figures.payable_to_institution, figures.payable_to_platform) == (Decimal("17.5"), 0)
    both = StatementFigures.total([figures, figures._replace(subscriptions=Decimal(0))])
    assert (both.subscriptions, both.payable_to_platform) == (Decimal("100"), Decimal("65"))
