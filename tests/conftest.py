"""Fixtures shared by the whole suite, and the rule that CI runs every test.

Tests that need real servers are marked ``postgres`` / ``redis`` / ``e2e`` and skip with a
reason when DATABASE_URL, REDIS_URL or Chromium are missing (a laptop with nothing set up).
Under CI (``CI=true``) a skip is a failure: CI always has the real servers.
"""

import os
import shutil
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests import factories

CHROMIUM = "/usr/bin/chromium"


def _missing(marker: str) -> str | None:
    if marker == "postgres" and not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return "needs PostgreSQL: set DATABASE_URL=postgres://…"
    if marker == "redis" and not settings.REDIS_URL:
        return "needs Redis and a Celery worker: set REDIS_URL=redis://…"
    if marker == "e2e" and not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return "needs Chromium at /usr/bin/chromium (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config, items):
    for item in items:
        for marker in ("postgres", "redis", "e2e"):
            if item.get_closest_marker(marker) and (reason := _missing(marker)):
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI") and exitstatus == 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
        if skipped:
            reporter.write_line(f"CI: {skipped} test(s) skipped; CI must run every test.", red=True)
            session.exitstatus = 1


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (page cache, rate limits, TOTP replay guard)."""
    cache.clear()
    yield
    cache.clear()


REFERENCE_DATA = [
    ("institutions.migrations.0003_platform_institution", "create_platform"),
    ("profiles.migrations.0003_questionnaire_v1", "load"),
]


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests flush the database afterwards, taking the rows that data migrations
    created (the platform institution, the questionnaire) with them: put them back first."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")

    for module, function in REFERENCE_DATA:
        getattr(import_module(module), function)(apps, None)


@pytest.fixture
def user(db):
    """A verified investor account."""
    return factories.UserFactory()


@pytest.fixture
def staff(db):
    """Platform staff with TOTP set up."""
    return factories.StaffFactory()


@pytest.fixture
def institution(db):
    return factories.InstitutionFactory()


@pytest.fixture
def member_of():
    """``member_of(institution, role)`` → a verified user holding that role (admins get MFA)."""

    def make(institution, role="editor"):
        user = factories.UserFactory(mfa=(role == "admin"))
        factories.MembershipFactory(user=user, institution=institution, role=role)
        return user

    return make


@pytest.fixture
def verified_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"
