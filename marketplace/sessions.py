"""The session store: Django's ``cached_db`` (Redis first, the table the record) that keeps
serving signed-in requests from the table while Redis is unreachable.

Django's own store already falls back to the table when reading the cache fails, but then puts
the row back into the cache, and that write raises while Redis is down: every signed-in page
would fail. Here it reads the row again and skips the cache. Deleting a session still fails
while Redis is down, on purpose: a signed-out session must not live on in the cache.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            return super().load()
        except (RedisError, OSError):
            logger.warning("session cache unavailable; reading the session from the table")
            row = self._get_session_from_db()
            return self.decode(row.session_data) if row else {}
