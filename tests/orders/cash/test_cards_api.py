"""The cards API (``/api/v1/me/cards/``) and the card a deposit or withdrawal names: exact
schema, bad input a clear 400 with nothing saved, another investor's card a 404."""

import logging

import pytest

from orders.cash import selectors
from orders.cash.services import card_unbind
from orders.models import BankCard, Payment
from tests.api.test_schema import _body, _resolve
from tests.factories import (
    PIN_HEADER,
    IdentityFactory,
    UserFactory,
    bound_card,
    investor_with_cash,
    sandbox_card_number,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/cards/"
OK = sandbox_card_number("ok")
CARD_FIELDS = {
    "id",
    "bank_name",
    "last4",
    "kind",
    "holder_name",
    "is_default",
    "status",
    "bound_at",
    "unbound_at",
}


@pytest.fixture
def investor(client):
    user = UserFactory()
    IdentityFactory(user=user, legal_name="Wang Fang")
    client.force_login(user)
    return user


def post(client, url, data=None):
    """POST JSON with the investor's trade PIN (withdrawals ask it; the rest ignore it)."""
    return client.post(url, data or {}, content_type="application/json", **PIN_HEADER)


def test_bind_list_default_and_unbind_through_the_api(client, investor):
    bound = post(client, URL, {"card_number": "6222 0200 0000 0015"})
    assert bound.status_code == 201
    first = bound.json()
    assert set(first) == CARD_FIELDS
    assert (first["last4"], first["holder_name"], first["is_default"], first["status"]) == (
        "0015",
        "Wang Fang",
        True,
        "bound",
    )
    second = post(client, URL, {"card_number": sandbox_card_number("late")}).json()
    assert second["is_default"] is False
    listed = client.get(URL).json()
    assert [c["id"] for c in listed] == [first["id"], second["id"]]  # the default first
    made = post(client, f"{URL}{second['id']}/default/")
    assert made.status_code == 200
    assert made.json()["is_default"] is True
    gone = post(client, f"{URL}{second['id']}/unbind/")
    assert gone.status_code == 200
    assert (gone.json()["status"], gone.json()["is_default"]) == ("unbound", False)
    assert gone.json()["unbound_at"]
    assert [c["id"] for c in client.get(URL).json()] == [first["id"]]
    assert client.get(URL).json()[0]["is_default"] is True


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"card_number": ""},
        {"card_number": None},
        {"card_number": 6222020000000015},
        {"card_number": "6222020000000016"},
        {"card_number": "1" * 41},
        {"card_number": sandbox_card_number("ok")[:-1]},
        {"card_number": "6222020000000049"},  # the name on it is someone else's
        {"card_number": "6252020000000059"},  # a credit card
    ],
)
def test_a_refused_bind_is_a_400_on_card_number_and_never_echoes_it(client, investor, body):
    response = post(client, URL, body)
    assert response.status_code == 400
    assert "card_number" in response.json()
    number = str(body.get("card_number") or "")
    if len(number) >= 8:
        assert number not in response.content.decode()
    assert not BankCard.objects.exists()


def test_a_bind_without_a_verified_identity_is_a_400_for_the_request(client):
    client.force_login(UserFactory(identity=False))
    response = post(client, URL, {"card_number": OK})
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert not BankCard.objects.exists()


def test_the_card_number_is_marked_sensitive_and_never_logged(client, investor, caplog):
    caplog.set_level(logging.DEBUG)
    response = post(client, URL, {"card_number": "6222020000000064"})  # unknown to the bank
    assert response.status_code == 400
    assert response.wsgi_request.sensitive_post_parameters == ("card_number",)
    assert "6222020000000064" not in caplog.text
    page = client.post("/me/cards/", {"card_number": "6222020000000064"})
    assert page.wsgi_request.sensitive_post_parameters == ("card_number",)
    assert "6222020000000064" not in caplog.text


def test_another_investors_card_is_a_404_and_unchanged(client, investor):
    stranger = investor_with_cash(cash="100")
    theirs = selectors.default_card(user=stranger)
    for action in ("default", "unbind"):
        assert post(client, f"{URL}{theirs.pk}/{action}/").status_code == 404
    assert post(client, f"{URL}999999/unbind/").status_code == 404
    assert client.get(URL).json() == []
    theirs.refresh_from_db()
    assert theirs.is_bound
    assert theirs.is_default


def test_unbinding_a_card_with_a_pending_top_up_is_a_400(client, investor):
    card = bound_card(investor, "late")
    deposit = post(client, "/api/v1/me/cash/deposits/", {"amount": "10", "card": card.pk})
    assert deposit.status_code == 201
    assert deposit.json()["status"] == "pending"
    response = post(client, f"{URL}{card.pk}/unbind/")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    card.refresh_from_db()
    assert card.is_bound


def test_deposits_and_withdrawals_name_one_of_ones_own_bound_cards(client):
    user = investor_with_cash(cash="500")
    client.force_login(user)
    stranger_card = selectors.default_card(user=investor_with_cash(cash="100"))
    unbound = bound_card(user, "late")
    card_unbind(user=user, card=unbound)
    payments = Payment.objects.count()
    for url in ("/api/v1/me/cash/deposits/", "/api/v1/me/cash/withdrawals/"):
        for card in (stranger_card.pk, unbound.pk, 10**12, "x", None):
            response = post(client, url, {"amount": "10", "card": card})
            assert response.status_code == 400, (url, card)
            assert list(response.json()) == ["card"], (url, card)
        assert post(client, url, {"amount": "10"}).json() == {"card": ["This field is required."]}
    assert Payment.objects.count() == payments
    mine = selectors.default_card(user=user)
    paid = post(client, "/api/v1/me/cash/withdrawals/", {"amount": "10", "card": mine.pk})
    assert paid.status_code == 201
    assert paid.json()["card"] == {"id": mine.pk, "bank_name": mine.bank_name, "last4": "0015"}


# --- the schema -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get("/api/schema/?format=json").json()


def _response(schema, path, method, status):
    content = schema["paths"][path][method]["responses"][status]["content"]
    return _resolve(schema, content["application/json"]["schema"])


def test_the_schema_takes_the_card_number_write_only_and_answers_the_last_four(schema):
    body = _body(schema, "/api/v1/me/cards/")
    assert set(body["properties"]) == {"card_number"}
    assert body["required"] == ["card_number"]
    assert body["properties"]["card_number"]["maxLength"] == 40
    card = _response(schema, "/api/v1/me/cards/", "post", "201")
    assert set(card["properties"]) == CARD_FIELDS
    for secret in ("card_number", "token", "fingerprint"):
        assert secret not in card["properties"]
    assert _resolve(schema, card["properties"]["status"])["enum"] == ["bound", "unbound"]
    assert _resolve(schema, card["properties"]["kind"])["enum"] == ["debit"]
    listed = _response(schema, "/api/v1/me/cards/", "get", "200")
    assert listed["type"] == "array"
    operations = schema["paths"]["/api/v1/me/cards/"]
    assert {"201", "400", "401", "403", "429"} <= set(operations["post"]["responses"])
    for action in ("default", "unbind"):
        operation = schema["paths"][f"/api/v1/me/cards/{{id}}/{action}/"]["post"]
        assert {"200", "400", "401", "403", "404"} <= set(operation["responses"])
        assert "requestBody" not in operation
    payment = _response(schema, "/api/v1/me/cash/deposits/", "post", "201")
    assert "payment_method" not in payment["properties"]
    assert payment["properties"]["card"]["nullable"] is True
