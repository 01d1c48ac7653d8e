"""The main journeys in Chinese, in a real browser (issue 14).

One browser context whose locale is zh-CN (so it sends ``Accept-Language: zh-CN``) walks the
home page, the sign-up page and the catalogue as a visitor; an investor with cash chooses 中文 in
the header (saved on the account), opens a product, checks out and sees the portfolio; an editor
opens the portal's product list; staff (with MFA) open the review queue. Each page's heading
is Chinese and each is screenshotted. Staff then press "EN": the same page is English. Finally
a fresh context whose browser asks for English signs the investor in again: their saved 中文 is
back.

The pages are fully Chinese only with every area's translations compiled (``make messages``);
the assertions here need only the shell's and each page's heading.
"""

import datetime as dt
import re
import shutil
import subprocess

import pytest

from institutions.models import Role
from orders import services
from orders.models import Order
from profiles.models import InvestorProfile
from tests.e2e.test_catalogue import log_in
from tests.factories import (
    TOTP_SECRET,
    TRADE_PIN,
    InstitutionFactory,
    MembershipFactory,
    ProductFactory,
    StaffFactory,
    UserFactory,
    bound_card,
)


def _has_cjk_fonts() -> bool:
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return False
    fonts = subprocess.run(  # noqa: S603 - a fixed system command, no input
        [fc_list], capture_output=True, text=True, check=False
    ).stdout
    return "noto sans cjk" in fonts.lower()


pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not _has_cjk_fonts(),
        reason="fonts-noto-cjk is not installed: Chinese pages would render as boxes "
        "(apt-get install fonts-noto-cjk)",
    ),
]

CJK = re.compile(r"[\u4e00-\u9fff]")


def context_page(browser, live_server, locale: str):
    context = browser.new_context(
        base_url=live_server.url, locale=locale, viewport={"width": 1280, "height": 860}
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


def heading(page) -> str:
    return page.locator("main h1").first.inner_text()


class Chinese:
    """Checks that a page is in Chinese; collects every page that is not, so one run names
    them all (the test fails at the end if any)."""

    def __init__(self):
        self.problems: list[str] = []

    def __call__(self, page, what: str, part: str = "main h1"):
        """``part``: the element whose text must be Chinese (the heading unless it is data,
        such as a product's name)."""
        lang = page.locator("html").get_attribute("lang")
        if lang != "zh-hans":
            self.problems.append(f"{what}: <html lang={lang!r}>")
        text = page.locator(part).first.inner_text()
        if not CJK.search(text):
            self.problems.append(f"{what}: {part} {text!r} is not Chinese")
        link = page.locator(".site-nav a[href='/products/']").first.inner_text()
        if not CJK.search(link):
            self.problems.append(f"{what}: header link {link!r} is not Chinese")


def log_out(page):
    page.locator("form[action='/accounts/logout/'] [type=submit]").first.click()
    page.wait_for_load_state()


def test_main_journeys_in_chinese_then_english_and_the_saved_language_returns(
    browser, live_server, shot
):
    investor = UserFactory(email="touzi@example.com", trade_pin=True)
    InvestorProfile.objects.create(
        user=investor, risk_level=3, assessment_valid_until=dt.date(2030, 1, 1)
    )
    services.deposit_start(user=investor, amount="50000", card=bound_card(investor))
    institution = InstitutionFactory(name="Harbour Funds", slug="harbour-funds")
    product = ProductFactory(risk_level=2, name="Harbour Steady Bond", institution=institution)
    ProductFactory.create_batch(2)
    MembershipFactory(
        institution=institution, role=Role.EDITOR, user=UserFactory(email="ed@harbour.example")
    )
    StaffFactory(email="reviewer@fortune.example")

    assert_chinese = Chinese()
    context, page = context_page(browser, live_server, "zh-CN")
    try:
        # A visitor: Accept-Language zh-CN picks Chinese.
        page.goto("/")
        shot(page, "home")
        assert_chinese(page, "home")
        page.goto("/accounts/signup/")
        shot(page, "signup")
        assert_chinese(page, "sign-up")
        page.goto("/products/")
        shot(page, "catalogue")
        assert_chinese(page, "catalogue")

        # The investor signs in and chooses 中文 in the header: saved on the account.
        log_in(page, "touzi@example.com")
        page.locator("button[name=language][value=zh-hans]").click()
        page.wait_for_load_state()
        investor.refresh_from_db()
        assert investor.language == "zh-hans"

        page.goto(f"/products/{product.slug}/")
        shot(page, "product")
        assert_chinese(page, "product page", f"main a[href='/products/{product.slug}/buy/']")
        assert "¥" in page.locator("main").inner_text()

        page.locator(f"a[href='/products/{product.slug}/buy/']").first.click()
        page.wait_for_load_state()
        page.locator(
            "form[method=get] input[name=amount], form:not([method=post]) input[name=amount]"
        ).first.fill("10000")
        page.locator("form:has(input[name=amount]) [type=submit]").first.click()
        page.wait_for_load_state()
        shot(page, "checkout-review")
        assert_chinese(page, "checkout review")
        page.locator("#id_trade_pin").fill(TRADE_PIN)
        page.locator("form[method=post]:has(input[name=form_token]) [type=submit]").first.click()
        page.wait_for_load_state()
        shot(page, "order-placed")
        assert Order.objects.filter(product=product, user=investor).exists()
        assert_chinese(page, "order placed")

        page.goto("/me/portfolio/")
        shot(page, "portfolio")
        assert_chinese(page, "portfolio")
        log_out(page)

        # An editor: the portal's product list.
        log_in(page, "ed@harbour.example")
        page.goto("/portal/products/")
        shot(page, "portal-products")
        assert_chinese(page, "portal product list")
        log_out(page)

        # Staff, with MFA: the review queue; then "EN" in the header.
        log_in(page, "reviewer@fortune.example", TOTP_SECRET)
        page.goto("/staff/products/")
        shot(page, "staff-queue")
        assert_chinese(page, "staff review queue")
        page.locator("button[name=language][value=en]").click()
        page.wait_for_load_state()
        shot(page, "staff-queue-english")
        assert page.url.endswith("/staff/products/")
        assert page.locator("html").get_attribute("lang") == "en"
        assert not CJK.search(heading(page)), heading(page)
        assert page.locator(".site-nav a[href='/products/']").first.inner_text() == "Products"
    finally:
        context.close()

    # A fresh browser that asks for English: the investor's saved language comes back.
    context, page = context_page(browser, live_server, "en-US")
    try:
        page.goto("/products/")
        assert page.locator("html").get_attribute("lang") == "en"
        log_in(page, "touzi@example.com")
        page.goto("/me/portfolio/")
        shot(page, "portfolio-new-device")
        assert_chinese(page, "portfolio on a new device")
    finally:
        context.close()
    assert assert_chinese.problems == []
