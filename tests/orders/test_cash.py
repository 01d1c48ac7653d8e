"""The cash ledger and payments (DESIGN §4 Cash and payments)."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from orders import services
from orders.cash.gateway import SIGNATURE_HEADER, sign
from orders.models import CashAccount, CashEntry, Payment
from tests.factories import PIN_HEADER, UserFactory, bound_card, give_trade_pin

pytestmark = pytest.mark.django_db


def balance(user) -> Decimal:
    return services.cash_account_for(user=user).balance


def test_sandbox_ok_credits_cash_at_once():
    user = UserFactory()
    payment = services.deposit_start(user=user, amount="1000.50", card=bound_card(user))
    assert payment.status == "succeeded"
    assert balance(user) == Decimal("1000.50")
    entry = CashEntry.objects.get()
    assert (entry.kind, entry.amount, entry.balance_after) == (
        "deposit",
        Decimal("1000.50"),
        Decimal("1000.50"),
    )


def test_a_declined_card_moves_no_money():
    user = UserFactory()
    payment = services.deposit_start(user=user, amount="10", card=bound_card(user, "declined"))
    assert payment.status == "declined"
    assert balance(user) == 0
    assert not CashEntry.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than zero"),
        ("-5", "more than zero"),
        ("1.001", "2 decimal places"),
        ("abc", "Enter an amount"),
        ("NaN", "Enter an amount"),
        ("Infinity", "Enter an amount"),
        ("1e400", "at most"),
        ("50000000.01", "at most"),
        ("", "Enter an amount"),
    ],
)
def test_bad_deposit_amounts_are_refused_and_save_nothing(amount, message):
    user = UserFactory()
    card = bound_card(user)
    with pytest.raises(ValidationError) as err:
        services.deposit_start(user=user, amount=amount, card=card)
    assert message in err.value.message_dict["amount"][0]
    assert not Payment.objects.exists()
    assert not CashEntry.objects.exists()


def test_card_numbers_are_not_cards():
    with pytest.raises(ValidationError) as err:
        services.deposit_start(user=UserFactory(), amount="10", card="6222020000000015")
    assert err.value.error_dict["card"][0].code == "card_unavailable"
    assert not Payment.objects.exists()


def test_an_unverified_user_cannot_deposit():
    user = UserFactory(verified=False)
    card = bound_card(user)
    with pytest.raises(PermissionDenied):
        services.deposit_start(user=user, amount="10", card=card)


def callback(client, reference, status="succeeded", *, signature=None):
    body = json.dumps({"provider_reference": reference, "status": status}).encode()
    return client.post(
        "/payments/sandbox/callback/",
        body,
        content_type="application/json",
        **{SIGNATURE_HEADER: signature if signature is not None else sign(body)},
    )


def test_late_transfer_is_credited_once_by_its_signed_callback(client):
    user = UserFactory()
    payment = services.deposit_start(user=user, amount="300", card=bound_card(user, "late"))
    assert payment.status == "pending"
    assert balance(user) == 0
    response = callback(client, payment.provider_reference)
    assert response.json() == {"status": "succeeded", "changed": True}
    assert balance(user) == Decimal("300")
    replay = callback(client, payment.provider_reference)
    assert replay.json() == {"status": "succeeded", "changed": False}
    assert callback(client, payment.provider_reference, "failed").json()["changed"] is False
    assert balance(user) == Decimal("300")
    assert CashEntry.objects.count() == 1


def test_a_forged_callback_changes_nothing(client):
    user = UserFactory()
    payment = services.deposit_start(user=user, amount="300", card=bound_card(user, "late"))
    response = callback(client, payment.provider_reference, signature="0" * 64)
    assert response.status_code == 403
    assert callback(client, payment.provider_reference, signature="").status_code == 403
    payment.refresh_from_db()
    assert payment.status == "pending"
    assert balance(user) == 0


@pytest.mark.parametrize(
    "body", [b"not json", b"{}", b'{"provider_reference": "x", "status": "ok"}']
)
def test_malformed_callbacks_are_400(client, body):
    response = client.post(
        "/payments/sandbox/callback/",
        body,
        content_type="application/json",
        **{SIGNATURE_HEADER: sign(body)},
    )
    assert response.status_code == 400


def test_withdrawal_only_from_available_cash():
    user = UserFactory()
    services.deposit_start(user=user, amount="100", card=bound_card(user))
    with pytest.raises(ValidationError) as err:
        services.withdrawal_request(user=user, amount="150", card=bound_card(user))
    assert "top up 50.00" in err.value.message_dict["amount"][0]
    assert balance(user) == Decimal("100")
    assert not Payment.objects.filter(direction="withdrawal").exists()
    payment = services.withdrawal_request(user=user, amount="40", card=bound_card(user))
    assert payment.status == "succeeded"
    assert balance(user) == Decimal("60")


def test_reconcile_cash_holds_and_catches_a_tampered_balance(capsys):
    user = UserFactory()
    services.deposit_start(user=user, amount="500", card=bound_card(user))
    services.withdrawal_request(user=user, amount="120.55", card=bound_card(user))
    call_command("reconcile_cash")
    assert "reconciles" in capsys.readouterr().out
    CashAccount.objects.filter(user=user).update(balance=Decimal("1000"))
    with pytest.raises(Exception, match="difference"):
        call_command("reconcile_cash")
    assert "entries sum to 379.45" in capsys.readouterr().err


def test_entries_are_unique_per_cause():
    user = UserFactory()
    services.deposit_start(user=user, amount="10", card=bound_card(user))
    entry = CashEntry.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        CashEntry.objects.create(
            account=entry.account,
            kind=entry.kind,
            amount=entry.amount,
            balance_after=entry.balance_after,
            reference=entry.reference,
        )


def test_cash_api(verified_client, user):
    card = bound_card(user)
    give_trade_pin(user)
    response = verified_client.post(
        "/api/v1/me/cash/deposits/",
        {"amount": "250.00", "card": card.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "succeeded"
    assert response.json()["amount"] == "250.00"
    assert response.json()["card"] == {"id": card.pk, "bank_name": card.bank_name, "last4": "0015"}
    cash = verified_client.get("/api/v1/me/cash/").json()
    assert cash["balance"] == "250.00"
    assert cash["entries"][0]["kind"] == "deposit"
    bad = verified_client.post(
        "/api/v1/me/cash/withdrawals/",
        {"amount": "1000", "card": card.pk},
        content_type="application/json",
        **PIN_HEADER,
    )
    assert bad.status_code == 400
    assert "amount" in bad.json()
    ok = verified_client.post(
        "/api/v1/me/cash/withdrawals/",
        {"amount": "50", "card": card.pk},
        content_type="application/json",
        **PIN_HEADER,
    )
    assert ok.status_code == 201
    assert verified_client.get("/api/v1/me/cash/").json()["balance"] == "200.00"


def test_web_top_up_double_submit_acts_once(verified_client, user):
    card = bound_card(user)
    page = verified_client.get("/me/cash/").content.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    data = {"amount": "100", "card": card.pk, "form_token": token}
    first = verified_client.post("/me/cash/deposit/", data)
    second = verified_client.post("/me/cash/deposit/", data)
    assert first.status_code == second.status_code == 302
    assert Payment.objects.count() == 1
    assert balance(user) == Decimal("100")
    missing = verified_client.post("/me/cash/deposit/", {**data, "form_token": ""})
    assert missing.status_code == 400
    assert b"reload the page" in missing.content
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("amount", ["-1", "0", "1.001", "abc", "<b>5</b>", "9" * 30])
def test_web_top_up_bad_amounts_show_an_error_and_save_nothing(verified_client, user, amount):
    response = verified_client.post(
        "/me/cash/deposit/",
        {"amount": amount, "card": bound_card(user).pk, "form_token": f"t-{amount[:10]}"},
    )
    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_late_transfer_completed_on_the_sandbox_bank_page(verified_client, user):
    card = bound_card(user, "late")
    page = verified_client.get("/me/cash/").content.decode()
    token = page.split('name="form_token" value="')[1].split('"')[0]
    response = verified_client.post(
        "/me/cash/deposit/", {"amount": "75", "card": card.pk, "form_token": token}
    )
    payment = Payment.objects.get()
    assert response["Location"] == f"/payments/sandbox/{payment.provider_reference}/"
    assert verified_client.get(response["Location"]).status_code == 200
    verified_client.post(response["Location"], {"outcome": "succeeded"})
    assert balance(user) == Decimal("75")
