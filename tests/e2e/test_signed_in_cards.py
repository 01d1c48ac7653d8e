"""Signed-in catalogue cards (issue 16): the shared card comes from the fragment cache and the
investor's own suitability badge and watch button sit in it, on a desktop and a phone."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.e2e.test_catalogue import log_in
from tests.factories import ProductFactory, investor_with_cash

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SCREENS = Path(settings.BASE_DIR) / "var" / "screens"


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (390, 844)])
def test_an_investor_sees_their_own_fit_on_cached_cards(new_page, width, height):
    ProductFactory(name="Quiet Bond Fund", risk_level=2)
    ProductFactory(name="Bold Equity Fund", risk_level=5, fund_type="equity")
    investor_with_cash(level=3, email="fit@example.com")
    page = new_page(width, height)
    log_in(page, "fit@example.com")
    for _ in range(2):  # the second page is rendered from the warm fragment cache
        page.goto("/products/")
    quiet = page.locator("article.product-card", has_text="Quiet Bond Fund")
    bold = page.locator("article.product-card", has_text="Bold Equity Fund")
    assert "C3" in quiet.locator(".card-fit").inner_text()
    assert bold.locator(".card-fit .badge--warning, .card-fit .badge--danger").count() == 1
    assert page.csp_errors == []
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"signed-in-cards-{width}.png"), full_page=False)
