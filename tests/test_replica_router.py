"""The read-replica router (marketplace/db_router.py): which reads go to ``replica``.

The test settings' ``replica`` alias is a mirror of the test database (its own connection to the
same database), made read-only here so that a write sent there would fail; the tests are
transactional so that the mirror sees the rows the primary committed. Queries are captured per
connection alias.
"""

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from marketplace import db_router
from marketplace.db_router import PIN_COOKIE, ReplicaRouter, read_alias, replica_reads
from orders import services
from products.models import Product
from tests.factories import PIN_HEADER, ProductFactory, investor_with_cash, set_nav
from tests.orders.factories import HoldingFactory, LotFactory
from tests.test_production_settings import production

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings):
    """Replica reads on, over a read-only connection."""
    settings.DATABASE_REPLICA_READS = True
    mirror = connections["replica"]
    if mirror.vendor == "postgresql":
        with mirror.cursor() as cursor:
            cursor.execute("SET default_transaction_read_only = on")
    yield mirror
    mirror.close()  # the read-only session goes with it


@contextmanager
def captured():
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        yield primary, replica


def reads_of(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries if f'"{table}"' in q["sql"]]


def test_the_catalogue_page_reads_the_catalogue_from_the_replica(client, replica):
    ProductFactory(name="Replica Growth Fund")
    with captured() as (primary, on_replica):
        response = client.get("/products/")
    assert response.status_code == 200
    assert "Replica Growth Fund" in response.content.decode()  # read through the mirror
    assert reads_of(on_replica, "products_product")
    assert not reads_of(primary, "products_product")
    assert PIN_COOKIE not in response.cookies  # a read pins nothing


def test_the_product_api_reads_from_the_replica(client, replica):
    product = ProductFactory()
    with captured() as (primary, on_replica):
        assert client.get(f"/api/v1/products/{product.slug}/").status_code == 200
    assert reads_of(on_replica, "products_product")
    assert not reads_of(primary, "products_product")


def test_the_portfolio_reads_holdings_from_the_replica_and_cash_from_the_primary(client, replica):
    user = investor_with_cash()
    product = ProductFactory(name="Held Fund")
    set_nav(product, dt.date(2026, 11, 20), "1.1000")
    LotFactory(holding=HoldingFactory(user=user, product=product))
    client.force_login(user)
    with captured() as (primary, on_replica):
        response = client.get("/me/portfolio/")
    assert response.status_code == 200
    assert "Held Fund" in response.content.decode()
    # The positions (holdings with their lots), money in transit and the valuation history.
    for table in ("orders_holding", "orders_lot", "orders_order", "products_navprice"):
        assert reads_of(on_replica, table), table
    assert not [
        sql for sql in reads_of(primary, "orders_holding") if "distributions_received" in sql
    ]
    assert not reads_of(primary, "orders_lot")
    assert reads_of(primary, "orders_cashaccount")  # the cash ledger is never on the replica
    assert not reads_of(on_replica, "orders_cashaccount")


def test_an_order_placed_through_the_api_reads_only_from_the_primary(client, replica):
    user = investor_with_cash()
    product = ProductFactory(risk_level=2)
    client.force_login(user)
    body = {"product": product.slug, "side": "buy", "amount": "1000.00"}
    with captured() as (primary, on_replica):
        response = client.post(
            "/api/v1/orders/",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="replica-1",
            **PIN_HEADER,
        )
    assert response.status_code == 201, response.content
    assert on_replica.captured_queries == []
    assert reads_of(primary, "products_product")
    # The browser stays on the primary for a while: the next page shows what it wrote.
    assert response.cookies[PIN_COOKIE]["max-age"] == 10
    with captured() as (primary, on_replica):
        assert client.get("/me/portfolio/").status_code == 200
        assert client.get("/products/").status_code == 200
    assert on_replica.captured_queries == []
    del client.cookies[PIN_COOKIE]  # expired
    cache.clear()  # a warm page's products come from the cache: make it read them
    with captured() as (primary, on_replica):
        assert client.get("/products/").status_code == 200
    assert reads_of(on_replica, "products_product")


