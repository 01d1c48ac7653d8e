"""Browser fixtures: Playwright driving Debian's Chromium, headless, against ``live_server``.

Screenshots go to ``var/screenshots/<test name>/NN-step.png``; look at them after a run.
"""

import os
import re
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class Shooter:
    def __init__(self, name: str):
        self.folder = SCREENSHOTS / re.sub(r"[^\w-]+", "_", name)
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def __call__(self, page, step: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def shot(request):
    return Shooter(request.node.name)


@pytest.fixture
def new_page(browser, live_server):
    """``new_page()`` opens a fresh browser context (a separate person) on the live server."""
    contexts = []

    def make(width: int = 1280, height: int = 860):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.csp_errors = []
        page.on(
            "console",
            lambda msg: (
                page.csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()


def totp_now(secret: str) -> str:
    """The current code, from a window with at least 5 s left, so the browser submits it
    before it expires (on a loaded machine a code read at the end of its window was refused)."""
    period = settings.MFA_TOTP_PERIOD
    if period - time.time() % period < 5:
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time() // period)))
