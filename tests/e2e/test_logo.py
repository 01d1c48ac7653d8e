"""An editor uploads the institution's logo in the portal (an SVG is refused first), then
investors see it on the storefront, on a desktop (1280) and a phone (390) (issue 15).

Screenshots: var/screens/logo-*.png."""

from pathlib import Path

import pytest
from django.conf import settings

from institutions import branding
from institutions.models import Institution, InstitutionType, Role
from tests.factories import PASSWORD, InstitutionFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENS = Path(settings.BASE_DIR) / "var" / "screens"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def screen(page, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"logo-{name}.png"), full_page=True)


def harbour_logo() -> bytes:
    """Teal tile with a white harbour arch."""

    def pixel(x, y):
        distance = (x - 80) ** 2 + (y - 110) ** 2
        if 45**2 <= distance <= 60**2 and y <= 110:
            return (255, 255, 255)
        if 118 <= y <= 128 and 20 <= x <= 140:
            return (255, 255, 255)
        return (15, 118, 110)

    return branding.png_bytes(160, 160, pixel)


def test_an_editor_uploads_a_logo_and_the_storefront_shows_it(new_page):
    harbour = InstitutionFactory(
        name="Harbour Funds",
        slug="harbour-funds",
        type=InstitutionType.FUND_COMPANY,
        licence_number="CSRC-FUND-2019-031",
        description="Harbour Funds manages bond and money-market funds for households in "
        "southern China. Licensed by the CSRC since 2019.",
    )
    MembershipFactory(
        institution=harbour, role=Role.EDITOR, user=UserFactory(email="ed@harbour.example")
    )

    # Before: the storefront shows the lettermark.
    visitor = new_page()
    visitor.goto("/institutions/harbour-funds/")
    assert visitor.locator(".inst-hero .avatar").inner_text() == "H"
    assert visitor.locator(".inst-hero img").count() == 0

    editor = new_page()
    editor.goto("/accounts/login/")
    editor.fill("input[name=login]", "ed@harbour.example")
    editor.fill("input[name=password]", PASSWORD)
    editor.locator("form:has(input[name=password]) [type=submit]").first.click()
    editor.wait_for_load_state()
    editor.goto("/portal/")
    editor.get_by_role("link", name="Upload a logo").click()
    editor.wait_for_load_state()

    # An SVG is refused with a clear error; nothing is saved.
    editor.set_input_files(
        "input[name=logo]", files=[{"name": "logo.svg", "mimeType": "image/svg+xml", "buffer": SVG}]
    )
    editor.get_by_role("button", name="Upload logo").click()
    editor.wait_for_load_state()
    assert "SVG and other formats are not accepted" in editor.locator(".errorlist").inner_text()
    assert not Institution.objects.get(pk=harbour.pk).logo
    screen(editor, "portal-refused")

    editor.set_input_files(
        "input[name=logo]",
        files=[{"name": "harbour.png", "mimeType": "image/png", "buffer": harbour_logo()}],
    )
    editor.get_by_role("button", name="Upload logo").click()
    editor.wait_for_load_state()
    assert "The new logo is on your public page." in editor.content()
    header_logo = editor.locator(".area-header img.inst-logo")
    assert header_logo.get_attribute("alt") == "Harbour Funds"
    assert header_logo.evaluate("img => img.naturalWidth") == 160
    screen(editor, "portal-uploaded")
    editor.goto("/portal/")
    assert editor.get_by_role("link", name="Change logo").is_visible()
    screen(editor, "dashboard")
    assert editor.csp_errors == []

    for width, label in ((1280, "desktop"), (390, "phone")):
        page = new_page(width=width, height=860 if width > 400 else 844)
        page.goto("/institutions/harbour-funds/")
        logo = page.locator(".inst-hero img.inst-logo")
        assert logo.get_attribute("alt") == "Harbour Funds"
        assert logo.get_attribute("width") == "56"
        assert logo.evaluate("img => img.complete && img.naturalWidth") == 160
        assert page.locator(".inst-hero .avatar").count() == 0
        screen(page, f"storefront-{label}")
        page.locator(".page-header").screenshot(path=str(SCREENS / f"logo-header-{label}.png"))
        assert page.csp_errors == []

    # Removed: back to the lettermark.
    editor.goto("/portal/logo/")
    editor.get_by_role("button", name="Remove logo").click()
    editor.wait_for_load_state()
    assert not Institution.objects.get(pk=harbour.pk).logo
    visitor.goto("/institutions/harbour-funds/")
    assert visitor.locator(".inst-hero .avatar").inner_text() == "H"
