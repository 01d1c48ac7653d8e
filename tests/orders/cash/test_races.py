"""Cards under concurrency, raced with real threads against real PostgreSQL."""

import pytest
from django.core.exceptions import ValidationError

from orders import services
from orders.cash.services import card_bind, card_unbind
from orders.models import BankCard, Payment
from tests.factories import IdentityFactory, UserFactory, bound_card, sandbox_card_number
from tests.integration.test_races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_first_cards_bound_at_once_make_exactly_one_default():
    user = UserFactory()
    IdentityFactory(user=user)
    numbers = [sandbox_card_number(b) for b in ("ok", "declined", "late")]
    results = race([lambda n=n: card_bind(user=user, card_number=n) for n in numbers])
    assert all(isinstance(r, BankCard) for r in results), results
    assert BankCard.objects.filter(user=user, status="bound").count() == 3
    assert BankCard.objects.filter(user=user, is_default=True).count() == 1


def test_the_same_card_bound_twice_at_once_is_bound_once():
    user = UserFactory()
    IdentityFactory(user=user)
    number = sandbox_card_number("ok")
    results = race([lambda: card_bind(user=user, card_number=number) for _ in range(2)])
    assert sorted(type(r).__name__ for r in results) == ["BankCard", "ValidationError"]
    assert BankCard.objects.filter(user=user).count() == 1


def test_unbinding_while_a_withdrawal_to_the_card_starts_never_strands_the_payout(monkeypatch):
    from orders.cash.gateway import GATEWAYS, GatewayError

    user = UserFactory()
    card = bound_card(user)
    services.deposit_start(user=user, amount="100", card=card)

    def down(**kwargs):
        raise GatewayError("timeout")  # the payout stays pending

    monkeypatch.setattr(GATEWAYS["sandbox"], "payout", down)
    results = race(
        [
            lambda: services.withdrawal_request(user=user, amount="50", card=card),
            lambda: card_unbind(user=user, card=card),
        ]
    )
    card.refresh_from_db()
    payouts = Payment.objects.filter(direction="withdrawal")
    if card.is_bound:  # the withdrawal went first: the unbind was refused
        assert isinstance(results[1], ValidationError)
        assert payouts.get().card == card
    else:  # the unbind went first: the withdrawal was refused, nothing paid out
        assert isinstance(results[0], ValidationError)
        assert not payouts.exists()
