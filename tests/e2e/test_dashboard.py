"""The business dashboards in a real browser: an institution's editor sees /portal/ with its
figures and charts, staff see /staff/ with the platform's figures and the review queues, on a
desktop and on a phone (screenshots in var/screens/board-*.png)."""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from institutions.models import InstitutionStatus, Role
from marketplace.dates import add_months, month_start
from orders.campaigns.models import CampaignStatus, InboxMessage, MessageKind, Topic
from orders.models import OrderStatus, Side
from products.models import ProductKind, ProductPageViewDay, ProductStatus
from tests.e2e.test_catalogue import log_in
from tests.factories import (
    TOTP_SECRET,
    InstitutionFactory,
    MembershipFactory,
    ProductFactory,
    StaffFactory,
    UserFactory,
)
from tests.orders.campaigns.factories import CampaignFactory
from tests.orders.factories import HoldingFactory, OrderFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHANGHAI = ZoneInfo("Asia/Shanghai")
SCREENS = Path(settings.BASE_DIR) / "var" / "screens"
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


def _business():
    """A year of an institution's business, with views, holdings and a campaign."""
    today = timezone.localdate()
    harbour = InstitutionFactory(name="Harbour Fund Management")
    rival = InstitutionFactory(name="Rival Funds")
    bond = ProductFactory(
        institution=harbour, name="Harbour Steady Bond", latest_nav=Decimal("1.0834")
    )
    mixed = ProductFactory(
        institution=harbour, name="Harbour Balanced Mixed", latest_nav=Decimal("1.4210")
    )
    deposit = ProductFactory(
        institution=harbour, name="Harbour 12-month Deposit", kind=ProductKind.SAVINGS
    )
    rival_fund = ProductFactory(
        institution=rival, name="Rival Growth Equity", latest_nav=Decimal("2.1")
    )
    investors = [UserFactory() for _ in range(6)]
    first = month_start(today)
    for i in range(12):
        month = add_months(first, -i)
        for j, (product, amount) in enumerate(((bond, 4000), (mixed, 2500), (deposit, 6000))):
            day = month + dt.timedelta(days=min(3 + j * 5, 27))
            if day > today:
                day = today
            OrderFactory(
                product=product,
                user=investors[(i + j) % 5],
                status=OrderStatus.CONFIRMED,
                amount=Decimal(amount + 700 * ((i * 7 + j * 3) % 6)),
                placed_at=_at(day),
            )
        if i % 3 == 1:
            OrderFactory(
                product=bond,
                user=investors[i % 5],
                side=Side.SELL,
                status=OrderStatus.SETTLED,
                amount=Decimal(1500 + 400 * i),
                placed_at=_at(month + dt.timedelta(days=12)),
            )
    OrderFactory(
        product=bond, user=investors[5], amount=Decimal("8800.00"), placed_at=_at(today, 9)
    )
    OrderFactory(
        product=mixed,
        user=investors[1],
        side=Side.SELL,
        status=OrderStatus.CONFIRMED,
        amount=Decimal("1250.00"),
        placed_at=_at(today, 11),
    )
    OrderFactory(
        product=rival_fund, user=investors[0], amount=Decimal("99999.00"), placed_at=_at(today)
    )
    for k, user in enumerate(investors):
        HoldingFactory(
            user=user, product=bond, units=Decimal(3000 + 500 * k), cost=Decimal(3000 + 500 * k)
        )
        HoldingFactory(user=user, product=deposit, units=Decimal(6000), cost=Decimal(6000))
    HoldingFactory(
        user=investors[0], product=mixed, units=Decimal("4200.00"), cost=Decimal("5000.00")
    )
    for offset in range(30):
        day = today - dt.timedelta(days=offset)
        for product, base in ((bond, 40), (mixed, 25), (deposit, 18), (rival_fund, 500)):
            ProductPageViewDay.objects.create(product=product, day=day, views=base + offset % 7)
    campaign = CampaignFactory(
        institution=harbour,
        title="A lower fee on Harbour Steady Bond",
        status=CampaignStatus.SENT,
        launched_at=_at(today - dt.timedelta(days=6)),
    )
    for k, user in enumerate(investors):
        InboxMessage.objects.create(
            user=user,
            kind=MessageKind.OFFER,
            topic=Topic.OFFER,
            subject_key=f"campaign:{campaign.pk}",
            title=campaign.title,
            body="…",
            campaign=campaign,
            read_at=_at(today) if k % 2 else None,
        )
    return harbour


def _look(page, url: str, name: str) -> None:
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(url)
        page.wait_for_load_state()
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / f"board-{name}-{size}.png"), full_page=True)
        if size == "phone":  # the full page shrinks to nothing when viewed: screens too
            height_px = page.evaluate("document.documentElement.scrollHeight")
            for n, top in enumerate(range(0, min(height_px, 6 * 800), 800)):
                page.evaluate(f"window.scrollTo(0, {top})")
                page.screenshot(path=str(SCREENS / f"board-{name}-{size}-{n + 1}.png"))
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not overflow, f"{name} scrolls sideways at {width}px"


def test_the_editor_sees_the_business_dashboard_with_charts(new_page):
    harbour = _business()
    MembershipFactory(
        institution=harbour, role=Role.EDITOR, user=UserFactory(email="editor@harbour.example")
    )
    page = new_page()
    log_in(page, "editor@harbour.example")

    _look(page, "/portal/", "portal")

    text = page.content()
    assert "Subscriptions today" in text
    assert "Harbour Steady Bond" in text
    assert "A lower fee on Harbour Steady Bond" in text
    assert "Rival Growth Equity" not in text
    assert page.locator("svg.bars__plot rect").count() >= 12
    assert page.locator("svg.board__meter").count() == 3
    page.locator("summary", has_text="Figures by month").click()
    assert page.locator(".bars__details table tbody tr").count() == 12
    assert page.csp_errors == []


def test_staff_see_the_platform_and_the_review_queues(new_page):
    _business()
    InstitutionFactory(name="Newcomer Securities", status=InstitutionStatus.APPLIED)
    ProductFactory(name="Waiting Fund", status=ProductStatus.IN_REVIEW, published_at=None)
    StaffFactory(email="reviewer@fortune.example")
    page = new_page()
    log_in(page, "reviewer@fortune.example", TOTP_SECRET)

    _look(page, "/staff/", "staff")

    text = page.content()
    assert "Waiting for a decision" in text
    assert "Top institutions this month" in text
    assert "Harbour Fund Management" in text
    queue = page.locator("a.board__queue", has_text="Product reviews")
    assert queue.locator(".board__queue-count").inner_text() == "1"
    queue.click()
    page.wait_for_load_state()
    assert page.url.endswith("/staff/products/")
    assert page.csp_errors == []
