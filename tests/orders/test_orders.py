"""Placing and cancelling orders: the checks of one service for web and
API, suitability with acknowledgement, cash debited at placement, idempotency, cut-off."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from orders import services
from orders.models import CashEntry, Order, OrderEvent
from profiles.models import InvestorProfile
from tests.factories import (
    PIN_HEADER,
    CommissionContractFactory,
    ProductFactory,
    UserFactory,
    bound_card,
    give_trade_pin,
    investor_with_cash,
)

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_10AM = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


investor = investor_with_cash


def place(user, product, amount="1000", **kwargs):
    return services.order_place(
        user=user, product=product, side="buy", amount=amount, now=MONDAY_10AM, **kwargs
    )


def test_a_buy_debits_cash_sets_the_dates_and_snapshots_the_contract():
    product = ProductFactory(risk_level=2)
    contract = CommissionContractFactory(
        institution=product.institution,
        upfront_rate=Decimal("0.004"),
        valid_from=dt.date(2026, 1, 1),
    )
    user = investor()
    order, created = place(user, product)
    assert created
    assert (order.status, order.amount, order.suitability) == (
        "pending",
        Decimal("1000"),
        "allowed",
    )
    assert order.trade_date == dt.date(2026, 11, 23)
    assert order.expected_confirm_date == dt.date(2026, 11, 24)
    assert (order.contract, order.contract_upfront_rate) == (contract, Decimal("0.004"))
    assert services.cash_account_for(user=user).balance == Decimal("9000")
    assert CashEntry.objects.get(reference=f"order:{order.pk}").amount == Decimal("-1000")
    assert OrderEvent.objects.get(order=order).to_status == "pending"
    contract.upfront_rate = Decimal("0.01")  # a later change never rewrites the snapshot
    contract.save()
    order.refresh_from_db()
    assert order.contract_upfront_rate == Decimal("0.004")


def test_after_cut_off_the_order_trades_the_next_trading_day():
    user, product = investor(), ProductFactory(risk_level=1)
    order, _ = services.order_place(
        user=user,
        product=product,
        side="buy",
        amount="100",
        now=dt.datetime(2026, 11, 27, 15, 30, tzinfo=SHANGHAI),  # Friday after 15:00
    )
    assert order.trade_date == dt.date(2026, 11, 30)


def test_above_the_investor_level_needs_an_explicit_acknowledgement():
    user, product = investor(level=3), ProductFactory(risk_level=4)
    with pytest.raises(ValidationError) as err:
        place(user, product)
    assert "acknowledge_risk" in err.value.message_dict
    assert not Order.objects.exists()
    order, _ = place(user, product, acknowledge_risk=True)
    assert order.suitability == "needs_acknowledgement"
    assert order.risk_acknowledged_version
    assert order.risk_acknowledged_at == MONDAY_10AM


def test_c1_is_refused_above_r1_even_with_an_acknowledgement():
    user, product = investor(level=1), ProductFactory(risk_level=2)
    with pytest.raises(ValidationError) as err:
        place(user, product, acknowledge_risk=True)
    assert "R1 products only" in err.value.message_dict["product"][0]
    assert services.cash_account_for(user=user).balance == Decimal("10000")


def test_without_a_valid_assessment_buying_is_refused():
    user = UserFactory()
    services.deposit_start(user=user, amount="100", card=bound_card(user))
    with pytest.raises(ValidationError, match="risk assessment"):
        place(user, ProductFactory(risk_level=1), amount="50")


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ("5", "amount"),
        ("0", "amount"),
        ("-1", "amount"),
        ("10.001", "amount"),
        ("x", "amount"),
        ("50000000.01", "amount"),
        ("20000", "amount"),
    ],
)
def test_bad_amounts_and_short_cash_save_nothing(amount, field):
    user, product = investor(), ProductFactory(risk_level=1, min_purchase=Decimal("10"))
    with pytest.raises(ValidationError) as err:
        place(user, product, amount=amount)
    assert field in err.value.message_dict
    assert not Order.objects.exists()
    assert services.cash_account_for(user=user).balance == Decimal("10000")


def test_short_cash_says_how_much_to_top_up():
    user, product = investor(cash="100"), ProductFactory(risk_level=1)
    with pytest.raises(ValidationError) as err:
        place(user, product, amount="150")
    assert "top up 50.00" in err.value.message_dict["amount"][0]


def test_unverified_users_cannot_buy_and_closed_products_are_not_on_sale():
    with pytest.raises(PermissionDenied):
        place(UserFactory(verified=False), ProductFactory(risk_level=1))
    with pytest.raises(ValidationError, match="not on sale"):
        place(investor(), ProductFactory(risk_level=1, status="closed"))


def test_the_same_key_is_the_same_order_and_another_body_is_a_conflict():
    user, product = investor(), ProductFactory(risk_level=1)
    first, created = place(user, product, idempotency_key="k1", request_hash="h1")
    again, created_again = place(user, product, idempotency_key="k1", request_hash="h1")
    assert (created, created_again, again) == (True, False, first)
    with pytest.raises(services.IdempotencyConflictError):
        place(user, product, amount="2000", idempotency_key="k1", request_hash="h2")
    assert Order.objects.count() == 1
    assert services.cash_account_for(user=user).balance == Decimal("9000")


def test_cancel_before_cut_off_refunds_and_after_is_refused(placed_order, clock):
    order, user = placed_order, placed_order.user
    late = dt.datetime.combine(order.trade_date, dt.time(15), tzinfo=SHANGHAI)
    with pytest.raises(ValidationError) as err:
        services.order_cancel(order=order, actor=user, now=late)
    assert err.value.code == "cancel_too_late"
    clock.advance(hours=1)
    services.order_cancel(order=order, actor=user)
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert services.cash_account_for(user=user).balance == Decimal("20000")
    with pytest.raises(ValidationError) as err:
        services.order_cancel(order=order, actor=user)
    assert err.value.code == "order_not_cancellable"
    assert [e.to_status for e in order.events.all()] == ["pending", "cancelled"]
    assert services.reconcile_cash() == []


def test_orders_api_requires_a_key_and_replays(verified_client, user):
    give_trade_pin(user)
    InvestorProfile.objects.create(
        user=user, risk_level=3, assessment_valid_until=dt.date(2030, 1, 1)
    )
    services.deposit_start(user=user, amount="5000", card=bound_card(user))
    product = ProductFactory(risk_level=2)
    body = {"product": product.slug, "side": "buy", "amount": "1000.00"}
    url = "/api/v1/orders/"
    assert verified_client.post(url, body, content_type="application/json").status_code == 400
    first = verified_client.post(
        url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc", **PIN_HEADER
    )
    assert first.status_code == 201, first.content
    assert set(first.json()) >= {"id", "status", "trade_date", "amount", "fee", "units", "nav"}
    replay = verified_client.post(
        url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc", **PIN_HEADER
    )
    assert (replay.status_code, replay.json()["id"]) == (201, first.json()["id"])
    other = verified_client.post(
        url,
        {**body, "amount": "2000.00"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="abc",
        **PIN_HEADER,
    )
    assert other.status_code == 422
    assert Order.objects.count() == 1
    listed = verified_client.get(url).json()["results"]
    assert [o["id"] for o in listed] == [first.json()["id"]]
    bad = verified_client.post(
        url,
        {**body, "amount": "1.001"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="x2",
        **PIN_HEADER,
    )
    assert bad.status_code == 400
    assert "amount" in bad.json()


def test_another_investors_order_is_a_404(client):
    owner, product = investor(), ProductFactory(risk_level=1)
    order, _ = place(owner, product)
    client.force_login(UserFactory())
    assert client.get(f"/api/v1/orders/{order.pk}/").status_code == 404
    assert client.post(f"/api/v1/orders/{order.pk}/cancel/").status_code == 404
    order.refresh_from_db()
    assert order.status == "pending"
