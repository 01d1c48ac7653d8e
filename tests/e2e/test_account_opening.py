"""Opening an investor account in a real browser (issue 12).

A new investor signs up, takes the risk questionnaire, verifies their identity with a sandbox
resident ID, binds the sandbox card, sets the trade PIN, tops up and buys a fund with the PIN;
then five wrong PINs lock confirmation and nothing more is bought or withdrawn. A minor's
resident ID is refused with the age message and nothing saved; the identity page's failed and
in-review states; an investor of 70 sees the elderly-investor warning.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import CashAccount, Order, Payment
from profiles.identity.ages import ELDERLY_WARNING
from profiles.models import Identity, InvestorProfile, TradePin, User
from tests.e2e.test_cash import top_up
from tests.e2e.test_catalogue import log_in
from tests.e2e.test_checkout import buy
from tests.e2e.test_investor import answer_questionnaire
from tests.e2e.test_onboarding import sign_up_and_verify
from tests.factories import (
    TRADE_PIN,
    IdentityFactory,
    NavPriceFactory,
    ProductFactory,
    UserFactory,
    give_trade_pin,
    resident_id,
    sandbox_card_number,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WRONG_PIN = "135792"


def years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    if (today.month, today.day) == (2, 29):
        today -= dt.timedelta(days=1)  # that year may have no 29 February
    return today.replace(year=today.year - years)


def fund_with_navs(**fields):
    """A published R2 bond fund with a NAV for each of the last ten weekdays."""
    fund = ProductFactory(risk_level=2, **fields)
    day, nav = timezone.localdate(), Decimal("1.0000")
    for _ in range(14):
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            nav += Decimal("0.0012")
            NavPriceFactory(product=fund, date=day, nav=nav)
    return fund


def verify_identity(page, shot, *, name: str, number: str, step: str) -> None:
    page.goto("/me/identity/")
    page.fill("input[name=legal_name]", name)
    page.check("input[name=document_type][value=resident_id]")
    page.fill("input[name=document_number]", number)
    shot(page, f"{step}-filled")
    page.locator("#identity-submit").click()
    page.wait_for_load_state()
    shot(page, step)


def confirm_with_pin(page, pin: str) -> None:
    page.locator("#id_trade_pin").fill(pin)
    page.locator("form[method=post]:has(input[name=form_token]) [type=submit]").first.click()
    page.wait_for_load_state()


def withdraw(page, amount: str, pin: str) -> None:
    page.goto("/me/cash/")
    form = page.locator("form[action='/me/cash/withdraw/']")
    form.locator("input[name=amount]").fill(amount)
    form.locator("#id_trade_pin").fill(pin)
    form.locator("[type=submit]").first.click()
    page.wait_for_load_state()


def test_new_investor_verifies_binds_a_card_sets_the_pin_buys_and_is_locked_after_five_wrong_pins(
    new_page, shot
):
    fund = fund_with_navs(name="Harbour Steady Bond", slug="harbour-steady-bond")
    page = new_page()

    # 1. Sign up with e-mail and password, confirm the address.
    sign_up_and_verify(page, shot, "wang.fang@example.com", "investor")
    user = User.objects.get(email="wang.fang@example.com")
    page.goto("/me/")
    shot(page, "home-new-investor")

    # 2. The risk questionnaire needs no verified identity.
    page.goto("/me/risk/")
    answer_questionnaire(page, position=2)  # C3
    page.locator("form:has(input[type=radio]) [type=submit]").first.click()
    page.wait_for_load_state()
    shot(page, "risk-result")
    assert InvestorProfile.objects.get(user=user).risk_level == 3

    # Before verification: no card, no PIN, no top-up.
    page.goto("/me/security/")
    shot(page, "security-no-identity")
    assert page.locator("#pin-needs-identity").is_visible()
    page.goto("/me/cards/")
    shot(page, "cards-before-identity")
    assert page.locator("#cards-identity-required").is_visible()

    # 3. Verify the identity with a sandbox resident ID.
    page.goto("/me/identity/")
    shot(page, "identity-form")
    number = resident_id(dt.date(1985, 6, 1), 123)
    verify_identity(page, shot, name="王芳", number=number, step="identity-verified")
    identity = Identity.objects.get(user=user)
    assert identity.status == "verified"
    assert identity.date_of_birth == dt.date(1985, 6, 1)
    status = page.locator("[data-identity-status=verified]")
    assert f"•••• {number[-4:]}" in status.inner_text()
    assert "China" in status.inner_text()  # the nationality's name, not its code
    assert number not in page.content()

    # 4. Bind the sandbox card.
    page.goto("/me/cards/")
    shot(page, "cards-empty")
    page.locator("#card-number").fill(sandbox_card_number("ok"))
    page.locator("#card-bind-submit").click()
    page.wait_for_load_state()
    shot(page, "card-bound")
    assert "•••• 0015" in page.locator("#my-cards").inner_text()
    assert "6222020000000015" not in page.locator("#my-cards").inner_text()

    # 5. Set the trade PIN (a trivial one is refused first).
    page.goto("/me/security/")
    shot(page, "security-no-pin")
    page.fill("input[name=pin]", "123456")
    page.fill("input[name=pin_again]", "123456")
    page.locator("#pin-set-form [type=submit]").click()
    page.wait_for_load_state()
    shot(page, "pin-trivial-refused")
    assert not TradePin.objects.filter(user=user).exclude(pin_hash="").exists()
    page.fill("input[name=pin]", TRADE_PIN)
    page.fill("input[name=pin_again]", TRADE_PIN)
    page.locator("#pin-set-form [type=submit]").click()
    page.wait_for_load_state()
    shot(page, "security-pin-set")
    assert page.locator("[data-pin-state=set]").is_visible()

    # 6. Top up from the card, buy the fund with the PIN.
    top_up(page, "5000", "0015")
    shot(page, "topped-up")
    assert CashAccount.objects.get(user=user).balance == Decimal("5000.00")
    buy(page, fund, "1000")
    shot(page, "order-placed")
    order = Order.objects.get(user=user, product=fund)
    assert f"/me/orders/{order.pk}/" in page.url
    assert CashAccount.objects.get(user=user).balance == Decimal("4000.00")

    # 7. Four wrong PINs at the checkout: each says how many attempts are left.
    for left in (4, 3, 2, 1):
        page.goto(f"/products/{fund.slug}/buy/?amount=500")
        confirm_with_pin(page, WRONG_PIN)
        assert page.locator("#trade-pin-error").is_visible()
        assert f"{left} attempt" in page.locator("#trade-pin-error").inner_text()
        if left in (4, 1):
            shot(page, f"checkout-wrong-pin-{left}-left")

    # The fifth, on a withdrawal, locks it; the page says until when.
    withdraw(page, "100", WRONG_PIN)
    shot(page, "withdrawal-pin-locked")
    error = page.locator("#trade-pin-error").inner_text()
    record = TradePin.objects.get(user=user)
    assert record.locked_until is not None
    until = timezone.localtime(record.locked_until).strftime("%Y-%m-%d %H:%M")
    assert "locked until" in error
    assert "Beijing time" in error
    assert until in error

    # Locked: even the right PIN buys nothing now.
    page.goto(f"/products/{fund.slug}/buy/?amount=500")
    confirm_with_pin(page, TRADE_PIN)
    shot(page, "checkout-locked")
    assert "locked until" in page.locator("#trade-pin-error").inner_text()
    page.goto("/me/security/")
    shot(page, "security-locked")
    assert page.locator("#pin-locked").is_visible()
    assert page.locator("#pin-change").count() == 0  # changing needs the locked PIN
    assert until in page.locator("#pin-locked").inner_text()

    assert Order.objects.filter(user=user).count() == 1
    assert CashAccount.objects.get(user=user).balance == Decimal("4000.00")
    assert Payment.objects.filter(user=user, direction="withdrawal").count() == 0
    assert page.csp_errors == []


def test_a_minors_resident_id_is_refused_and_failed_and_review_states_show(new_page, shot):
    user = UserFactory(email="young@example.com", identity=False)
    page = new_page()
    log_in(page, "young@example.com")

    born = years_ago(15)
    verify_identity(
        page, shot, name="李明", number=resident_id(born, 123), step="identity-minor-refused"
    )
    # next to the number, which holds the date of birth; nothing was saved
    assert "must be 18 or over" in page.locator("#id_document_number_error").inner_text()
    assert page.locator("#identity-not-saved").is_visible()
    assert not Identity.objects.filter(user=user).exists()

    # The sandbox fails a number whose sequence is 999 ...
    verify_identity(
        page,
        shot,
        name="李明",
        number=resident_id(dt.date(1990, 3, 7), 999),
        step="identity-failed",
    )
    assert Identity.objects.get(user=user).status == "failed"
    assert page.locator("[data-identity-status=failed]").is_visible()
    assert page.locator("input[name=legal_name]").input_value() == "李明"  # kept to correct
    assert page.locator("input[name=document_number]").input_value() == ""

    # ... and sends one whose sequence is 998 to a manual review.
    verify_identity(
        page,
        shot,
        name="李明",
        number=resident_id(dt.date(1990, 3, 7), 998),
        step="identity-in-review",
    )
    assert Identity.objects.get(user=user).status == "review"
    assert page.locator("[data-identity-status=review]").is_visible()
    assert page.locator("#identity-form").count() == 0
    page.goto("/me/cards/")
    shot(page, "cards-identity-in-review")
    assert "being reviewed" in page.locator("#cards-identity-required").inner_text()
    assert page.locator("#card-bind-submit").is_disabled()
    page.goto("/me/security/")
    shot(page, "security-identity-in-review")
    assert "being reviewed" in page.locator("#pin-needs-identity").inner_text()
    assert page.csp_errors == []


def test_an_investor_of_seventy_sees_the_elderly_warning(new_page, shot):
    born = years_ago(70)
    user = UserFactory(email="grandpa@example.com", trade_pin=True)
    IdentityFactory(
        user=user,
        legal_name="张伟",
        document_number=resident_id(born, 321),
        date_of_birth=born,
    )
    InvestorProfile.objects.create(
        user=user, risk_level=3, assessment_valid_until=dt.date(2030, 1, 1)
    )
    fund = fund_with_navs(name="Harbour Steady Bond", slug="harbour-steady-bond")
    page = new_page()
    log_in(page, "grandpa@example.com")

    page.goto("/me/risk/")
    shot(page, "elderly-questionnaire")
    assert page.locator("[data-elderly-warning]").first.is_visible()
    answer_questionnaire(page, position=4)  # scores above C3: capped
    page.locator("form:has(input[type=radio]) [type=submit]").first.click()
    page.wait_for_load_state()
    shot(page, "elderly-risk-result")
    assert str(ELDERLY_WARNING)[:40] in page.locator("[data-elderly-warning]").first.inner_text()
    assert InvestorProfile.objects.get(user=user).risk_level <= 3

    page.goto("/me/identity/")
    shot(page, "elderly-identity-verified")
    page.goto(f"/products/{fund.slug}/buy/?amount=1000")
    shot(page, "elderly-checkout")
    assert page.locator("[data-elderly-warning]").first.is_visible()
    assert page.csp_errors == []


def test_a_verified_investor_with_a_pin_on_a_phone(new_page, shot):
    """The security, identity, cards and cash pages of an investor who is all set, on a phone."""
    user = UserFactory(email="has.pin@example.com")
    give_trade_pin(user)
    page = new_page(width=390, height=844)  # on a phone
    log_in(page, "has.pin@example.com")
    page.goto("/me/security/")
    shot(page, "phone-security-pin-set")
    assert page.locator("[data-pin-state=set]").is_visible()
    page.goto("/me/identity/")
    shot(page, "phone-identity-verified")
    page.goto("/me/cards/")
    shot(page, "phone-cards")
    page.goto("/me/cash/")
    shot(page, "phone-cash")
    assert page.csp_errors == []
