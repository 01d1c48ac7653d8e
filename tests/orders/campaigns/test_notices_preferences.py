"""Notification preferences: the optional notices' e-mails can be turned off (the inbox copy
always arrives); the ones that protect money or rights cannot. Page /me/notifications/ and
GET/PATCH /api/v1/me/notifications/."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from orders import services
from orders.campaigns import notices
from orders.campaigns.models import EmailState, InboxMessage, Topic
from orders.campaigns.notice_models import NotificationPreferences
from products.models import NavPrice, ProductKind
from tests.factories import ProductFactory, UserFactory, investor_with_cash

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/notifications/"
PAGE = "/me/notifications/"
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def api(investor):
    client = Client()
    client.force_login(investor)
    return client


def patch(client, body):
    return client.patch(URL, body, content_type="application/json")


def test_an_email_turned_off_still_leaves_the_notice_in_the_inbox(
    investor, clock, django_capture_on_commit_callbacks
):
    notices.preferences_update(user=investor, email={Topic.ORDER_CONFIRMED: False})
    other = investor_with_cash()
    fund = ProductFactory()
    deposit = ProductFactory(kind=ProductKind.SAVINGS, fund_type="", code=None, risk_level=1)
    for user in (investor, other):
        services.order_place(user=user, product=fund, side="buy", amount="1000")
    services.order_place(user=investor, product=deposit, side="buy", amount="1000")
    NavPrice.objects.create(product=fund, date=MONDAY, nav=Decimal("1.0000"))
    clock.set(MONDAY, 22)
    with django_capture_on_commit_callbacks(execute=True):
        services.end_of_day(run_date=MONDAY)

    mine = InboxMessage.objects.filter(user=investor, topic=Topic.ORDER_CONFIRMED)
    assert mine.count() == 2
    assert {m.email_state for m in mine} == {EmailState.NONE}
    theirs = InboxMessage.objects.get(user=other, topic=Topic.ORDER_CONFIRMED)
    assert theirs.email_state == EmailState.SENT
    assert [m.to for m in mail.outbox] == [[other.email]]

    # A notice that protects the investor's money is e-mailed whatever they chose.
    with django_capture_on_commit_callbacks(execute=True):
        notices.preferences_update(user=investor, email={Topic.REDEMPTION_PAID: False})
        notices.notices_due(today=dt.date(2027, 11, 20))
    maturing = InboxMessage.objects.get(user=investor, topic=Topic.SAVINGS_MATURING)
    assert maturing.email_state == EmailState.SENT


def test_the_api_reads_and_turns_optional_emails_off_and_on(api, investor):
    body = api.get(URL).json()
    assert body == {
        "order_confirmed": True,
        "redemption_paid": True,
        "assessment_expiring": True,
        "always_emailed": list(notices.ALWAYS_EMAILED),
    }
    response = patch(api, {"order_confirmed": False, "assessment_expiring": False})
    assert response.status_code == 200
    assert response.json()["order_confirmed"] is False
    assert response.json()["redemption_paid"] is True
    assert patch(api, {"order_confirmed": True}).json()["order_confirmed"] is True
    assert patch(api, {}).json()["assessment_expiring"] is False  # nothing asked, nothing changed
    assert notices.preferences_of(user=investor)[Topic.ASSESSMENT_EXPIRING] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"savings_maturing": False}, "savings_maturing"),
        ({"risk_raised": "no"}, "risk_raised"),
        ({"order_confirmed": "perhaps"}, "order_confirmed"),
        ({"order_confirmed": None}, "order_confirmed"),
        ({"order_confirmed": [True]}, "order_confirmed"),
        ({"redemption_paid": "<script>"}, "redemption_paid"),
        ({"order_confirmed": False, "cooling_off_ending": False}, "cooling_off_ending"),
    ],
)
def test_bad_input_is_a_clear_400_and_changes_nothing(api, investor, body, field):
    response = patch(api, body)
    assert response.status_code == 400
    assert field in response.json()
    assert not NotificationPreferences.objects.filter(user=investor).exists()


@pytest.mark.parametrize("raw", ["[]", "true", '"x"', "{not json", "\x00"])
def test_a_body_that_is_not_an_object_is_a_400(api, investor, raw):
    response = api.patch(URL, raw, content_type="application/json")
    assert response.status_code == 400
    assert not NotificationPreferences.objects.filter(user=investor).exists()


def test_an_always_emailed_notice_may_be_asked_to_stay_on(api):
    assert patch(api, {"savings_matured": True}).status_code == 200


def test_the_page_and_the_api_need_a_signed_in_investor_and_serve_only_their_own(investor):
    anonymous = Client()
    assert anonymous.get(PAGE)["Location"].startswith("/accounts/login/")
    assert anonymous.get(URL).status_code in (401, 403)
    assert patch(anonymous, {"order_confirmed": False}).status_code in (401, 403)
    notices.preferences_update(user=investor, email={Topic.ORDER_CONFIRMED: False})
    someone = Client()
    someone.force_login(UserFactory())
    assert someone.get(URL).json()["order_confirmed"] is True
    patch(someone, {"redemption_paid": False})
    assert notices.preferences_of(user=investor)[Topic.REDEMPTION_PAID] is True


def test_the_page_says_which_emails_are_optional_and_saves_them_without_javascript(api, investor):
    page = api.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    for label in ("Order confirmed", "Money paid into your cash", "Risk assessment expiring"):
        assert label in text
    assert "Always e-mailed" in text
    assert "Deposit maturing soon" in text
    assert "Product risk level raised" in text
    assert 'href="/me/profile/#consents"' in text  # offers' consent stays on the profile page
    assert 'href="/me/inbox/"' in text

    # Unticked boxes are not sent by a browser: only redemption_paid stays on.
    saved = api.post(PAGE, {Topic.REDEMPTION_PAID: "on"})
    assert saved.status_code == 302
    assert notices.preferences_of(user=investor) == {
        Topic.ORDER_CONFIRMED: False,
        Topic.REDEMPTION_PAID: True,
        Topic.ASSESSMENT_EXPIRING: False,
    }
    form = api.get(PAGE).context["form"]
    assert [name for name, field in form.fields.items() if form[name].value()] == [
        Topic.REDEMPTION_PAID
    ]


def test_the_inbox_and_the_account_tabs_link_to_the_page(api):
    inbox = api.get("/me/inbox/").content.decode()
    assert inbox.count(f'href="{PAGE}"') >= 2  # the tab and the line under the messages
