"""Test settings: fast hashing, locmem e-mail; DATABASE_URL / REDIS_URL honoured when set."""

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Unit tests run tasks in-process; the real-worker tests (tests/integration) switch eager off
# and start a worker against Redis.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
ACCOUNT_RATE_LIMITS = False  # the rate-limit test turns them back on explicitly
# A ``replica`` alias that is the test database itself (a mirror: Django creates nothing for
# it), so tests/test_replica_router.py can prove the routing; off unless a test turns it on.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_REPLICA_READS = False
# Page views go straight to their rows, so a test sees them at once; the buffer's own tests
# (tests/products/test_page_view_buffer.py) turn it on.
PAGE_VIEWS_BUFFERED = False
