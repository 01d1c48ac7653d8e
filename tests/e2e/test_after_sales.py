"""After-sales in a real browser with a real Celery worker: an institution's editor creates a
fee-discount card and an after-purchase campaign that carries it; an investor who agreed to
offers buys the fund, end of day confirms it, and the confirmation notice and the offer arrive
in the inbox and by e-mail; the card, now in their wallet, is offered at the next checkout and
the fee shown and charged is discounted. An investor without the consent gets the notice only."""

import datetime as dt
import time
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from institutions.models import Role
from orders.campaigns import fanout
from orders.campaigns.models import InboxMessage
from orders.models import Order
from profiles.services import consent_set
from tests.e2e.test_catalogue import log_in
from tests.e2e.test_checkout import buy
from tests.e2e.test_portfolio import close_day
from tests.factories import (
    TRADE_PIN,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    investor_with_cash,
)
from tests.integration.conftest import real_worker  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def evening_of(day):
    evening = timezone.make_aware(dt.datetime.combine(day, dt.time(22, 30)))
    return max(evening, timezone.now())


def test_a_card_and_an_after_sales_offer_reach_only_the_consenting_buyer(
    new_page,
    shot,
    real_worker,  # noqa: F811
):
    fund = ProductFactory(risk_level=2, name="Harbour Steady Bond")
    MembershipFactory(
        institution=fund.institution,
        role=Role.EDITOR,
        user=UserFactory(email="editor@harbour.example"),
    )
    keen = investor_with_cash(cash="50000", email="keen@example.com")
    consent_set(user=keen, kind="marketing_offers", granted=True)
    quiet = investor_with_cash(cash="50000", email="quiet@example.com")

    # The institution: a half-fee card, granted (no code), and a campaign that carries it.
    portal = new_page()
    log_in(portal, "editor@harbour.example")
    portal.goto("/portal/coupons/new/")
    portal.select_option("select[name=kind]", "fee_discount")
    portal.fill("input[name=name]", "Half-fee card")
    portal.fill("input[name=percent_off]", "50")
    portal.check(f"input[name=products][value='{fund.slug}']")
    until = timezone.localdate() + dt.timedelta(days=60)
    portal.fill("input[name=valid_until]", until.isoformat())
    portal.fill("input[name=max_count]", "100")
    portal.fill("input[name=budget]", "5000")
    shot(portal, "coupon-form")
    portal.locator("form[method=post] [type=submit]").last.click()
    portal.wait_for_load_state()
    shot(portal, "coupon-created")
    assert "Half-fee card" in portal.content()

    portal.goto("/portal/campaigns/new/")
    portal.fill("input[name=title]", "Thank you: half the fee on your next purchase")
    portal.fill(
        "textarea[name=body]",
        "Thank you for investing in Harbour Steady Bond. Your half-fee card is in your wallet "
        "and applies to your next purchase of the fund.",
    )
    portal.check("input[name=trigger][value=after_purchase]")
    portal.select_option("select[name=product]", fund.slug)
    portal.fill("input[name=delay]", "0")
    portal.select_option("select[name=coupon]", label="Half-fee card")
    shot(portal, "campaign-form")
    portal.locator("form[method=post] [type=submit]").last.click()
    portal.wait_for_load_state()
    portal.locator("form[action$='/launch/'] [type=submit]").click()
    portal.wait_for_load_state()
    shot(portal, "campaign-launched")
    assert "Launched" in portal.content()
    assert "Half-fee card" in portal.locator("[data-campaign-coupon]").inner_text()

    # Both investors buy the fund; that evening's end of day confirms the orders.
    pages = {}
    for user in (keen, quiet):
        pages[user.email] = page = new_page()
        log_in(page, user.email)
        buy(page, fund, "10150")
    first = Order.objects.filter(product=fund).order_by("pk")
    assert first.count() == 2
    mail.outbox.clear()
    close_day(fund, first[0].trade_date, "1.0000")
    # The worker tells both (the notice needs no consent)...
    for user in (keen, quiet):
        assert wait_for(
            lambda u=user: InboxMessage.objects.filter(
                user=u, topic="order_confirmed", email_state="sent"
            ).exists()
        ), f"no confirmation notice reached {user.email}"
    # ...and beat's sweep follows the purchases up with the campaign's offer, which the worker
    # delivers (the clock stays at that evening, for the worker too, until it has).
    with mock.patch("django.utils.timezone.now", return_value=evening_of(first[0].trade_date)):
        fanout.campaign_triggers_dispatch()
        assert wait_for(
            lambda: InboxMessage.objects.filter(
                user=keen, kind="offer", email_state="sent"
            ).exists()
        ), "the offer never reached the consenting investor"
    assert not InboxMessage.objects.filter(user=quiet, kind="offer").exists()
    to_keen = [m for m in mail.outbox if m.to == [keen.email]]
    assert any("confirmed" in m.subject.lower() for m in to_keen)
    offer_mail = next(m for m in to_keen if "half the fee" in m.subject.lower())
    assert offer_mail.extra_headers["List-Unsubscribe"].startswith("<http")
    to_quiet = [m for m in mail.outbox if m.to == [quiet.email]]
    assert to_quiet
    assert not any("half the fee" in m.subject.lower() for m in to_quiet)

    keen_page = pages[keen.email]
    keen_page.goto("/me/inbox/")
    shot(keen_page, "inbox-notice-and-offer")
    assert "half the fee" in keen_page.content().lower()
    quiet_page = pages[quiet.email]
    quiet_page.goto("/me/inbox/")
    shot(quiet_page, "inbox-notice-only")
    assert "half the fee" not in quiet_page.content().lower()

    # The next purchase: checkout offers the card and the review shows the discounted fee.
    keen_page.goto("/me/coupons/")
    shot(keen_page, "wallet")
    assert "Half-fee card" in keen_page.content()
    keen_page.goto(f"/products/{fund.slug}/buy/?amount=10150")
    shot(keen_page, "checkout-with-card")
    assert keen_page.locator("[data-discounted-fee]").inner_text() == "CNY 75.56"
    assert keen_page.locator("[data-list-fee]").inner_text() == "CNY 150.00"
    keen_page.locator("#id_trade_pin").fill(TRADE_PIN)
    keen_page.locator("form[method=post]:has(input[name=form_token]) [type=submit]").first.click()
    keen_page.wait_for_load_state()
    second = Order.objects.filter(user=keen).latest("pk")
    assert second.discount == Decimal("74.44")
    close_day(fund, second.trade_date, "1.0000")
    second.refresh_from_db()
    assert (second.status, second.fee) == ("confirmed", Decimal("75.56"))
    keen_page.goto(f"/me/orders/{second.pk}/")
    shot(keen_page, "order-with-discount")
    assert "75.56" in keen_page.content()
