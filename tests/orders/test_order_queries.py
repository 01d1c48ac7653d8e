"""Placing an order through the API costs a fixed number of statements, however many orders
the investor already has: the load test's figure (bench/load.py, ``order``) depends on it."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import CashEntry, Order
from orders.services.trading.checks import NOT_ON_SALE
from tests.factories import (
    PIN_HEADER,
    CommissionContractFactory,
    ProductFactory,
    investor_with_cash,
)

pytestmark = pytest.mark.django_db

# What one buy takes (17 before the on-sale check judged the product row already read, the
# e-mail, identity and profile checks shared one read whose identity the answer's warnings
# reuse, the debit wrote its ledger line in the same statement, and the schedule read the
# holidays once for both its dates): the session's user, the product (with its institution,
# no terms row for a fund), the trade PIN (one read, no lock, no write), the Idempotency-Key,
# the profile (with whether the e-mail and the identity are verified), the commission
# contract, the holidays, the fee tiers, the order and its event, and the debit with its
# entry (one UPDATE … RETURNING feeding the INSERT).
PLACEMENT_QUERIES = 11


def buy(client, product, key=None):
    return client.post(
        "/api/v1/orders/",
        {"product": product.slug, "side": "buy", "amount": "100.00"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key or uuid.uuid4().hex,
        **PIN_HEADER,
    )


def statements(client, product, key=None) -> list[str]:
    """The SQL of one placement, savepoints and transaction control left out (the test's own
    transaction turns the service's commit into savepoints)."""
    with CaptureQueriesContext(connection) as captured:
        response = buy(client, product, key)
    assert response.status_code == 201, response.content
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT"))
    ]


def test_a_buy_takes_the_same_few_statements_with_one_order_or_thirty(client):
    given_investor = investor_with_cash(cash="10000")
    product = ProductFactory(risk_level=2)
    CommissionContractFactory(institution=product.institution, product_kind=product.kind)
    client.force_login(given_investor)
    buy(client, product)  # warms what Django caches per process (content types, sites)

    first = statements(client, product)
    for _ in range(28):
        assert buy(client, product).status_code == 201
    thirtieth = statements(client, product)

    assert len(first) == len(thirtieth) <= PLACEMENT_QUERIES, "\n".join(thirtieth)
    assert Order.objects.filter(user=given_investor).count() == 31
    assert CashEntry.objects.filter(account__user=given_investor, kind="purchase").count() == 31


def test_a_right_pin_is_one_read_that_writes_and_locks_nothing(client):
    given_investor = investor_with_cash(cash="1000")
    product = ProductFactory(risk_level=2)
    client.force_login(given_investor)
    buy(client, product)

    sql = statements(client, product)

    pin_statements = [s for s in sql if "profiles_tradepin" in s]
    assert len(pin_statements) == 1
    assert pin_statements[0].startswith("SELECT")
    assert "FOR UPDATE" not in pin_statements[0]
    assert not [s for s in sql if "mfa_authenticator" in s]  # TOTP is not read for a right PIN


def test_a_replayed_key_returns_the_order_without_a_second_debit(client):
    given_investor = investor_with_cash(cash="1000")
    product = ProductFactory(risk_level=2)
    client.force_login(given_investor)

    first, again = buy(client, product, key="same"), buy(client, product, key="same")

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]
    assert CashEntry.objects.filter(account__user=given_investor, kind="purchase").count() == 1


def test_a_buy_reads_the_identity_once_and_asks_no_second_on_sale_question(client):
    given_investor = investor_with_cash(cash="1000")
    product = ProductFactory(risk_level=2)
    client.force_login(given_investor)
    buy(client, product)

    sql = statements(client, product)

    assert len([s for s in sql if 'FROM "profiles_identity"' in s]) == 1
    assert len([s for s in sql if 'FROM "products_product"' in s]) == 1  # tradable_product's


def test_the_debit_and_its_ledger_line_are_one_statement(client):
    given_investor = investor_with_cash(cash="1000")
    product = ProductFactory(risk_level=2)
    client.force_login(given_investor)
    buy(client, product)

    sql = statements(client, product)

    cash = [s for s in sql if "orders_cashaccount" in s or "orders_cashentry" in s]
    assert len(cash) == 1, cash
    assert cash[0].startswith("WITH")
    entry = CashEntry.objects.filter(account__user=given_investor, kind="purchase").first()
    assert entry is not None
    assert (entry.amount, entry.balance_after) == (Decimal("-100.00"), Decimal("800.00"))


@pytest.mark.parametrize(
    ("product_status", "institution_status"),
    [("closed", "approved"), ("published", "rejected"), ("published", "applied")],
)
def test_a_product_off_the_catalogue_is_refused_and_nothing_is_written(
    client, product_status, institution_status
):
    given_investor = investor_with_cash(cash="1000")
    product = ProductFactory(risk_level=2, status=product_status)
    product.institution.status = institution_status
    product.institution.save(update_fields=["status"])
    client.force_login(given_investor)

    response = buy(client, product)

    assert response.status_code == 400, response.content
    assert response.json()["product"] == [str(NOT_ON_SALE)]
    assert not Order.objects.filter(user=given_investor).exists()
    assert not CashEntry.objects.filter(account__user=given_investor, kind="purchase").exists()


def test_a_fund_buy_reads_the_holidays_once_and_joins_no_terms_table(client):
    given_investor = investor_with_cash(cash="10000")
    product = ProductFactory(risk_level=2)
    client.force_login(given_investor)
    buy(client, product)
    sql = statements(client, product)
    assert len([s for s in sql if 'FROM "orders_holiday"' in s]) == 1
    (product_read,) = [s for s in sql if 'FROM "products_product"' in s]
    assert "_terms" not in product_read
    assert "ORDER BY" not in product_read
