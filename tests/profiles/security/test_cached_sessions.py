"""Sessions are read from Redis (``cached_db``) on every signed-in request; ending one (sign out
everywhere, erasure of the account) removes the cached copy too, so it is refused at once; and
while Redis is down they are read from the table."""

from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from profiles import services
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore()


def _signed_in(user, agent: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_signed_in_requests_use_the_redis_backed_session_store():
    assert settings.SESSION_ENGINE == "marketplace.sessions"  # cached_db (Redis first)


def test_sign_out_everywhere_refuses_every_cached_session_at_once():
    user = UserFactory()
    here, there = _signed_in(user, "Firefox"), _signed_in(user, "Chrome")
    keys = [c.cookies[settings.SESSION_COOKIE_NAME].value for c in (here, there)]
    assert there.get("/me/").status_code == 200  # the session is now in the cache too

    here.post("/me/security/sessions/end/", {"everywhere": "on"})

    assert there.get("/me/").status_code == 302  # refused, not served from the cache
    assert not any(_store().exists(key) for key in keys)
    assert not Session.objects.filter(session_key__in=keys).exists()


def test_erasing_the_account_ends_its_cached_sessions_too():
    user = UserFactory()
    client = _signed_in(user, "Firefox")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get("/me/").status_code == 200

    services.account_anonymise(user=user)

    assert not _store().exists(key)  # the cached copy went with the row
    assert client.get("/me/").status_code == 302


def test_signed_in_pages_are_still_served_from_the_table_while_redis_is_down(monkeypatch):
    user = UserFactory()
    client = _signed_in(user, "Firefox")
    client.cookies.pop("messages", None)
    cache = caches[settings.SESSION_CACHE_ALIAS]

    def down(*args, **kwargs):
        raise RedisConnectionError("Redis is down")

    for method in ("get", "set", "get_many"):
        monkeypatch.setattr(cache, method, down)
    response = client.get("/me/security/")

    assert response.status_code == 200
    assert response.context["user"] == user


def test_a_cached_session_past_its_expiry_date_is_not_served():
    # The cached copy's time to live is Redis's clock; the session ends at its expiry date by
    # ours (the e2e plan test moves the clock a month on and expects to sign in again).
    import datetime as dt
    from unittest import mock

    store = _store()
    store["_auth_user_id"] = "1"
    store.set_expiry(60)
    store.create()
    key = store.session_key
    assert _store().__class__(key).load() == {"_auth_user_id": "1", "_session_expiry": 60}
    later = store.get_expiry_date() + dt.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert _store().__class__(key).load() == {}