def test_order_placement_decides_on_the_primary_even_inside_a_safe_request(replica):
    """Whoever calls it (a view of a safe request, a task run in one), the order's checks read
    the primary, and the rest of that request stays there after its write."""
    user = investor_with_cash()
    product = ProductFactory(risk_level=2)
    with replica_reads(), captured() as (primary, on_replica):
        services.order_place(user=user, product=product, side="buy", amount=Decimal("1000"))
        assert read_alias() == "default"
        Product.objects.get(pk=product.pk)
    assert on_replica.captured_queries == []
    assert reads_of(primary, "products_product")


def test_a_post_request_reads_from_the_primary(client, replica):
    """Watching a product reads the catalogue: in a POST, from the primary."""
    product = ProductFactory()
    client.force_login(investor_with_cash())
    with captured() as (primary, on_replica):
        response = client.post(f"/me/watchlist/{product.slug}/watch/")
    assert response.status_code == 302
    assert on_replica.captured_queries == []
    assert reads_of(primary, "products_product")
    assert PIN_COOKIE in response.cookies


def test_atomic_blocks_and_writes_pin_reads_to_the_primary(replica):
    product = ProductFactory()
    with replica_reads(), captured() as (primary, on_replica):
        Product.objects.get(pk=product.pk)
        assert (len(on_replica), len(reads_of(primary, "products_product"))) == (1, 0)
        with transaction.atomic():
            assert read_alias() == "default"
            Product.objects.get(pk=product.pk)
        assert (len(on_replica), len(reads_of(primary, "products_product"))) == (1, 1)
        loaded = Product.objects.get(pk=product.pk)  # the replica again
        assert loaded._state.db == "replica"
        assert read_alias() == "replica"
        loaded.save(update_fields=["name"])  # a write: to the primary, and it pins
        assert loaded._state.db == "default"
        Product.objects.get(pk=product.pk)
        assert read_alias() == "default"
    assert len(on_replica) == 2
    assert len(reads_of(primary, "products_product")) == 3  # atomic read, write, read after


def test_only_the_catalogue_is_routed_and_never_outside_a_request(replica):
    router = ReplicaRouter()
    from institutions.models import Institution, Membership
    from orders.models import CashAccount, Holding, Order

    with replica_reads():
        assert router.db_for_read(Product) == "replica"
        assert router.db_for_read(Institution) == "replica"
        for model in (Membership, CashAccount, Holding, Order):
            assert router.db_for_read(model) == "default", model
        assert router.db_for_write(Product) == "default"
    assert router.db_for_read(Product) == "default"  # a task, a command, the shell
    with replica_reads(allowed=False):
        assert router.db_for_read(Product) == "default"
    assert router.allow_migrate("replica", "products") is False
    assert router.allow_migrate("default", "products") is None


def test_without_the_replica_the_router_does_nothing(settings):
    settings.DATABASE_REPLICA_READS = False
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Product) is None
        assert router.db_for_write(Product) is None
        assert router.allow_relation(Product(), Product()) is None
        assert read_alias() == "default"
        assert not db_router.replica_allowed()


def test_the_replica_alias_exists_only_with_its_variable():
    unset = production("DATABASES", "DATABASE_REPLICA_READS")
    assert set(unset["DATABASES"]) == {"default"}
    assert unset["DATABASE_REPLICA_READS"] is False
    url = "postgres://reader@replica.internal:5432/fortune"
    both = production("DATABASES", "DATABASE_REPLICA_READS", DATABASE_REPLICA_URL=url)
    assert both["DATABASE_REPLICA_READS"] is True
    assert both["DATABASES"]["replica"]["HOST"] == "replica.internal"
    assert both["DATABASES"]["replica"]["USER"] == "reader"
