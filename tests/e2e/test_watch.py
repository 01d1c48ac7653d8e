"""The watchlist in a real browser: an investor watches a fund from its page and sets a
"NAV at or above" alert; the institution's editor uploads a NAV on the portal that crosses it;
the check runs after the upload commits (Celery, eager in tests) and the investor finds the
alert in the inbox, once. Screenshots on a desktop and a 390 px phone: var/screens/watch-*.png."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from institutions.models import InstitutionType, Role
from orders.campaigns.models import InboxMessage, Topic
from orders.insight.models import Alert, WatchItem
from products.services.stats import product_stats_refresh
from tests.e2e.test_catalogue import log_in
from tests.e2e.test_i18n_screens import chinese_page, english_left
from tests.factories import (
    InstitutionFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    set_nav,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENS = Path(settings.BASE_DIR) / "var" / "screens"


def screen(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"watch-{name}.png"), full_page=True)


def _weekdays_before(day: dt.date, count: int) -> list[dt.date]:
    days = []
    while len(days) < count:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return sorted(days)


def test_a_watched_fund_alerts_the_investor_once_when_its_nav_crosses_the_line(
    new_page, browser, live_server
):
    institution = InstitutionFactory(
        name="Harbour Funds", slug="harbour-funds", type=InstitutionType.FUND_COMPANY
    )
    MembershipFactory(
        institution=institution, role=Role.EDITOR, user=UserFactory(email="ed@harbour.example")
    )
    fund = ProductFactory(
        institution=institution, name="Harbour Steady Bond", slug="harbour-steady-bond"
    )
    ProductFactory(institution=institution, name="Harbour Equity Growth", risk_level=4)
    *history, upload_day = _weekdays_before(timezone.localdate(), 6)
    for i, day in enumerate(history):
        set_nav(fund, day, Decimal("1.0400") + Decimal(i) / 1000)
    product_stats_refresh(product=fund)
    UserFactory(email="watcher@example.com")

    # 1. The investor watches the fund from its page.
    page = new_page()
    log_in(page, "watcher@example.com")
    page.goto(f"/products/{fund.slug}/")
    page.locator(".product-hero .watch-button button").click()
    page.wait_for_load_state()
    assert page.locator(".product-hero .watch-button button[aria-pressed=true]").is_visible()
    screen(page, "product-watching")
    assert WatchItem.objects.filter(product=fund).count() == 1

    # 2. … and sets an alert for a NAV at or above 1.0500 on the watchlist page.
    page.goto("/me/watchlist/")
    item = page.locator(f"#watch-{fund.slug}")
    item.locator("select[name=kind]").select_option("nav_above")
    item.locator("input[name=threshold]").fill("1.0500")
    item.locator(".watch-alert-form [type=submit]").click()
    page.wait_for_load_state()
    assert "NAV at or above 1.0500" in page.locator(f"#watch-{fund.slug}").inner_text()
    screen(page, "watchlist-alert-set")
    assert Alert.objects.get().armed

    # A bad threshold is refused with the field's message, nothing saved.
    item = page.locator(f"#watch-{fund.slug}")
    item.locator("select[name=kind]").select_option("daily_move")
    item.locator("input[name=threshold]").fill("250")
    item.locator(".watch-alert-form [type=submit]").click()
    page.wait_for_load_state()
    assert "at most 100" in page.locator(f"#watch-{fund.slug} .errorlist").inner_text()
    assert Alert.objects.count() == 1

    # 3. The editor uploads the next NAV on the portal: 1.0600 crosses the line.
    editor = new_page()
    log_in(editor, "ed@harbour.example")
    editor.goto(f"/portal/products/{fund.slug}/nav/")
    csv = f"date,nav\n{upload_day},1.0600\n".encode()
    editor.set_input_files(
        "input[name=file]", {"name": "nav.csv", "mimeType": "text/csv", "buffer": csv}
    )
    editor.locator("form:has(input[name=file]) [type=submit]").first.click()
    editor.wait_for_load_state()
    assert InboxMessage.objects.filter(topic=Topic.WATCH_ALERT).count() == 1

    # The same file again changes nothing and tells nobody twice.
    editor.goto(f"/portal/products/{fund.slug}/nav/")
    editor.set_input_files(
        "input[name=file]", {"name": "nav.csv", "mimeType": "text/csv", "buffer": csv}
    )
    editor.locator("form:has(input[name=file]) [type=submit]").first.click()
    editor.wait_for_load_state()
    assert InboxMessage.objects.filter(topic=Topic.WATCH_ALERT).count() == 1

    # 4. The investor sees it in the inbox, and the watchlist says it was met.
    page.goto("/me/inbox/")
    assert page.locator("text=Harbour Steady Bond: NAV at or above 1.0500").first.is_visible()
    screen(page, "inbox")
    page.goto("/me/watchlist/")
    text = page.locator(f"#watch-{fund.slug}").inner_text()
    assert "1.0600" in text
    assert f"Met by the NAV of {upload_day}" in text
    screen(page, "watchlist-met")

    # 5. The catalogue's cards show which products are watched.
    page.goto("/products/")
    card = page.locator(".product-card", has_text="Harbour Steady Bond")
    assert card.locator("button[aria-pressed=true]").is_visible()
    other = page.locator(".product-card", has_text="Harbour Equity Growth")
    assert other.locator("button[aria-pressed=false]").is_visible()
    screen(page, "catalogue")
    other.locator(".watch-button button").click()  # watch one from its card
    page.wait_for_load_state()
    assert page.url.endswith("/products/")
    other = page.locator(".product-card", has_text="Harbour Equity Growth")
    assert other.locator("button[aria-pressed=true]").is_visible()
    assert WatchItem.objects.count() == 2
    assert page.csp_errors == []

    # 6. On a phone.
    phone = new_page(width=390, height=844)
    log_in(phone, "watcher@example.com")
    phone.goto("/me/watchlist/")
    screen(phone, "watchlist-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    phone.goto(f"/products/{fund.slug}/")
    screen(phone, "product-phone")
    phone.goto("/products/")
    screen(phone, "catalogue-phone")
    assert phone.csp_errors == []

    # 7. In Chinese: the page and the alert speak it.
    context, zh = chinese_page(browser, live_server)
    try:
        log_in(zh, "watcher@example.com")
        zh.goto("/me/watchlist/")
        screen(zh, "watchlist-zh")
        assert "自选" in zh.locator("h1").inner_text()
        assert english_left(zh, allowed=["Harbour Steady Bond", "Harbour Funds"]) == []
    finally:
        context.close()
