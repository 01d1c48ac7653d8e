"""Fixtures shared by the whole suite, and the rule that CI runs every test.

Tests that need real servers are marked ``postgres`` / ``redis`` / ``e2e`` and skip with a
reason when DATABASE_URL, REDIS_URL or Chromium are missing (a laptop with nothing set up).
Under CI (``CI=true``) a skip is a failure: CI always has the real servers.
"""

import datetime as dt
import os
import shutil
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone, translation

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


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts and ends in the site's language: a request in Chinese leaves Chinese
    active in the thread (LocaleMiddleware activates, nothing deactivates), and a later test's
    messages built outside a request would come out in it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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


# --- a fixed clock and orders placed through the services -----------------------------------

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOCK_START = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)  # a Monday, before the cut-off


class Clock:
    """What ``django.utils.timezone.now`` answers while the ``clock`` fixture is active."""

    def __init__(self, moment: dt.datetime):
        self.now = moment

    def __call__(self) -> dt.datetime:
        return self.now.astimezone(dt.UTC)

    def set(self, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        """Move to ``day`` at ``hour:minute`` Asia/Shanghai."""
        self.now = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)
        return self.now

    def advance(self, **delta) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(SHANGHAI).date()


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """A fixed clock at Monday 2026-11-23 10:00 Asia/Shanghai (before the 15:00 cut-off).

    Everything that asks ``timezone.now()`` / ``timezone.localdate()`` (services, selectors,
    views) sees it; model field defaults bound at import keep the real time.
    """
    fixed = Clock(CLOCK_START)
    monkeypatch.setattr(timezone, "now", fixed)
    return fixed


@pytest.fixture
def investor(db):
    """A C3 investor with a valid assessment and 20,000 in cash (through the sandbox gateway)."""
    return factories.investor_with_cash(cash="20000")


@pytest.fixture
def placed_order(investor, clock):
    """A pending buy of 10,000 of a bond fund, placed through the order service at the clock's
    time (trades that day)."""
    from orders import services

    product = factories.ProductFactory(risk_level=2)
    order, _ = services.order_place(user=investor, product=product, side="buy", amount="10000")
    return order


@pytest.fixture
def confirmed_order(placed_order, clock):
    """``placed_order`` confirmed by that evening's end of day at NAV(T) 1.0000."""
    from orders import services
    from products.models import NavPrice

    NavPrice.objects.create(
        product=placed_order.product, date=placed_order.trade_date, nav=Decimal("1.0000")
    )
    clock.set(placed_order.trade_date, 20)
    services.end_of_day(run_date=placed_order.trade_date)
    placed_order.refresh_from_db()
    return placed_order
