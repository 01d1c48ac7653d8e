"""Issue 16's security checks that are settings and code rules, not behaviour of one feature.

The web login's lock-out is in tests/test_accounts.py; this file adds the app (headless) API's,
the production CSP and the templates that CSP would break, and ruff's security rules.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache

from tests.factories import PASSWORD, UserFactory
from tests.test_production_settings import production

UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:")
# An attribute or element the CSP (no inline script or style) would refuse in a browser.
INLINE = re.compile(r"style=|<style|<script(?![^>]*\bsrc=)|\son[a-z]+=|javascript:", re.I)


def test_the_production_csp_allows_no_inline_or_foreign_script_or_style():
    directives = production("CONTENT_SECURITY_POLICY")["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    for name in ("default-src", "script-src", "style-src"):
        sources = directives.get(name, directives["default-src"])
        assert sources == ["'self'"], (name, sources)
        assert not set(sources) & set(UNSAFE), (name, sources)
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_every_page_is_served_with_the_csp_header(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_no_template_has_an_inline_script_style_or_event_handler():
    roots = [Path(settings.BASE_DIR)]
    found = []
    for root in roots:
        for path in root.rglob("*.html"):
            if ".venv" in path.parts or "var" in path.parts or "node_modules" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if INLINE.search(line):
                    found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_the_app_api_login_locks_out_after_repeated_failures_even_for_the_right_password(
    client, settings
):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,3/5m/key"}
    cache.clear()
    UserFactory(email="target@example.com")
    url = "/_allauth/app/v1/auth/login"
    for _ in range(3):
        response = client.post(
            url,
            {"email": "target@example.com", "password": "wrong"},
            content_type="application/json",
        )
        assert response.status_code == 400, response.content
    response = client.post(
        url, {"email": "target@example.com", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code in (400, 429), response.content
    assert "session_token" not in response.json().get("meta", {})
    assert "_auth_user_id" not in client.session


def test_the_production_rate_limits_lock_an_account_out_after_five_failures():
    limits = production("ACCOUNT_RATE_LIMITS")["ACCOUNT_RATE_LIMITS"]
    assert "5/5m/key" in limits["login_failed"].split(",")


def test_ruffs_security_rules_are_clean():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "ruff", "check", "--select", "S", "--no-cache", "."],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
