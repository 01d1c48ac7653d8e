"""Production: secrets and hosts must come from the environment; HTTPS everywhere.

``DJANGO_SETTINGS_MODULE=marketplace.settings.production python manage.py check --deploy``
reports no warnings.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, REST_FRAMEWORK, STORAGES, env
from .stores import redis_cache, without_jit

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: refuse to start without one
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# Production runs on PostgreSQL and Redis: refuse to start on the embedded fallbacks.
DATABASES = {
    **DATABASES,
    "default": without_jit({**DATABASES["default"], **env.db("DATABASE_URL")}),
}
REDIS_URL = env("REDIS_URL")
PAYMENTS_SANDBOX_SECRET = env("PAYMENTS_SANDBOX_SECRET")  # no default; >= 32 chars (a check)
# No gateway until one is configured. The sandbox mints money: it runs in production only when
# PAYMENTS_SANDBOX_IN_PRODUCTION says so, with a "test mode" banner and a deploy warning.
PAYMENTS_GATEWAY = env("PAYMENTS_GATEWAY", default="")
PAYMENTS_SANDBOX_IN_PRODUCTION = env.bool("PAYMENTS_SANDBOX_IN_PRODUCTION", default=False)
if PAYMENTS_GATEWAY == "sandbox" and not PAYMENTS_SANDBOX_IN_PRODUCTION:
    raise ImproperlyConfigured(
        "PAYMENTS_GATEWAY=sandbox in production needs PAYMENTS_SANDBOX_IN_PRODUCTION=true."
    )
# Identity documents: no default keys in production (see business.py for what each one does).
SALT_KEY = env.list("FIELD_ENCRYPTION_SALTS")
IDENTITY_HASH_KEY = env("IDENTITY_HASH_KEY")
# No identity provider until one is configured; the sandbox verifies people nobody checked, so
# it runs here only when IDENTITY_SANDBOX_IN_PRODUCTION says so (and check --deploy warns).
IDENTITY_PROVIDER = env("IDENTITY_PROVIDER", default="")
IDENTITY_SANDBOX_IN_PRODUCTION = env.bool("IDENTITY_SANDBOX_IN_PRODUCTION", default=False)
if IDENTITY_PROVIDER == "sandbox" and not IDENTITY_SANDBOX_IN_PRODUCTION:
    raise ImproperlyConfigured(
        "IDENTITY_PROVIDER=sandbox in production needs IDENTITY_SANDBOX_IN_PRODUCTION=true."
    )
CACHES = redis_cache(REDIS_URL)
SESSION_ENGINE = "marketplace.sessions"  # cached_db: Redis first (stores.py)
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False

DEMO_DATA_ALLOWED = False  # seed_demo refuses: its accounts' password is in the README

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Production runs behind one TLS proxy unless told otherwise: client addresses (login rate
# limits, throttles) come from its X-Forwarded-For entry, never from the proxy's REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": TRUSTED_PROXY_COUNT}
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

WHITENOISE_USE_FINDERS = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
