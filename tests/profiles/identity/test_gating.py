"""Money needs a verified identity (DESIGN §4): without one, buying, topping up, setting up a
plan, binding a card and setting the trade PIN are refused on the web and in the API with a
message that points to /me/identity/, and nothing is written; browsing, the questionnaire and
selling are not gated."""

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from marketplace.idempotency import FIELD
from orders.models import BankCard, CashEntry, Order, Payment
from orders.plans.models import InvestmentPlan
from profiles.identity.selectors import IDENTITY_REQUIRED, IDENTITY_URL
from profiles.models import Identity, IdentityStatus, InvestorProfile, TradePin
from tests.factories import (
    PIN_HEADER,
    TRADE_PIN,
    BankCardFactory,
    IdentityFactory,
    ProductFactory,
    UserFactory,
    sandbox_card_number,
)
from tests.profiles.test_services import answers_scoring

pytestmark = pytest.mark.django_db
LINK = f'href="{IDENTITY_URL}"'


def unverified(*, pin=True, card=True):
    """A signed-up investor with a valid C3 assessment, no verified identity and, as an
    account that lost its verification would have, a trade PIN and a bound card."""
    user = UserFactory(identity=False, trade_pin=pin)
    InvestorProfile.objects.create(
        user=user, risk_level=3, assessment_valid_until=dt.date(2030, 1, 1)
    )
    if card:
        BankCardFactory(user=user, token="sandbox_ok.unverified0001")
    return user


@pytest.fixture
def investor(client):
    user = unverified()
    client.force_login(user)
    return user


@pytest.fixture
def api(investor):
    client = APIClient()
    client.force_authenticate(investor)
    client.credentials(**PIN_HEADER)
    return client


@pytest.fixture
def fund(db):
    return ProductFactory(risk_level=2, min_purchase=Decimal("100.00"))


def token_from(html: str) -> str:
    marker = f'name="{FIELD}" value="'
    return html[html.index(marker) + len(marker) :].split('"', 1)[0]


def nothing_written():
    assert not Order.objects.exists()
    assert not Payment.objects.exists()
    assert not CashEntry.objects.exists()
    assert not InvestmentPlan.objects.exists()


def assert_points_to_identity(html: str):
    assert LINK in html
    assert str(IDENTITY_REQUIRED) in html or "Verify your identity" in html


def identity_refusal(response):
    assert response.status_code == 400, response.content
    [error] = response.data["identity"]
    assert error.code == "identity_required"
    assert IDENTITY_URL in str(error)


# --- buying ------------------------------------------------------------------------------


def test_the_checkout_says_verify_first_and_a_purchase_is_refused(client, investor, fund):
    url = f"/products/{fund.slug}/buy/"
    review = client.get(url, {"amount": "1000"})
    assert review.status_code == 200
    html = review.content.decode()
    assert "data-identity-required" in html
    assert_points_to_identity(html)
    assert f'name="{FIELD}"' not in html  # no confirm step is offered
    data = {"amount": "1000", FIELD: "a-token", "trade_pin": TRADE_PIN}
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [str(IDENTITY_REQUIRED)]
    html = response.content.decode()
    assert "data-identity-required" in html
    assert LINK in html
    nothing_written()


def test_the_checkout_of_an_identity_in_review_is_refused_too(client, investor, fund):
    IdentityFactory(user=investor, status=IdentityStatus.REVIEW, verified_at=None)
    url = f"/products/{fund.slug}/buy/"
    html = client.get(url, {"amount": "1000"}).content.decode()
    assert "being reviewed" in html
    response = client.post(url, {"amount": "1000", FIELD: "a-token", "trade_pin": TRADE_PIN})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [str(IDENTITY_REQUIRED)]
    nothing_written()


