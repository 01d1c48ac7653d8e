"""Concurrency guarantees, raced with real threads against real PostgreSQL."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from institutions.models import Institution, InstitutionType, Membership, Role
from institutions.services import applications, members
from orders import services as orders_services
from orders.models import CashAccount, CashEntry, Holding, Lot, Order, OrderEvent
from products.models import FeeTier, NavPrice
from profiles.models import InvestorProfile
from tests.factories import (
    InstitutionFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    bound_card,
    investor_with_cash,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def race(functions):
    """Run each function in its own thread, released together; return results or exceptions."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the race outcome is what we assert
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_admins_removing_each_other_at_once_leave_one_admin():
    institution = InstitutionFactory()
    first = MembershipFactory(institution=institution, role=Role.ADMIN)
    second = MembershipFactory(institution=institution, role=Role.ADMIN)

    results = race(
        [
            lambda: members.membership_remove(membership=second, actor=first.user),
            lambda: members.membership_remove(membership=first, actor=second.user),
        ]
    )

    assert Membership.objects.filter(institution=institution, role=Role.ADMIN).count() == 1
    refused = [r for r in results if isinstance(r, ValidationError | PermissionDenied)]
    assert len(refused) == 1


def test_the_same_licence_applied_for_concurrently_is_saved_once():
    application = {
        "type": InstitutionType.BANK,
        "licence_number": "RACE-0001",
        "registered_address": "1 Road",
        "contact_name": "A",
        "contact_email": "a@example.com",
        "requested_kinds": ["savings"],
        "description": "Racing.",
    }
    users = [UserFactory() for _ in range(8)]
    results = race(
        [
            (
                lambda u=u, i=i: applications.institution_apply(
                    applicant=u, name=f"Bank {i}", **application
                )
            )
            for i, u in enumerate(users)
        ]
    )
    assert Institution.objects.filter(licence_number="RACE-0001").count() == 1
    errors = [r for r in results if isinstance(r, ValidationError)]
    assert len(errors) == 7
    assert all(e.message_dict == {"licence_number": [applications.LICENCE_TAKEN]} for e in errors)


def test_fifty_orders_racing_for_one_balance_never_overdraw():
    """50 concurrent purchases of 30 against 1,000 of cash: 33 succeed, none overdraws."""
    user, product = investor_with_cash(cash="1000"), ProductFactory(min_purchase=Decimal("1"))

    results = race(
        [
            lambda: orders_services.order_place(user=user, product=product, side="buy", amount="30")
            for _ in range(50)
        ]
    )
    ok = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    others = [r for r in results if not isinstance(r, tuple | ValidationError)]
    assert (len(ok), len(refused), others) == (33, 17, [])
    assert all("top up" in e.message_dict["amount"][0] for e in refused)
    account = CashAccount.objects.get(user=user)
    assert account.balance == Decimal("10")
    assert sum(e.amount for e in CashEntry.objects.filter(account=account)) == Decimal("10")
    assert Order.objects.filter(user=user).count() == 33
    assert orders_services.reconcile_cash() == []


def test_twenty_concurrent_orders_with_one_idempotency_key_create_one():
    user = UserFactory()
    InvestorProfile.objects.create(
        user=user, risk_level=3, assessment_valid_until=dt.date(2030, 1, 1)
    )
    orders_services.deposit_start(user=user, amount="100000", card=bound_card(user))
    product = ProductFactory(risk_level=1)

    def place():
        return orders_services.order_place(
            user=user,
            product=product,
            side="buy",
            amount="1000",
            idempotency_key="same-key",
            request_hash="same-body",
        )

    results = race([place for _ in range(20)])
    assert all(isinstance(r, tuple) for r in results), results
    assert len({order.pk for order, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert Order.objects.count() == 1
    assert CashAccount.objects.get(user=user).balance == Decimal("99000")


def test_applications_with_the_same_name_at_once_all_get_their_own_slug():
    application = {
        "name": "Same Name Funds",
        "type": InstitutionType.FUND_COMPANY,
        "registered_address": "1 Road",
        "contact_name": "A",
        "contact_email": "a@example.com",
        "requested_kinds": ["fund"],
        "description": "Racing for a slug.",
    }
    users = [UserFactory() for _ in range(6)]
    results = race(
        [
            (
                lambda u=u, i=i: applications.institution_apply(
                    applicant=u, licence_number=f"SLUG-{i:04d}", **application
                )
            )
            for i, u in enumerate(users)
        ]
    )
    assert all(isinstance(r, Institution) for r in results), results
    assert len({r.slug for r in results}) == 6


def _holder_of(units: str):
    """An investor holding ``units`` of a bond fund, confirmed by end of day at NAV 1.0000."""
    product = ProductFactory(min_purchase=Decimal("1"))
    FeeTier.objects.filter(product=product, schedule="subscription").update(rate=0)
    user = investor_with_cash(cash=units)
    monday = dt.datetime(2026, 11, 23, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    orders_services.order_place(user=user, product=product, side="buy", amount=units, now=monday)
    NavPrice.objects.create(product=product, date=monday.date(), nav=Decimal("1.0000"))
    orders_services.end_of_day(run_date=monday.date())
    return user, product


def test_fifty_concurrent_redemptions_never_sell_more_units_than_held(monkeypatch):
    user, product = _holder_of("1000")
    assert Holding.objects.get(user=user, product=product).units == Decimal("1000")

    results = race(
        [
            lambda: orders_services.order_place(user=user, product=product, side="sell", units="30")
            for _ in range(50)
        ]
    )

    placed = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(placed) == 33  # 33 × 30 = 990 ≤ 1000 < 34 × 30
    assert len(refused) == 17
    assert all("at most" in e.message_dict["units"][0] for e in refused)
    holding = Holding.objects.get(user=user, product=product)
    assert holding.reserved == Decimal("990")
    assert Order.objects.filter(user=user, side="sell").count() == 33

    trade_date = placed[0][0].trade_date
    NavPrice.objects.get_or_create(product=product, date=trade_date, defaults={"nav": "1.0000"})
    # Placed after 15:00 they trade tomorrow: end of day runs on that evening, never before.
    evening = dt.datetime.combine(
        trade_date, dt.time(22), tzinfo=dt.timezone(dt.timedelta(hours=8))
    )
    monkeypatch.setattr("django.utils.timezone.now", lambda: evening)
    orders_services.end_of_day(run_date=trade_date)
    holding.refresh_from_db()
    assert (holding.units, holding.reserved) == (Decimal("10"), Decimal("0"))
    assert orders_services.reconcile_cash() == []


def test_two_end_of_day_runs_at_once_confirm_every_order_once():
    users = [investor_with_cash(cash="400") for _ in range(3)]
    product = ProductFactory()
    tuesday = dt.datetime(2026, 11, 24, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    for user in users:
        for _ in range(20):
            orders_services.order_place(
                user=user, product=product, side="buy", amount="20", now=tuesday
            )
    NavPrice.objects.create(product=product, date=tuesday.date(), nav=Decimal("1.2345"))

    results = race(
        [
            lambda: orders_services.end_of_day(run_date=tuesday.date(), batch_size=7)
            for _ in range(2)
        ]
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    confirmed = Order.objects.filter(product=product, status="confirmed")
    assert confirmed.count() == 60
    assert Lot.objects.filter(order__product=product).count() == 60
    assert OrderEvent.objects.filter(order__product=product, to_status="confirmed").count() == 60
    assert orders_services.reconcile_cash() == []
