"""The session store: Django's ``cached_db`` (Redis first, the table the record) that keeps
serving signed-in requests from the table while Redis is unreachable, and that honours the
session's expiry date itself.

Django's own store already falls back to the table when reading the cache fails, but then puts
the row back into the cache, and that write raises while Redis is down: every signed-in page
would fail. Here it reads the row again and skips the cache. Deleting a session still fails
while Redis is down, on purpose: a signed-out session must not live on in the cache.

Django's cached copy ends only with the cache key's time to live, counted by Redis's clock; the
table's row ends at its ``expire_date`` by ours. Each cached copy here carries its expiry, and a
copy past it is not served (the table, which says it has expired, decides).
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db
from django.utils import timezone
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
EXPIRES = "_cached_expires"  # the cached copy's own expiry (a Unix time), never in the session


class SessionStore(cached_db.SessionStore):
    def _cached(self, data: dict, expires) -> dict:
        return {**data, EXPIRES: expires.timestamp()}

    def load(self):
        try:
            cached = self._cache.get(self.cache_key)
        except Exception:  # as Django's: an invalid key, or Redis unreachable
            cached = None
        if isinstance(cached, dict) and cached.get(EXPIRES, 0) > timezone.now().timestamp():
            return {key: value for key, value in cached.items() if key != EXPIRES}
        row = self._get_session_from_db()  # only a row that has not expired
        if row is None:
            return {}
        data = self.decode(row.session_data)
        try:
            age = self.get_expiry_age(expiry=row.expire_date)
            self._cache.set(self.cache_key, self._cached(data, row.expire_date), age)
        except (RedisError, OSError):
            logger.warning("session cache unavailable; reading the session from the table")
        return data

    def save(self, must_create=False):
        super(cached_db.SessionStore, self).save(must_create)  # the table's row
        try:
            self._cache.set(
                self.cache_key,
                self._cached(self._session, self.get_expiry_date()),
                self.get_expiry_age(),
            )
        except Exception:
            logger.exception("Error saving to cache (%s)", self._cache)
