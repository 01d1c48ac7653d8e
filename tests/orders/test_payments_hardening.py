"""The payment gateway against bad input, accidents and crashes."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from marketplace.idempotency import FIELD
from orders import selectors, services
from orders.cash import services as card_services
from orders.cash.gateway import (
    GATEWAYS,
    NO_GATEWAY,
    PAYOUT_MAX_ATTEMPTS,
    SIGNATURE_HEADER,
    GatewayError,
    GatewayResult,
    sign,
)
from orders.models import CashEntry, EntryKind, Payment
from orders.views.cash import PAYOUT_REFUSED
from tests.factories import (
    TRADE_PIN,
    BankCardFactory,
    StaffFactory,
    UserFactory,
    bound_card,
    investor_with_cash,
    sandbox_card_number,
)
from tests.test_production_settings import production, run_manage, run_production

pytestmark = pytest.mark.django_db


def test_a_callback_with_a_non_ascii_signature_is_refused_with_403(client):
    user = UserFactory()
    payment = services.deposit_start(user=user, amount="300", card=bound_card(user, "late"))
    body = json.dumps({"provider_reference": payment.provider_reference, "status": "succeeded"})
    response = client.post(
        "/payments/sandbox/callback/",
        body.encode(),
        content_type="application/json",
        **{SIGNATURE_HEADER: "é" * 64},
    )
    assert response.status_code == 403
    assert Payment.objects.get().status == "pending"


# --- the gateway is chosen by setting; the sandbox is never on by accident -------------------


def test_production_settings_have_no_payment_gateway_until_one_is_configured():
    values = production("PAYMENTS_GATEWAY", "PAYMENTS_SANDBOX_IN_PRODUCTION")
    assert values == {"PAYMENTS_GATEWAY": "", "PAYMENTS_SANDBOX_IN_PRODUCTION": False}


def test_the_sandbox_in_production_needs_its_explicit_variable():
    refused = run_production("pass", PAYMENTS_GATEWAY="sandbox")
    assert refused.returncode != 0
    assert "PAYMENTS_SANDBOX_IN_PRODUCTION" in refused.stderr
    values = production(
        "PAYMENTS_GATEWAY", PAYMENTS_GATEWAY="sandbox", PAYMENTS_SANDBOX_IN_PRODUCTION="true"
    )
    assert values["PAYMENTS_GATEWAY"] == "sandbox"


def test_deposits_and_withdrawals_without_a_gateway_are_refused_clearly(client, settings):
    user = UserFactory()
    card = bound_card(user)
    settings.PAYMENTS_GATEWAY = ""
    with pytest.raises(ValidationError) as err:
        services.deposit_start(user=user, amount="100", card=card)
    assert err.value.code == "payments_unavailable"
    with pytest.raises(ValidationError) as err:
        card_services.card_bind(user=user, card_number=sandbox_card_number("declined"))
    assert err.value.code == "payments_unavailable"
    with pytest.raises(ValidationError) as err:
        services.withdrawal_request(user=user, amount="100", card=card)
    assert err.value.code == "payments_unavailable"
    client.force_login(user)
    api = client.post(
        "/api/v1/me/cash/deposits/",
        {"amount": "100", "card": card.pk},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert api.json()["non_field_errors"] == [str(NO_GATEWAY)]
    page = client.post("/me/cash/deposit/", {"amount": "100", "card": card.pk, FIELD: "t1"})
    assert page.status_code == 400
    assert str(NO_GATEWAY) in page.content.decode()
    assert b"data-payments-unavailable" in client.get("/me/cash/").content
    assert not Payment.objects.exists()
    assert not CashEntry.objects.exists()
    # The sandbox's own endpoints are gone with it.
    body = b'{"provider_reference": "x", "status": "succeeded"}'
    response = client.post(
        "/payments/sandbox/callback/",
        body,
        content_type="application/json",
        **{SIGNATURE_HEADER: sign(body)},
    )
    assert response.status_code == 404


def test_the_sandbox_enabled_in_production_shows_a_test_mode_banner_on_every_page(client, settings):
    settings.PAYMENTS_SANDBOX_IN_PRODUCTION = True
    assert b"data-test-mode" in client.get("/accounts/login/").content
    client.force_login(UserFactory())
    for url in ("/", "/products/", "/me/cash/"):
        assert b"data-test-mode" in client.get(url).content, url
    settings.PAYMENTS_SANDBOX_IN_PRODUCTION = False
    assert b"data-test-mode" not in client.get("/").content


def test_deploy_check_passes_without_the_sandbox_and_flags_it_or_a_short_secret():
    def check(**env):
        return run_manage("check", "--deploy", "--fail-level", "WARNING", **env)

    clean = check()
    assert clean.returncode == 0, clean.stderr
    flagged = check(
        PAYMENTS_GATEWAY="sandbox",
        PAYMENTS_SANDBOX_IN_PRODUCTION="true",
        PAYMENTS_SANDBOX_SECRET="short",
    )
    assert flagged.returncode != 0
    assert "payments.W001" in flagged.stderr
    assert "payments.E001" in flagged.stderr


# --- deposits and payouts keep their records -----------------------------------------------


class FakeGateway:
    """A provider whose answers the test scripts: an exception, or a status."""

    name = "fake"

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def _answer(self, reference):
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return GatewayResult(answer, reference, "" if answer == "succeeded" else "Refused.")

    def charge(self, *, amount, token, reference):
        self.calls.append(("charge", reference, list(Payment.objects.values_list("status"))))
        assert not transaction.get_connection().in_atomic_block  # the row is committed
        return self._answer(reference)

    def payout(self, *, amount, token, reference):
        self.calls.append(("payout", reference, token))
        return self._answer(reference)


@pytest.fixture
def fake(monkeypatch, settings):
    def install(*answers):
        provider = FakeGateway(*answers)
        monkeypatch.setitem(GATEWAYS, "fake", provider)
        settings.PAYMENTS_GATEWAY = "fake"
        return provider

    return install


def fake_card(user):
    """A card bound through the fake provider (beside any sandbox card the user has)."""
    return BankCardFactory(user=user, gateway="fake", token="fake_card.1", is_default=False)


@pytest.mark.django_db(transaction=True)
def test_a_deposit_is_recorded_and_committed_before_the_provider_is_called(fake):
    provider = fake(RuntimeError("the process died"))
    user = UserFactory()
    with pytest.raises(RuntimeError):
        services.deposit_start(user=user, amount="250", card=fake_card(user))
    payment = Payment.objects.get()
    assert provider.calls == [("charge", payment.provider_reference, [("pending",)])]
    assert (payment.status, payment.amount, payment.gateway) == ("pending", Decimal(250), "fake")
    # The provider's callback for that charge still finds it and credits the cash.
    body = json.dumps({"provider_reference": payment.provider_reference, "status": "succeeded"})
    services.payment_callback(body=body.encode(), signature=sign(body.encode()))
    assert services.cash_account_for(user=user).balance == Decimal(250)


@pytest.mark.django_db(transaction=True)
def test_a_deposit_the_provider_cannot_answer_stays_pending_with_its_record(fake):
    fake(GatewayError("timeout"))
    user = UserFactory()
    payment = services.deposit_start(user=user, amount="250", card=fake_card(user))
    assert (payment.status, payment.last_error) == ("pending", "timeout")


def test_a_payout_the_provider_refuses_returns_the_cash_with_an_entry(fake):
    user = investor_with_cash(cash="1000")
    fake("declined")
    payment = services.withdrawal_request(user=user, amount="400", card=fake_card(user))
    assert payment.status == "declined"
    assert services.cash_account_for(user=user).balance == Decimal("1000")
    kinds = list(
        CashEntry.objects.filter(reference=f"payment:{payment.pk}")
        .order_by("pk")
        .values_list("kind", "amount")
    )
    assert kinds == [
        (EntryKind.WITHDRAWAL, Decimal("-400")),
        (EntryKind.WITHDRAWAL_RETURNED, Decimal("400")),
    ]
    assert services.reconcile_cash() == []


def test_a_pending_payout_is_retried_with_backoff_then_settles(fake):
    user = investor_with_cash(cash="1000")
    provider = fake(GatewayError("timeout"), "pending", "succeeded")
    start = timezone.now()
    card = fake_card(user)
    payment = services.withdrawal_request(user=user, amount="400", card=card)
    assert (payment.status, payment.attempts, payment.last_error) == ("pending", 1, "timeout")
    assert services.payouts_retry(now=start + dt.timedelta(minutes=5)) == {"tried": 0, "settled": 0}
    later = start + dt.timedelta(minutes=11)
    assert services.payouts_retry(now=later) == {"tried": 1, "settled": 0}
    payment.refresh_from_db()
    assert payment.next_attempt_at >= later + dt.timedelta(minutes=20)  # doubled
    assert services.payouts_retry(now=later + dt.timedelta(minutes=21)) == {
        "tried": 1,
        "settled": 1,
    }
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    # Every attempt paid the same payout to the same card.
    assert {(ref, token) for _, ref, token in provider.calls} == {
        (payment.provider_reference, card.token)
    }
    assert services.cash_account_for(user=user).balance == Decimal("600")
    assert services.reconcile_cash() == []


def test_a_payout_still_pending_after_every_retry_is_shown_to_staff(fake, client):
    user = investor_with_cash(cash="1000")
    provider = fake(GatewayError("provider down"))
    now = timezone.now()
    payment = services.withdrawal_request(user=user, amount="400", card=fake_card(user))
    for _ in range(10):
        now += dt.timedelta(days=1)
        services.payouts_retry(now=now)
    payment.refresh_from_db()
    assert payment.attempts == PAYOUT_MAX_ATTEMPTS == len(provider.calls)
    assert list(selectors.payouts_stuck(now=now)) == [payment]
    client.force_login(StaffFactory())
    page = client.get("/staff/payouts/")
    assert page.status_code == 200
    assert f'data-payout="{payment.pk}"' in page.content.decode()
    assert "provider down" in page.content.decode()
    assert "orders.tasks.payouts_retry" in {
        entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_a_refused_payout_on_the_cash_page_says_the_money_is_back(fake, client):
    user = investor_with_cash(cash="1000")
    fake("failed")
    card = fake_card(user)
    client.force_login(user)
    response = client.post(
        "/me/cash/withdraw/",
        {"amount": "400", "card": card.pk, FIELD: "w1", "trade_pin": TRADE_PIN},
        follow=True,
    )
    assert str(PAYOUT_REFUSED) in response.content.decode()
    assert services.cash_account_for(user=user).balance == Decimal("1000")