def test_the_order_api_refuses_a_purchase(api, fund):
    response = api.post(
        "/api/v1/orders/",
        {"product": fund.slug, "side": "buy", "amount": "1000"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="gating-order-1",
    )
    identity_refusal(response)
    nothing_written()


# --- topping up --------------------------------------------------------------------------


def test_the_cash_page_says_verify_first_and_a_top_up_is_refused(client, investor):
    page = client.get("/me/cash/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "data-identity-required" in html
    assert_points_to_identity(html)
    card = BankCard.objects.get(user=investor)
    data = {"amount": "500", "card": card.pk, FIELD: token_from(html)}
    response = client.post("/me/cash/deposit/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert str(IDENTITY_REQUIRED) in html
    assert LINK in html
    nothing_written()


def test_the_deposit_api_refuses_a_top_up(api, investor):
    card = BankCard.objects.get(user=investor)
    response = api.post(
        "/api/v1/me/cash/deposits/", {"amount": "500", "card": card.pk}, format="json"
    )
    identity_refusal(response)
    nothing_written()


# --- plans -------------------------------------------------------------------------------


def test_the_plan_form_refuses_without_identity(client, clock, investor, fund):
    url = f"/products/{fund.slug}/plan/"
    page = client.get(url)
    assert page.status_code == 200
    assert_points_to_identity(page.content.decode())
    data = {
        "amount": "1000",
        "frequency": "monthly",
        "month_day": "1",
        "weekday": "1",
        "start_date": "2026-11-24",
        "end": "none",
        "trade_pin": TRADE_PIN,
        FIELD: token_from(page.content.decode()),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert str(IDENTITY_REQUIRED) in html
    assert LINK in html
    nothing_written()


def test_the_plan_api_refuses_without_identity(api, clock, fund):
    response = api.post(
        "/api/v1/me/plans/",
        {
            "product": fund.slug,
            "amount": "500.00",
            "frequency": "monthly",
            "day": 8,
            "start_date": "2026-11-24",
        },
        format="json",
    )
    identity_refusal(response)
    nothing_written()


# --- cards and the trade PIN -------------------------------------------------------------


def test_binding_a_card_is_refused_on_the_page_and_in_the_api(client):
    user = unverified(pin=False, card=False)
    client.force_login(user)
    page = client.get("/me/cards/").content.decode()
    assert LINK in page
    response = client.post("/me/cards/", {"card_number": sandbox_card_number("ok")})
    assert response.status_code == 400
    assert LINK in response.content.decode()
    api = APIClient()
    api.force_authenticate(user)
    refused = api.post(
        "/api/v1/me/cards/", {"card_number": sandbox_card_number("ok")}, format="json"
    )
    assert refused.status_code == 400
    assert [e.code for e in refused.data["non_field_errors"]] == ["identity_required"]
    assert not BankCard.objects.exists()


def test_setting_the_pin_is_refused_on_the_page_and_in_the_api(client):
    user = unverified(pin=False, card=False)
    client.force_login(user)
    page = client.get("/me/security/").content.decode()
    assert 'id="pin-needs-identity"' in page
    assert LINK in page
    response = client.post("/me/security/pin/", {"pin": "135792", "pin_again": "135792"})
    assert response.status_code in (302, 400)
    assert not TradePin.objects.filter(user=user).exists()
    api = APIClient()
    api.force_authenticate(user)
    refused = api.post("/api/v1/me/pin/", {"pin": "135792"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "identity_required"
    assert refused.json()["pin"]
    assert not TradePin.objects.filter(user=user).exists()


def test_a_newcomer_without_a_pin_is_told_to_verify_first_not_only_to_set_a_pin(client, fund):
    """The usual unverified investor has no PIN (it is set after verification): the refusal of
    a purchase still leads to /me/identity/."""
    user = unverified(pin=False, card=False)
    client.force_login(user)
    url = f"/products/{fund.slug}/buy/"
    response = client.post(url, {"amount": "1000", FIELD: "a-token", "trade_pin": "135792"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [str(IDENTITY_REQUIRED)]
    assert LINK in response.content.decode()
    api = APIClient()
    api.force_authenticate(user)
    refused = api.post(
        "/api/v1/orders/",
        {"product": fund.slug, "side": "buy", "amount": "1000"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="gating-order-2",
        **PIN_HEADER,
    )
    assert refused.status_code in (400, 403)
    assert IDENTITY_URL in refused.content.decode()
    nothing_written()


# --- what is not gated -------------------------------------------------------------------


def test_browsing_and_the_questionnaire_need_no_identity(client, fund):
    user = UserFactory(identity=False)
    client.force_login(user)
    assert client.get("/products/").status_code == 200
    assert client.get(f"/products/{fund.slug}/").status_code == 200
    assert client.get("/me/risk/").status_code == 200
    answers = {f"q{q}": o for q, o in answers_scoring().items()}
    response = client.post("/me/risk/", answers)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert InvestorProfile.objects.get(user=user).risk_level is not None
    api = APIClient()
    api.force_authenticate(user)
    assert api.get("/api/v1/products/").status_code == 200
    assert api.get("/api/v1/me/questionnaire/").status_code == 200
    assert not Identity.objects.filter(user=user).exists()


def test_selling_is_not_gated(client):
    from tests.orders.test_holdings import holder

    user, fund, *_ = holder(client)
    Identity.objects.filter(user=user).delete()  # the identity is gone: selling still works
    url = f"/me/portfolio/{fund.slug}/sell/"
    html = client.get(url, {"units": "100"}).content.decode()
    response = client.post(url, {"units": "100", FIELD: token_from(html), "trade_pin": TRADE_PIN})
    assert response.status_code == 302
    assert Order.objects.filter(user=user, side="sell").count() == 1
    api = APIClient()
    api.force_authenticate(user)
    sold = api.post(
        "/api/v1/orders/",
        {"product": fund.slug, "side": "sell", "units": "100"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="gating-sell-1",
        **PIN_HEADER,
    )
    assert sold.status_code == 201, sold.json()
    assert Order.objects.filter(user=user, side="sell").count() == 2
