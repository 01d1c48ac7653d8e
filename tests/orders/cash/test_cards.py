"""Bank cards (DESIGN §4 "Accounts and identity"): bound through the gateway in the verified
name only, several per investor with one default, the only way money enters or leaves."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from orders import services
from orders.cash import errors, selectors
from orders.cash.gateway import GATEWAYS, SANDBOX_CARDS, GatewayError
from orders.cash.services import MAX_BOUND_CARDS, card_bind, card_set_default, card_unbind
from orders.models import BankCard, CardStatus, CashEntry, Payment
from profiles.identity.models import IdentityStatus
from tests.factories import (
    BankCardFactory,
    IdentityFactory,
    UserFactory,
    bound_card,
    investor_with_cash,
    sandbox_card_number,
)

pytestmark = pytest.mark.django_db

OK, DECLINED, LATE = (sandbox_card_number(b) for b in ("ok", "declined", "late"))
NAME_MISMATCH = next(c.number for c in SANDBOX_CARDS if c.behaviour == "card_name_mismatch")
CREDIT = next(c.number for c in SANDBOX_CARDS if c.kind == "credit")


@pytest.fixture
def investor():
    user = UserFactory()
    IdentityFactory(user=user, legal_name="Li Hua")
    return user


def code_of(exc: ValidationError, field: str | None = None) -> str:
    if field is None:
        return exc.error_list[0].code
    return exc.error_dict[field][0].code


# --- binding --------------------------------------------------------------------------------


def test_a_card_binds_in_the_verified_name_keeping_the_token_and_last_four_only(investor):
    card = card_bind(user=investor, card_number="6222 0200 0000 0015")
    assert (card.last4, card.holder_name, card.kind, card.status) == (
        "0015",
        "Li Hua",
        "debit",
        "bound",
    )
    assert card.is_default  # the first card bound
    assert card.token.startswith("sandbox_ok.")
    assert card.bank_name == "Sandbox Commercial Bank"
    assert card.bound_at is not None
    assert card.unbound_at is None


def test_every_sandbox_test_card_is_a_luhn_valid_unionpay_number():
    from stdnum import luhn

    for test in SANDBOX_CARDS:
        assert test.number.startswith("62"), test
        assert 16 <= len(test.number) <= 19, test
        assert luhn.is_valid(test.number), test


@pytest.mark.parametrize(
    ("number", "code"),
    [
        (NAME_MISMATCH, "card_name_mismatch"),
        (CREDIT, "card_not_debit"),
        ("6222020000000064", "card_unknown"),  # Luhn-valid, unknown to the bank
        ("6222020000000016", "card_number_invalid"),  # check digit wrong
        ("622202000000001", "card_number_invalid"),  # 15 digits
        ("62220200000000000000", "card_number_invalid"),  # 20 digits
        ("6222-0200-0000-001X", "card_number_invalid"),
        ("", "card_number_invalid"),
        ("６２２２０２００００００００１５", "card_number_invalid"),  # full-width digits
    ],
)
def test_a_refused_card_is_a_field_error_and_saves_nothing(investor, number, code):
    with pytest.raises(ValidationError) as err:
        card_bind(user=investor, card_number=number)
    assert code_of(err.value, "card_number") == code
    assert not BankCard.objects.exists()


def test_binding_needs_a_verified_identity():
    for status in (None, IdentityStatus.PENDING, IdentityStatus.REVIEW, IdentityStatus.REJECTED):
        user = UserFactory(identity=False)
        if status:
            IdentityFactory(user=user, status=status)
        with pytest.raises(ValidationError) as err:
            card_bind(user=user, card_number=OK)
        assert code_of(err.value) == "identity_required", status
    assert not BankCard.objects.exists()


def test_the_holder_name_is_the_identitys_and_goes_to_the_gateway(investor, monkeypatch):
    sandbox = GATEWAYS["sandbox"]
    seen = {}
    real = sandbox.bind_card

    def spy(**kwargs):
        seen.update(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(sandbox, "bind_card", spy)
    card_bind(user=investor, card_number=OK)
    identity = investor.identity
    assert seen["holder_name"] == "Li Hua"
    assert seen["document_number"] == identity.document_number
    assert seen["card_number"] == OK


def test_the_same_card_is_not_bound_twice_to_one_account(investor):
    card_bind(user=investor, card_number=OK)
    with pytest.raises(ValidationError) as err:
        card_bind(user=investor, card_number="6222-0200-0000-0015")
    assert code_of(err.value, "card_number") == "card_already_bound"
    assert BankCard.objects.count() == 1
    card = BankCard.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds it too
        BankCard.objects.create(
            user=investor,
            gateway=card.gateway,
            token="sandbox_ok.other",
            fingerprint=card.fingerprint,
            last4=card.last4,
            bank_name=card.bank_name,
            holder_name=card.holder_name,
        )


def test_an_unbound_card_can_be_bound_again(investor):
    first = card_bind(user=investor, card_number=OK)
    card_unbind(user=investor, card=first)
    again = card_bind(user=investor, card_number=OK)
    assert again.pk != first.pk
    assert again.is_default
    assert again.token != first.token


def test_an_unreachable_gateway_binds_nothing(investor, monkeypatch):
    def down(**kwargs):
        raise GatewayError("timeout")

    monkeypatch.setattr(GATEWAYS["sandbox"], "bind_card", down)
    with pytest.raises(ValidationError) as err:
        card_bind(user=investor, card_number=OK)
    assert code_of(err.value) == "gateway_unavailable"
    assert not BankCard.objects.exists()


def test_an_investor_binds_at_most_the_limit(investor):
    for n in range(MAX_BOUND_CARDS):
        BankCardFactory(user=investor, is_default=n == 0)
    with pytest.raises(ValidationError) as err:
        card_bind(user=investor, card_number=OK)
    assert code_of(err.value, "card_number") == "card_limit"
    assert BankCard.objects.count() == MAX_BOUND_CARDS


def test_the_card_number_is_in_no_column_of_any_card_or_payment(investor):
    card = card_bind(user=investor, card_number=OK)
    services.deposit_start(user=investor, amount="10", card=card)
    with connection.cursor() as cursor:
        for table in (BankCard._meta.db_table, Payment._meta.db_table, CashEntry._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - our own table names
            for row in cursor.fetchall():
                for value in row:
                    assert OK not in str(value), (table, value)
                    assert OK[:12] not in str(value), (table, value)


# --- one default ----------------------------------------------------------------------------


def test_several_cards_one_default_which_can_be_moved(investor):
    first = card_bind(user=investor, card_number=OK)
    second = card_bind(user=investor, card_number=DECLINED)
    third = card_bind(user=investor, card_number=LATE)
    assert [c.is_default for c in (first, second, third)] == [True, False, False]
    card_set_default(user=investor, card=third)
    assert list(selectors.cards_for(user=investor).filter(is_default=True)) == [third]
    assert selectors.cards_for(user=investor)[0] == third  # the default first
    card_set_default(user=investor, card=third)  # again: still the one default
    assert BankCard.objects.filter(user=investor, is_default=True).count() == 1


def test_unbinding_the_default_makes_the_most_recent_other_card_the_default(investor):
    now = timezone.now()
    first = card_bind(user=investor, card_number=OK)
    older = card_bind(user=investor, card_number=DECLINED)
    newer = card_bind(user=investor, card_number=LATE)
    BankCard.objects.filter(pk=older.pk).update(bound_at=now - dt.timedelta(days=9))
    BankCard.objects.filter(pk=newer.pk).update(bound_at=now - dt.timedelta(days=1))
    card_unbind(user=investor, card=first)
    first.refresh_from_db()
    assert (first.status, first.is_default, first.unbound_at is not None) == (
        "unbound",
        False,
        True,
    )
    assert selectors.default_card(user=investor) == newer
    card_unbind(user=investor, card=newer)
    assert selectors.default_card(user=investor) == older
    card_unbind(user=investor, card=older)
    assert selectors.default_card(user=investor) is None
    assert not selectors.cards_for(user=investor).exists()


def test_the_database_refuses_two_default_cards():
    card = BankCardFactory(is_default=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        BankCardFactory(user=card.user, is_default=True)


def test_an_unbound_card_cannot_be_made_default_or_unbound_again(investor):
    card = card_bind(user=investor, card_number=OK)
    card_unbind(user=investor, card=card)
    for action in (card_set_default, card_unbind):
        with pytest.raises(ValidationError) as err:
            action(user=investor, card=card)
        assert code_of(err.value) == "card_not_bound"


def test_another_investors_card_cannot_be_made_default_or_unbound(investor):
    mine = card_bind(user=investor, card_number=OK)
    other = UserFactory()
    for action in (card_set_default, card_unbind):
        with pytest.raises(ValidationError):
            action(user=other, card=mine)
    mine.refresh_from_db()
    assert mine.is_bound
    assert mine.is_default


# --- unbinding a card in use ----------------------------------------------------------------


def test_a_card_with_a_pending_withdrawal_cannot_be_unbound(investor, monkeypatch):
    card = card_bind(user=investor, card_number=OK)
    services.deposit_start(user=investor, amount="500", card=card)

    def down(**kwargs):
        raise GatewayError("timeout")

    monkeypatch.setattr(GATEWAYS["sandbox"], "payout", down)
    payout = services.withdrawal_request(user=investor, amount="200", card=card)
    assert payout.status == "pending"
    with pytest.raises(ValidationError) as err:
        card_unbind(user=investor, card=card)
    assert code_of(err.value) == "card_in_use"
    card.refresh_from_db()
    assert card.is_bound
    assert card.is_default
    # Once the payout has gone through, the card can go.
    monkeypatch.undo()
    services.payouts_retry(now=timezone.now() + dt.timedelta(hours=1))
    payout.refresh_from_db()
    assert payout.status == "succeeded"
    card_unbind(user=investor, card=card)


def test_a_card_with_a_pending_top_up_cannot_be_unbound(investor):
    card = card_bind(user=investor, card_number=LATE)
    services.deposit_start(user=investor, amount="50", card=card)
    with pytest.raises(ValidationError) as err:
        card_unbind(user=investor, card=card)
    assert code_of(err.value) == "card_in_use"


def test_payments_keep_an_unbound_card():
    user = investor_with_cash(cash="100")
    card = selectors.default_card(user=user)
    card_unbind(user=user, card=card)
    payment = Payment.objects.get(user=user)
    assert payment.card == card
    with pytest.raises(IntegrityError), transaction.atomic():
        BankCard.objects.filter(pk=card.pk).delete()  # PROTECT


# --- money only from and to a bound card of one's own ---------------------------------------


def test_a_deposit_comes_from_the_chosen_card_by_its_token():
    user = investor_with_cash(cash="100")
    late = bound_card(user, "late")
    payment = services.deposit_start(user=user, amount="20", card=late)
    assert (payment.status, payment.card, payment.payment_method) == ("pending", late, late.token)


@pytest.mark.parametrize("direction", ["deposit", "withdrawal"])
def test_another_investors_card_or_an_unbound_one_is_refused_and_moves_nothing(direction):
    user = investor_with_cash(cash="100")
    stranger = investor_with_cash(cash="100")
    theirs = selectors.default_card(user=stranger)
    mine_unbound = bound_card(user, "late")
    card_unbind(user=user, card=mine_unbound)
    start = getattr(services, "deposit_start" if direction == "deposit" else "withdrawal_request")
    payments, entries = Payment.objects.count(), CashEntry.objects.count()
    for card in (theirs, mine_unbound, None, BankCard(pk=10**9)):
        with pytest.raises(ValidationError) as err:
            start(user=user, amount="10", card=card)
        assert code_of(err.value, "card") == "card_unavailable"
    assert (Payment.objects.count(), CashEntry.objects.count()) == (payments, entries)
    assert services.cash_account_for(user=user).balance == Decimal("100")


def test_a_payout_goes_to_the_chosen_card_and_a_declined_card_gets_it_back():
    user = investor_with_cash(cash="1000")
    declined = bound_card(user, "declined")
    payout = services.withdrawal_request(user=user, amount="300", card=declined)
    assert (payout.status, payout.card, payout.payment_method) == (
        "declined",
        declined,
        declined.token,
    )
    assert services.cash_account_for(user=user).balance == Decimal("1000")
    ok = selectors.default_card(user=user)
    paid = services.withdrawal_request(user=user, amount="300", card=ok)
    assert (paid.status, paid.card) == ("succeeded", ok)
    entry = CashEntry.objects.get(reference=f"payment:{paid.pk}")
    assert entry.description.endswith("•••• 0015")
    assert services.reconcile_cash() == []


def test_a_retried_payout_goes_to_the_same_card(monkeypatch):
    user = investor_with_cash(cash="1000")
    card = bound_card(user, "late")
    calls = []
    real = GATEWAYS["sandbox"].payout

    def flaky(**kwargs):
        calls.append(kwargs["token"])
        if len(calls) == 1:
            raise GatewayError("timeout")
        return real(**kwargs)

    monkeypatch.setattr(GATEWAYS["sandbox"], "payout", flaky)
    payout = services.withdrawal_request(user=user, amount="100", card=card)
    assert payout.status == "pending"
    card_set_default(user=user, card=selectors.cards_for(user=user).exclude(pk=card.pk).get())
    services.payouts_retry(now=timezone.now() + dt.timedelta(hours=1))
    payout.refresh_from_db()
    assert payout.status == "succeeded"
    assert calls == [card.token, card.token]


def test_a_card_bound_through_another_gateway_is_refused():
    user = investor_with_cash(cash="100")
    elsewhere = BankCardFactory(user=user, gateway="another", is_default=False)
    with pytest.raises(ValidationError) as err:
        services.withdrawal_request(user=user, amount="10", card=elsewhere)
    assert code_of(err.value, "card") == "card_unavailable"
    assert errors.CARD_OTHER_GATEWAY[1] in err.value.error_dict["card"][0].messages


def test_unbinding_keeps_the_status_values_the_database_allows():
    card = BankCardFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BankCard.objects.filter(pk=card.pk).update(status=CardStatus.UNBOUND)  # no unbound_at
    with pytest.raises(IntegrityError), transaction.atomic():
        BankCard.objects.filter(pk=card.pk).update(last4="12ab")
