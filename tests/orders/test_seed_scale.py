"""``manage.py seed_scale``: a small load by COPY that reconciles to the cent, matches its
arguments, leaves the app able to write (sequences moved past the copied ids) and refuses what
it cannot keep consistent."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from orders import services
from orders.models import (
    CashAccount,
    Holding,
    Lot,
    Order,
    OrderStatus,
    Payment,
    Side,
    Statement,
)
from orders.scale_seed.investors import EMAIL_DOMAIN
from orders.scale_seed.load import seed_scale
from products.models import Product
from profiles.identity.selectors import verified_identity
from profiles.models import InvestorProfile, RiskAssessment, User
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

INVESTORS, ORDERS = 300, 2000


@pytest.fixture
def seeded():
    out = io.StringIO()
    call_command("seed_scale", investors=INVESTORS, orders=ORDERS, seed=7, stdout=out, verbosity=0)
    return out.getvalue()


def test_counts_match_the_arguments(seeded):
    assert "Loaded 300 investors, 2,000 orders" in seeded
    investors = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
    assert investors.count() == INVESTORS
    assert Order.objects.count() == ORDERS
    assert CashAccount.objects.count() == INVESTORS
    assert Payment.objects.count() == INVESTORS
    assert InvestorProfile.objects.filter(risk_level__isnull=False).count() == INVESTORS
    assert RiskAssessment.objects.count() == INVESTORS
    # Realistic states: every kind of end an order can have, and pending ones.
    statuses = set(Order.objects.values_list("status", flat=True))
    assert statuses == {s.value for s in OrderStatus}
    assert Order.objects.filter(side=Side.SELL, status=OrderStatus.SETTLED).exists()
    assert Holding.objects.filter(reserved__gt=0).exists()  # a pending sell reserved units
    assert Lot.objects.filter(units_remaining=0, closed_on__isnull=False).exists()  # sold
    assert Statement.objects.exists()


def test_the_ledgers_and_statements_reconcile(seeded):
    out = io.StringIO()
    call_command("reconcile_cash", stdout=out)
    call_command("reconcile_statements", stdout=out)
    assert "Cash ledger reconciles to the cent." in out.getvalue()
    assert "Every statement reconciles to the cent." in out.getvalue()
    # Every month before this one is closed: what was confirmed in them is on a statement.
    this_month = timezone.localdate().replace(day=1)
    assert not Order.objects.filter(
        status__in=[OrderStatus.CONFIRMED, OrderStatus.SETTLED],
        statement__isnull=True,
        confirmed_on__lt=this_month,
    ).exists()
    assert Order.objects.filter(statement__isnull=False).exists()


def test_the_app_places_an_order_afterwards(seeded):
    investor = (
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}", profile__risk_level=3)
        .order_by("pk")
        .first()
    )
    assert verified_identity(user=investor) is not None
    product = Product.objects.filter(risk_level__lte=3).order_by("pk").first()
    before = investor.cash_account.balance
    order, created = services.order_place(
        user=investor, product=product, side=Side.BUY, amount="100"
    )
    assert created
    assert order.pk > max(Order.objects.exclude(pk=order.pk).values_list("pk", flat=True))
    investor.cash_account.refresh_from_db()
    assert investor.cash_account.balance == before - Decimal(100)
    UserFactory()  # new users, identities and e-mail addresses get ids after the copied ones
    assert services.reconcile_cash() == []


def test_it_refuses_a_database_with_orders(seeded):
    with pytest.raises(CommandError, match="already has orders"):
        call_command("seed_scale", investors=1, orders=1, verbosity=0)
    assert Order.objects.count() == ORDERS


def test_it_refuses_sqlite(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL's COPY"):
        call_command("seed_scale", investors=1, orders=1, verbosity=0)


def test_the_same_seed_loads_the_same_rows():
    def fingerprint():
        return list(
            Order.objects.order_by("pk").values_list(
                "user__email", "product__code", "side", "status", "amount", "units", "trade_date"
            )
        )

    with transaction.atomic():
        seed_scale(investors=40, orders=200, seed=3)
        first = fingerprint()
        transaction.set_rollback(True)
    assert not Order.objects.exists()
    seed_scale(investors=40, orders=200, seed=3)
    assert fingerprint() == first
    assert len(first) == 200
