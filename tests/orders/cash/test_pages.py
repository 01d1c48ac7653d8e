"""The cards page (``/me/cards/``) and the card choice on the cash page."""

import re

import pytest

from marketplace.idempotency import FIELD
from orders.cash import errors, selectors
from orders.cash.gateway import SANDBOX_CARDS
from orders.models import BankCard, Payment
from tests.factories import (
    TRADE_PIN,
    IdentityFactory,
    UserFactory,
    bound_card,
    investor_with_cash,
    sandbox_card_number,
)

pytestmark = pytest.mark.django_db
OK = sandbox_card_number("ok")


def outside_test_cards(page: str) -> str:
    """The page without the sandbox's table of test card numbers (which lists them all)."""
    return re.sub(
        r'<div class="sandbox-note" id="sandbox-test-cards">.*?</table>', "", page, flags=re.S
    )


@pytest.fixture
def investor(client):
    user = UserFactory()
    IdentityFactory(user=user, legal_name="Li Hua")
    client.force_login(user)
    return user


def test_the_cards_page_needs_a_sign_in(client):
    assert client.get("/me/cards/").status_code == 302


def test_binding_on_the_page_lists_the_card_by_bank_and_last_four(client, investor):
    page = client.get("/me/cards/").content.decode()
    assert 'id="cards-empty"' in page
    assert "Li Hua" in page  # the name the card must be in
    for test in SANDBOX_CARDS:  # the sandbox's test cards are shown
        assert test.grouped in page
    response = client.post("/me/cards/", {"card_number": "6222 0200 0000 0015"}, follow=True)
    page = response.content.decode()
    assert "is bound in your verified name" in page
    assert "Sandbox Commercial Bank" in page
    assert "•••• 0015" in page
    assert "data-default-badge" in page
    assert OK not in outside_test_cards(page)


def test_a_failed_bind_shows_the_error_and_never_echoes_the_number(client, investor):
    for number, code in (
        ("6222020000000016", errors.NUMBER_CHECKSUM),
        ("6222020000000064", None),  # unknown to the bank
        ("6222020000000049", None),  # someone else's name
    ):
        response = client.post("/me/cards/", {"card_number": number})
        page = response.content.decode()
        assert response.status_code == 400
        assert 'aria-invalid="true"' in page
        assert number not in outside_test_cards(page)
        assert re.search(r'<input[^>]*id="card-number"[^>]*value=""', page)
        if code:
            assert str(code[1]) in page
    assert not BankCard.objects.exists()


def test_without_a_verified_identity_the_page_says_so_and_binds_nothing(client):
    client.force_login(UserFactory(identity=False))
    page = client.get("/me/cards/").content.decode()
    assert 'id="cards-identity-required"' in page
    assert re.search(r'id="card-bind-submit"[^>]*disabled', page)
    response = client.post("/me/cards/", {"card_number": OK})
    assert response.status_code == 400
    assert str(errors.IDENTITY_REQUIRED[1]) in response.content.decode()
    assert not BankCard.objects.exists()


def test_no_test_cards_are_shown_without_the_sandbox(client, investor, settings):
    settings.PAYMENTS_GATEWAY = ""
    page = client.get("/me/cards/").content.decode()
    assert 'id="sandbox-test-cards"' not in page
    assert OK not in page


def test_make_default_and_unbind_after_a_confirmation(client, investor):
    first = bound_card(investor)
    second = bound_card(investor, "late")
    client.post(f"/me/cards/{second.pk}/default/")
    assert selectors.default_card(user=investor) == second
    confirm = client.get(f"/me/cards/{second.pk}/unbind/")
    assert confirm.status_code == 200
    assert 'id="card-unbind-confirm"' in confirm.content.decode()
    second.refresh_from_db()
    assert second.is_bound  # a GET changes nothing
    done = client.post(f"/me/cards/{second.pk}/unbind/", follow=True)
    assert "is unbound" in done.content.decode()
    assert selectors.default_card(user=investor) == first
    assert client.get(f"/me/cards/{second.pk}/unbind/").status_code == 404  # gone from view


def test_unbinding_a_card_in_use_is_refused_on_the_page(client, investor):
    from orders import services

    card = bound_card(investor, "late")
    services.deposit_start(user=investor, amount="10", card=card)
    response = client.post(f"/me/cards/{card.pk}/unbind/")
    assert response.status_code == 400
    assert str(errors.IN_USE[1]) in response.content.decode()
    card.refresh_from_db()
    assert card.is_bound


def test_another_investors_card_is_a_404_on_every_card_page(client, investor):
    theirs = selectors.default_card(user=investor_with_cash(cash="10"))
    assert client.get(f"/me/cards/{theirs.pk}/unbind/").status_code == 404
    assert client.post(f"/me/cards/{theirs.pk}/unbind/").status_code == 404
    assert client.post(f"/me/cards/{theirs.pk}/default/").status_code == 404
    assert theirs.bank_name not in client.get("/me/cards/").content.decode()
    theirs.refresh_from_db()
    assert theirs.is_bound
    assert theirs.is_default


# --- the cash page --------------------------------------------------------------------------


def _token(client) -> str:
    page = client.get("/me/cash/").content.decode()
    return page.split('name="form_token" value="')[1].split('"')[0]


def test_the_cash_page_without_a_card_says_bind_one_first(client, investor):
    page = client.get("/me/cash/").content.decode()
    assert 'id="top-up-no-card"' in page
    assert 'id="withdraw-no-card"' in page
    assert 'href="/me/cards/"' in page


def test_the_cash_page_preselects_the_default_card_and_shows_it_on_payments(client):
    user = investor_with_cash(cash="100")
    late = bound_card(user, "late")
    client.force_login(user)
    default = selectors.default_card(user=user)
    page = client.get("/me/cash/").content.decode()
    for prefix in ("deposit", "withdraw"):
        radios = re.findall(rf'<input[^>]*name="card"[^>]*id="{prefix}-card_\d"[^>]*>', page)
        assert len(radios) == 2, prefix
        checked = [r for r in radios if "checked" in r]
        assert len(checked) == 1
        assert f'value="{default.pk}"' in checked[0]
    assert "••••\u00a00034" in page  # the late card, offered in both forms
    assert "•••• 0015" in page
    assert "From Sandbox Commercial Bank" in page  # the first top-up, in the payments table
    response = client.post(
        "/me/cash/withdraw/",
        {"amount": "30", "card": late.pk, FIELD: _token(client), "trade_pin": TRADE_PIN},
    )
    assert response.status_code == 302
    assert Payment.objects.filter(direction="withdrawal").get().card == late


def test_the_cash_forms_refuse_another_investors_card_and_save_nothing(client):
    user = investor_with_cash(cash="100")
    theirs = selectors.default_card(user=investor_with_cash(cash="100"))
    client.force_login(user)
    payments = Payment.objects.count()
    for url in ("/me/cash/deposit/", "/me/cash/withdraw/"):
        for card in (theirs.pk, "", "abc"):
            response = client.post(url, {"amount": "10", "card": card, FIELD: _token(client)})
            assert response.status_code == 400, (url, card)
            assert 'card-error"' in response.content.decode()
    assert Payment.objects.count() == payments
