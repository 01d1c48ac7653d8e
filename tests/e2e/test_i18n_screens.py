"""Issue 14 screenshots in Chinese (a browser with locale zh-CN): an investor's plan page, inbox
and coupon wallet, and an institution's campaign form. ``var/screenshots/<test>/``; look at
them. The page text must be Chinese: no sentence of the page is left in English."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from institutions.models import Role
from orders.campaigns.inbox import notice_post
from orders.campaigns.models import Topic
from orders.coupons.models import GrantSource
from orders.coupons.services import coupon_grant_many
from orders.plans import services as plans
from products.models import NavPrice
from tests.e2e.conftest import Shooter
from tests.e2e.test_catalogue import log_in
from tests.factories import MembershipFactory, ProductFactory, UserFactory, investor_with_cash
from tests.orders.coupons.factories import make_coupon

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
D = dt.date
# Three or more English words in a row in the main content: a sentence left untranslated.
ENGLISH_RUN = re.compile(r"\b[A-Za-z]{2,}(?:[ ,][A-Za-z]{2,}){3,}")


def chinese_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 860}
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


def english_left(page, allowed=()) -> list[str]:
    text = page.locator("main").inner_text()
    for name in allowed:
        text = text.replace(name, "")
    return ENGLISH_RUN.findall(text)


def test_the_investors_pages_in_chinese(browser, live_server, request, clock):
    shot = Shooter(request.node.name)
    investor = investor_with_cash(cash="20000", email="zh@example.com")
    fund = ProductFactory(risk_level=2, name="Harbour Steady Bond", min_purchase=Decimal("100"))
    for offset in range(-45, 1):
        NavPrice.objects.create(
            product=fund, date=clock.today + dt.timedelta(days=offset), nav=Decimal("1.0200")
        )
    plan, _ = plans.plan_create(
        user=investor,
        product=fund,
        amount="1000",
        frequency="monthly",
        day=1,
        start_date=clock.today + dt.timedelta(days=1),
    )
    notice_post(
        user_id=investor.pk,
        topic=Topic.PLAN_SKIPPED,
        subject_key="demo",
        title="定投扣款未执行：Harbour Steady Bond",
        body="您的定投未能于 2026-12-01 申购……",
    )
    card = make_coupon(product=fund, name="Half-fee card", valid_until=D(2026, 12, 31))
    coupon_grant_many(coupon=card, user_ids=[investor.pk], source=GrantSource.OFFER)
    context, page = chinese_page(browser, live_server)
    names = ("Harbour Steady Bond", "Half-fee card", fund.institution.name)
    try:
        log_in(page, "zh@example.com")
        for url, step in (
            (f"/me/plans/{plan.pk}/", "plan"),
            ("/me/plans/", "plans"),
            ("/me/inbox/", "inbox"),
            ("/me/coupons/", "coupons"),
        ):
            page.goto(url)
            shot(page, step)
            assert english_left(page, names) == [], step
    finally:
        context.close()


def test_the_portal_campaign_form_in_chinese(browser, live_server, request):
    shot = Shooter(request.node.name)
    fund = ProductFactory(risk_level=2, name="Harbour Steady Bond")
    MembershipFactory(
        institution=fund.institution, role=Role.EDITOR, user=UserFactory(email="ed@harbour.example")
    )
    context, page = chinese_page(browser, live_server)
    try:
        log_in(page, "ed@harbour.example")
        page.goto("/portal/campaigns/new/")
        shot(page, "campaign-form")
        page.goto("/portal/campaigns/")
        shot(page, "campaigns")
        page.goto("/portal/coupons/")
        shot(page, "coupons")
    finally:
        context.close()
