"""Placing an order through the API costs a fixed number of statements, however many orders
the investor already has: the load test's figure (bench/load.py, ``order``) depends on it."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import CashEntry, Order
from tests.factories import (
    PIN_HEADER,
    CommissionContractFactory,
    ProductFactory,
    investor_with_cash,
)

pytestmark = pytest.mark.django_db

# What one buy takes (24 before the trade PIN's read-only check, one read of the fee tiers, the
# debit that returns its balance and the answer that knows a new order has no lots): the
# session's user, the product, the trade PIN (one read, no lock, no write), the
# Idempotency-Key, the e-mail, identity, on-sale and profile checks, the commission contract,
# the calendar (two reads), the fee tiers, the order and its event, the debit (one update that
# returns the new balance) and its entry, and the identity again for the answer's warnings.
PLACEMENT_QUERIES = 17


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
