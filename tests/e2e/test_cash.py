"""The investor's cash in a real browser: top up, a late transfer confirmed by the sandbox bank,
a withdrawal refused above the balance and then made."""

import pytest

from orders.models import CashAccount, Payment
from tests.e2e.test_catalogue import log_in
from tests.factories import TRADE_PIN, IdentityFactory, UserFactory, bound_card, sandbox_card_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def top_up(page, amount: str, last4: str) -> None:
    """Top up from the bound card ending ``last4``."""
    page.goto("/me/cash/")
    form = page.locator("form[action='/me/cash/deposit/']")
    form.locator("input[name=amount]").fill(amount)
    form.locator("label.pay-method", has_text=last4).locator("input").check()
    form.locator("[type=submit]").first.click()
    page.wait_for_load_state()


def test_investor_binds_a_card_tops_up_confirms_a_late_transfer_and_withdraws(new_page, shot):
    user = UserFactory(email="saver@example.com", trade_pin=True)
    IdentityFactory(user=user)
    bound_card(user, "late")
    page = new_page()
    log_in(page, "saver@example.com")

    page.goto("/me/cards/")
    page.locator("#card-number").fill(sandbox_card_number("ok"))
    page.locator("#card-bind-submit").click()
    page.wait_for_load_state()
    shot(page, "card-bound")
    assert "•••• 0015" in page.locator("#my-cards").inner_text()

    top_up(page, "1000.50", "0015")
    shot(page, "topped-up")
    assert "1,000.50" in page.content()

    top_up(page, "250", "0034")
    shot(page, "sandbox-bank")
    assert "/payments/sandbox/" in page.url
    page.locator("button[name=outcome][value=succeeded]").click()
    page.wait_for_load_state()
    shot(page, "late-transfer-confirmed")

    withdraw = page.locator("form[action='/me/cash/withdraw/']")
    withdraw.locator("input[name=amount]").fill("5000")
    withdraw.locator("#id_trade_pin").fill(TRADE_PIN)
    withdraw.locator("[type=submit]").first.click()
    page.wait_for_load_state()
    shot(page, "withdrawal-refused")
    assert "top up" in page.content()

    withdraw = page.locator("form[action='/me/cash/withdraw/']")
    withdraw.locator("input[name=amount]").fill("200")
    withdraw.locator("#id_trade_pin").fill(TRADE_PIN)
    withdraw.locator("[type=submit]").first.click()
    page.wait_for_load_state()
    shot(page, "withdrawn")
    assert str(CashAccount.objects.get(user=user).balance) == "1050.50"
    assert Payment.objects.filter(user=user).count() == 3
    assert page.csp_errors == []
