"""Statements carry the distributions the institution's funds paid in the month: cash (in the
net, as maturities are) and reinvested (for reference), and they reconcile to the ledger."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from orders import services as orders
from orders.models import CashEntry, Holding, StatementLine
from orders.plans.distributions.models import DistributionPayment, Election
from orders.plans.distributions.services.declaration import election_set
from orders.statement_figures import StatementFigures
from tests import factories
from tests.orders.test_reconcile_defects import tampered

pytestmark = pytest.mark.django_db


def test_the_months_statement_carries_the_distributions_paid_and_reconciles(
    fund, buy, approved, pay_day, clock, client, editor
):
    cash_holder, reinvester = (factories.investor_with_cash(cash="20000") for _ in range(2))
    buy(cash_holder)
    buy(reinvester)
    election_set(
        holding=Holding.objects.get(user=reinvester, product=fund),
        actor=reinvester,
        election=Election.REINVEST,
    )
    approved()
    pay_day(nav="1.0300")
    without = StatementFigures(subscriptions=Decimal("20300.00"))  # what the net would be
    clock.set(dt.date(2026, 12, 1), 9)
    statement = orders.statement_close(institution=fund.institution, month=dt.date(2026, 11, 1))

    # 123.00 in cash to one, 122.99 reinvested and 0.01 in cash to the other.
    assert statement.distributions_paid == Decimal("123.01")
    assert statement.distributions_reinvested == Decimal("122.99")
    line = StatementLine.objects.get(statement=statement, product=fund)
    assert (line.distributions, line.reinvested) == (Decimal("123.01"), Decimal("122.99"))
    assert statement.figures.net == without.net - Decimal("123.01") - statement.commission
    assert set(DistributionPayment.objects.values_list("statement", flat=True)) == {statement.pk}
    assert orders.reconcile_statements() == []
    call_command("reconcile_statements", "2026-11")  # exits non-zero on a difference

    client.force_login(editor)
    page = client.get(f"/portal/statements/{statement.pk}/").content.decode()
    assert "Distributions paid" in page
    # The fund's own line in the "By product" table carries them too, as does the total row.
    lines = page[page.index('id="stmt-lines-title"') :]
    product_row = lines[lines.index("<tbody>") : lines.index("</tbody>")]
    for row in (product_row, lines[lines.index("<tfoot>") :]):
        cell = re.search(r'data-label="Distributions"[^>]*>(.*?)</td>', row, re.S).group(1)
        assert "123.01" in cell
        assert "122.99" in cell
    csv = client.get(f"/portal/statements/{statement.pk}/csv/").content.decode()
    assert "distributions" in csv.splitlines()[0]


def test_a_distribution_cash_entry_that_disagrees_is_a_reconciliation_difference(
    holder, approved, pay_day, clock, fund
):
    approved()
    pay_day()
    clock.set(dt.date(2026, 12, 1), 9)
    orders.statement_close(institution=fund.institution, month=dt.date(2026, 11, 1))
    DistributionPayment.objects.update(cash=Decimal("122.00"), gross=Decimal("122.00"))
    problems = orders.reconcile_statements()
    assert any("distribution payment" in p for p in problems)


@pytest.mark.parametrize(
    ("corrupt", "expected"),
    [
        (
            lambda: DistributionPayment.objects.update(statement=None),
            [
                r"distribution payment \d+ \(2026-11-\d\d\) is on no statement, but statement "
                r"\d+ \(.+ 2026-11\) closed after it",
                r"distributions \S+ != its flows' sum",
                r"distributions \S+ != cash entries",
            ],
        ),
        (
            lambda: (
                tampered(CashEntry)
                .filter(kind="distribution")
                .update(reference="distribution:999999")
            ),
            [
                r"distribution cash entry \(999999, \d+\) \(123\.00\) matches no payment",
                r"distribution payment \d+: cash 123\.00 but its cash entry says 0",
                r"distributions 123\.00 != cash entries 0",
            ],
        ),
        (
            lambda: tampered(CashEntry).filter(kind="distribution").update(reference="dist"),
            [
                r"cash entry \d+ \(distribution 123\.00\): 'dist' names none",
                r"distribution payment \d+: cash 123\.00 but its cash entry says 0",
                r"distributions 123\.00 != cash entries 0",
            ],
        ),
    ],
    ids=["left off", "entry naming no payment", "entry naming nothing"],
)
def test_each_distribution_check_catches_its_defect(
    holder, approved, pay_day, clock, fund, corrupt, expected
):
    approved()
    pay_day()
    clock.set(dt.date(2026, 12, 1), 9)
    orders.statement_close(institution=fund.institution, month=dt.date(2026, 11, 1))
    assert orders.reconcile_statements() == []
    corrupt()

    problems = orders.reconcile_statements()

    for pattern in expected:
        assert any(re.search(pattern, p) for p in problems), (pattern, problems)
    assert all(any(re.search(e, p) for e in expected) for p in problems), problems
