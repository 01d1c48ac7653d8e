"""Whole-page caching of public catalogue pages for anonymous visitors.

Pages are keyed by a *catalogue version* kept in the shared cache (Redis in production, so any
web host can serve any request). Every write that changes what the public sees bumps the version
after commit, so a stale page is never served after a product is published, closed, repriced or
its institution suspended; the timeout only bounds memory. A page is cached per language (the
one LocaleMiddleware chose for the request), so a Chinese visitor's page is never served to an
English one.
"""

from __future__ import annotations

import hashlib
import time
from functools import wraps

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone, translation

VERSION_KEY = "catalogue:version"
PAGE_TIMEOUT = 300


def catalogue_version() -> int:
    return cache.get_or_set(VERSION_KEY, time.time_ns, timeout=None)


def bump_catalogue_version() -> None:
    """Call inside the write's transaction: the bump happens once it commits. With the cache
    unreachable the write still stands and its caller goes on (robust: the failure is logged);
    a cache that is down serves no page, and what it held expires within PAGE_TIMEOUT."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, time.time_ns(), timeout=None), robust=True)


def cache_public_page(view):
    """Serve anonymous GETs of ``view`` from the cache; everyone else gets a fresh page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if (
            request.method != "GET"
            or request.user.is_authenticated
            or "messages" in request.COOKIES
        ):
            return view(request, *args, **kwargs)
        digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        # Per business day too: the catalogue's tie-break rotates daily (products.ranking), so
        # a page cached before midnight is not served after it.
        key = f"page:{translation.get_language()}:{timezone.localdate().isoformat()}:{digest}"
        # One round trip for both: the page remembers the version it was rendered under.
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or catalogue_version()
        cached = found.get(key)
        if cached is not None and cached[0] == version:
            return HttpResponse(cached[1], content_type=cached[2])
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(key, (version, response.content, response["Content-Type"]), PAGE_TIMEOUT)
        return response

    return wrapped


# --- fragments shared by every visitor, signed in or not ----------------------------------------
#
# A signed-in page is rendered fresh (it names the investor, their watchlist, their suitability)
# but most of it is the same for everyone: facet counts, product cards, charts. Those parts are
# cached as (version, value) under keys that do not contain the version, so a bump makes every
# entry stale at once and a new one overwrites the old in place (memory stays bounded by the
# number of distinct parts, not by the number of bumps). The version is read in the same round
# trip as the entries, and *before* the data they are built from, so a part built from rows
# read before a write is never stored under the version that follows it.

FRAGMENT_TIMEOUT = 600


def shared_get_many(keys) -> tuple[int, dict]:
    """The catalogue version and those of ``keys`` cached under it, in one round trip."""
    found = cache.get_many([VERSION_KEY, *keys])
    version = found.pop(VERSION_KEY, None) or catalogue_version()
    fresh = {
        key: value[1]
        for key, value in found.items()
        if isinstance(value, tuple) and len(value) == 2 and value[0] == version
    }
    return version, fresh


def shared_get(key: str) -> tuple[int, object | None]:
    version, fresh = shared_get_many([key])
    return version, fresh.get(key)


def shared_set_many(version: int, values: dict) -> None:
    """Store parts built after ``version`` was read (``shared_get_many``)."""
    if values:
        cache.set_many({key: (version, value) for key, value in values.items()}, FRAGMENT_TIMEOUT)


def shared_key(kind: str, *parts) -> str:
    """A fragment's key: its kind, the language being rendered, the business day (the
    catalogue's rotation and its date bands change at midnight) and its own parts; long or
    free-text parts (a search) are hashed, so a key is short whatever the query."""
    tail = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:32]
    return f"frag:{kind}:{translation.get_language()}:{timezone.localdate().isoformat()}:{tail}"
