"""Production settings for the catalogue benchmark (``bench/catalogue.py``): plain HTTP on
127.0.0.1, the bench URLconf (the site plus a bare view), its own static root, quiet logs,
Redis database 14 for the cache unless ``REDIS_URL`` says otherwise."""

import os

os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")  # production needs Redis
os.environ.setdefault("PAYMENTS_SANDBOX_SECRET", "bench-sandbox-secret-of-32-characters")
# The demo seed verifies identities and tops up cash through the sandboxes.
os.environ.setdefault("IDENTITY_PROVIDER", "sandbox")
os.environ.setdefault("IDENTITY_SANDBOX_IN_PRODUCTION", "true")
os.environ.setdefault("PAYMENTS_GATEWAY", "sandbox")
os.environ.setdefault("PAYMENTS_SANDBOX_IN_PRODUCTION", "true")
# Production refuses to start without its identity keys: the benchmark's own, never real ones.
os.environ.setdefault("FIELD_ENCRYPTION_SALTS", "bench-salt")
os.environ.setdefault("IDENTITY_HASH_KEY", "bench-identity-hash-key")

from marketplace.settings.production import *  # noqa: E402, F403
from marketplace.settings.production import BASE_DIR, LOGGING  # noqa: E402

ROOT_URLCONF = "bench.urls_bench"
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STATIC_ROOT = BASE_DIR / "var" / "bench-static"
# No worker runs during the benchmark: the demo seed's e-mails run in-process instead of queueing.
CELERY_TASK_ALWAYS_EAGER = True
# The benchmark's database is its own: it loads the demo catalogue (production refuses to).
DEMO_DATA_ALLOWED = True
# Request logging would cost the same on every page; keep the console for warnings only.
LOGGING = {**LOGGING, "root": {**LOGGING["root"], "level": "WARNING"}}
