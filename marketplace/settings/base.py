"""Settings shared by every environment, read from the environment (django-environ).

Nothing here is a production secret: ``production.py`` demands those without defaults.
With nothing set the project runs on SQLite under ``var/`` with tasks run in-process
and a local-memory cache (DESIGN §3).
"""

from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-change-me")
# Old secret keys still accepted (sessions, signed links, identity numbers) while rotating.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before admin (its docs): products' and institutions' names in both languages (issue 14).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.headless",
    "allauth.usersessions",
    # Domain apps; dependencies point one way (DESIGN §2).
    "marketplace",
    "profiles",
    "institutions",
    "products",
    "orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Opts safe requests into replica reads (a no-op without DATABASE_REPLICA_URL).
    "marketplace.db_router.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Prefix-free URLs: the language comes from the cookie, else Accept-Language (issue 14).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "profiles.language.UserLanguageMiddleware",  # a signed-in user's saved language wins
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "profiles.security.middleware.DeviceCookieMiddleware",
    "institutions.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "institutions.context_processors.navigation",
                "orders.context_processors.trading",
                "orders.context_processors.payments",
            ],
            # ``{{ amount|cny }}``, ``|percent`` and ``|signed_percent`` in every template.
            "builtins": ["marketplace.templatetags.money"],
        },
    },
]

# --- Database: PostgreSQL via DATABASE_URL, else SQLite under var/ -------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True


def without_jit(config: dict) -> dict:
    """PostgreSQL's JIT off for our connections (``POSTGRES_JIT=true`` turns it back on). The
    pages' queries run in milliseconds, but a bad row estimate (an empty terms table joined to
    350,000 holdings) pushed the portfolio's over the JIT threshold: 4.8 s of compiling per
    request in the load test at 1,000,000 investors (bench/load.py), 10 x slower than without."""
    if config.get("ENGINE", "").endswith("postgresql") and not env.bool("POSTGRES_JIT", False):
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return config


without_jit(DATABASES["default"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A read replica of it (streaming replication, read-only): the catalogue's and the portfolio's
# reads of safe requests go there, everything else stays on the primary (marketplace/db_router.py).
# Unset: no ``replica`` alias, and the router does nothing.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    without_jit(DATABASES["replica"])
DATABASE_REPLICA_READS = bool(DATABASE_REPLICA_URL)
# After a write (or any POST), the same browser reads only from the primary this long, so the
# page a form redirects to shows what it wrote however far the replica lags.
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=10)
DATABASE_ROUTERS = ["marketplace.db_router.ReplicaRouter"]

# --- Redis: broker + cache when REDIS_URL is set; otherwise in-process ---------------------
REDIS_URL = env("REDIS_URL", default="")


def redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "marketplace.redis_cache.PooledRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "fm",
        }
    }


if REDIS_URL:
    CACHES = redis_cache(REDIS_URL)
    # Sessions are read from Redis on every signed-in request and written through to the
    # database (which stays the record: a Redis restart signs nobody out). Ending a session
    # (sign-out, "sign out everywhere", erasure) goes through the session store, which drops
    # both copies. marketplace/sessions.py: Django's cached_db, still served while Redis is down.
    SESSION_ENGINE = "marketplace.sessions"
# A product page view is a Redis HINCRBY, moved to its row by beat every minute; without Redis
# (no shared buffer) it is an UPDATE of the row (products.services.page_views).
PAGE_VIEWS_BUFFERED = bool(REDIS_URL)
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "profiles.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/me/"  # investors; staff and institution members land by role:
ACCOUNT_ADAPTER = "institutions.adapters.AccountAdapter"

# allauth: log in by e-mail, sign up with e-mail and password only, verification mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Fortune Market] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated so they are visible; they need a shared cache (Redis).
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
# Behind a reverse proxy, the client's address is the proxy-added X-Forwarded-For entry this
# many hops from the right; allauth's per-IP rate limits and DRF's anonymous throttles key on it.
# 0 (local default): no proxy, REMOTE_ADDR is the client and X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Fortune Market"
MFA_TOTP_PERIOD = 30
HEADLESS_CLIENTS = ("app", "browser")
HEADLESS_SERVE_SPECIFICATION = False
HEADLESS_FRONTEND_URLS = {}

# --- I18N / time --------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date formats per language (marketplace/formats/<lang>/formats.py): DATE_FORMAT is
# "2 December 2026" in English and "2026年12月2日" in Chinese; tables keep ISO "Y-m-d".
FORMAT_MODULE_PATH = ["marketplace.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # a year: the choice outlives the session
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Names and summaries of products and institutions carry both languages (name_zh_hans, name_en;
# products/translation.py); `product.name` is the active language's, else the other one's.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("zh-hans", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "zh-hans"), "en": ("zh-hans",)}
TIME_ZONE = "Asia/Shanghai"  # business time zone; the database stores UTC
USE_I18N = True
USE_TZ = True

# --- Static files (one stylesheet, served by whitenoise) -----------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # var/ also holds the SQLite file
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = True  # production.py serves collected files only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- E-mail (console by default) -----------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Fortune Market <no-reply@fortune.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers ----------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Both apply the MFA rule of staff and institution admins (institutions.authentication).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "institutions.authentication.XSessionTokenAuthentication",
        "institutions.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "marketplace.schema.AutoSchema",
    # Bodies are JSON (DESIGN §7); the NAV upload adds its multipart CSV file itself.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "marketplace.api.StandardPagination",
    "PAGE_SIZE": 20,
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "marketplace.api.exception_handler",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    # Per investor (marketplace.throttling.MoneyActionThrottle, writes only).
    "DEFAULT_THROTTLE_RATES": {
        "deposits": env("THROTTLE_DEPOSITS", default="30/minute"),
        "withdrawals": env("THROTTLE_WITHDRAWALS", default="30/minute"),
        # Binding a card: few a person ever needs; many is someone trying card numbers.
        "card_binds": env("THROTTLE_CARD_BINDS", default="10/hour"),
        "orders": env("THROTTLE_ORDERS", default="120/minute"),
        "trade_pin": env("THROTTLE_TRADE_PIN", default="20/minute"),
        # Identity submissions: a few a day are plenty, and a limit stops probing for numbers.
        "identity": env("THROTTLE_IDENTITY", default="20/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fortune Market API",
    "DESCRIPTION": "Catalogue, investor, orders and portal API. Money is a decimal string.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI's assets are served by the app itself, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ProductKindEnum": "institutions.models.ProductKind",
        "TradePinErrorCodeEnum": "profiles.security.api.ERROR_CODES",
        "TradePinStateEnum": "profiles.security.api.PIN_STATES",
        "InstitutionTypeEnum": "institutions.models.InstitutionType",
        "OrderStatusEnum": "orders.models.OrderStatus",
        "OrderSideEnum": "orders.models.Side",
        "PaymentStatusEnum": "orders.models.PaymentStatus",
        "StatementStatusEnum": "orders.models.StatementStatus",
        "CampaignStatusEnum": "orders.campaigns.models.CampaignStatus",
        "RequestKindEnum": "orders.aftersales.models.RequestKind",
        "RequestStatusEnum": "orders.aftersales.models.RequestStatus",
        "RequestSideEnum": "orders.aftersales.models.Side",
        "CouponKindEnum": "orders.coupons.models.CouponKind",
        "CouponStatusEnum": "orders.coupons.models.CouponStatus",
        "CouponPayerEnum": "orders.coupons.models.CouponPayer",
        "PlanFrequencyEnum": "orders.plans.models.Frequency",
        "PlanStatusEnum": "orders.plans.models.PlanStatus",
        "PlanPurchaseStatusEnum": "orders.plans.models.PurchaseStatus",
        "IdentityStatusEnum": "profiles.identity.models.IdentityStatus",
        "DocumentTypeEnum": "profiles.identity.models.DocumentType",
        "ReportPeriodEnum": "products.report_models.ReportPeriod",
        "ReportStatusEnum": "products.report_models.ReportStatus",
    },
}

# --- Celery --------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker outage must not hold a web request: publishing fails fast and the message waits in
# the outbox (marketplace.outbox) until beat's relay gets it through.
# A task taken by a worker that dies (acks_late) goes back to the queue only after
# ``visibility_timeout``. CELERY_BROKER_TRANSPORT_OPTIONS (JSON) overrides any of these; the
# fault tests (tests/integration/test_faults*.py) start workers with a few seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    **env.json("CELERY_BROKER_TRANSPORT_OPTIONS", default={}),
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TIMEZONE = TIME_ZONE
# autodiscover_tasks finds each app's ``tasks`` module; the sub-packages' own (``orders/<sub>/
# tasks.py``) are listed here so that a worker knows them before anything enqueues them.
CELERY_IMPORTS = [
    "orders.campaigns.tasks",
    "orders.insight.watch_tasks",
    "orders.plans.tasks",
    "profiles.security.tasks",
]
# Beat schedule: later issues add end-of-day, trail accrual and monthly close here.
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {"task": "marketplace.tasks.outbox_relay", "schedule": 30.0},
    # Product page views buffered in Redis go to their daily rows (products.services.page_views).
    "page-views-flush": {"task": "products.tasks.page_views_flush", "schedule": 60.0},
    "purge-expired-invitations-nightly": {
        "task": "institutions.tasks.invitations_purge_expired",
        "schedule": crontab(hour=2, minute=0),
    },
    # After the day's NAVs are in (institutions upload them in the evening): confirm orders,
    # add money-market income, pay matured savings. Every day: income accrues on weekends too.
    "end-of-day": {
        "task": "orders.tasks.end_of_day_run",
        "schedule": crontab(hour=22, minute=30),
        "options": {"queue": "end_of_day"},
    },
    # The 1st of each month, after the night's end of day: last month's statements.
    "close-previous-month": {
        "task": "orders.tasks.close_previous_month",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
        "options": {"queue": "end_of_day"},
    },
    # Payouts the provider left pending are tried again (bounded, with backoff).
    "payouts-retry": {"task": "orders.tasks.payouts_retry", "schedule": 600.0},
    # Inbox e-mails still pending (the posting side asks a worker at once; this is the sweep).
    "inbox-email": {
        "task": "orders.campaigns.tasks.inbox_email_send",
        "schedule": 60.0,
        "options": {"queue": "offers"},
    },
    # Campaigns (orders/campaigns/fanout.py): scheduled ones start at their time (and ranges a
    # dead worker left are enqueued again); after-purchase ones follow up buyers when due.
    "campaigns-scheduled": {
        "task": "orders.campaigns.tasks.campaigns_scheduled_start",
        "schedule": 60.0,
        "options": {"queue": "offers"},
    },
    "campaigns-after-purchase": {
        "task": "orders.campaigns.tasks.campaign_triggers_run",
        "schedule": 300.0,
        "options": {"queue": "offers"},
    },
    # After-sales notices each morning: deposits maturing in 7 days, cooling-off ending in 3,
    # risk assessments expiring in 30; and yesterday's end-of-day notices again (a safety net).
    "after-sales-notices": {
        "task": "orders.campaigns.tasks.notices_daily",
        "schedule": crontab(hour=8, minute=0),
    },
    # Automatic investment plans (orders/plans/run.py): each trading morning, well before the
    # 15:00 cut-off, the day's purchases are claimed by id range and placed as orders; the
    # 13:30 run is a sweep (a rerun places nothing twice; it finishes what a dead worker left).
    "plans-run": {
        "task": "orders.plans.tasks.plans_dispatch",
        "schedule": crontab(hour=9, minute=30),
        "options": {"queue": "end_of_day"},
    },
    "plans-sweep": {
        "task": "orders.plans.tasks.plans_dispatch",
        "schedule": crontab(hour=13, minute=30),
        "options": {"queue": "end_of_day"},
    },
    # A safety net behind the outbox: upfront commission for anything confirmed and missed.
    "commission-sweep": {
        "task": "orders.tasks.commission_sweep",
        "schedule": crontab(minute=15),
        "kwargs": {"since_days": 3},
    },
}

# --- Business settings ----------------------------------------------------------------------
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=7)
# Questions and complaints: the institution's first answer is due by the end of this many
# trading days after the day the investor asked (orders.aftersales).
SERVICE_FIRST_RESPONSE_BUSINESS_DAYS = env.int("SERVICE_FIRST_RESPONSE_BUSINESS_DAYS", default=2)
# The payment gateway money goes through (orders.cash.gateway.GATEWAYS); empty = none, deposits
# and withdrawals refused. Local and test runs use the built-in sandbox; production has none
# until one is configured, and the sandbox there also needs PAYMENTS_SANDBOX_IN_PRODUCTION.
# Identity documents: encrypted at rest with keys derived from SECRET_KEY (and its
# SECRET_KEY_FALLBACKS) and these salts, newest first, so either can be rotated; the keyed hash
# that keeps one person to one account uses its own key, which must never change. After a
# rotation, ``manage.py reencrypt_identities`` rewrites every number under the newest key.
SALT_KEY = env.list("FIELD_ENCRYPTION_SALTS", default=["local-development-salt-change-me"])
IDENTITY_HASH_KEY = env("IDENTITY_HASH_KEY", default="local-development-identity-hash-key")
# The identity provider that checks a legal name against its document
# (profiles.identity.providers.PROVIDERS); empty = none, verification refused. Local and test
# runs use the built-in sandbox; production has none unless configured, and the sandbox there
# also needs IDENTITY_SANDBOX_IN_PRODUCTION.
IDENTITY_PROVIDER = env("IDENTITY_PROVIDER", default="sandbox")
IDENTITY_SANDBOX_IN_PRODUCTION = False

PAYMENTS_GATEWAY = env("PAYMENTS_GATEWAY", default="sandbox")
PAYMENTS_SANDBOX_IN_PRODUCTION = False
# The sandbox payment gateway signs its callbacks with this key (HMAC-SHA256).
PAYMENTS_SANDBOX_SECRET = env("PAYMENTS_SANDBOX_SECRET", default="sandbox-callback-secret")
MAX_ORDER_AMOUNT = Decimal(env("MAX_ORDER_AMOUNT", default="50000000"))
MAX_CASH_MOVEMENT = Decimal(env("MAX_CASH_MOVEMENT", default="50000000"))
# Money-market redemptions paid at once (T+0), per investor, fund and day (DESIGN §4).
MONEY_MARKET_INSTANT_LIMIT = Decimal(env("MONEY_MARKET_INSTANT_LIMIT", default="10000"))
# seed_demo creates accounts with a published password: production settings turn it off.
DEMO_DATA_ALLOWED = True
# Offers (campaigns): per investor, in any rolling 7 days, at most this many in all, and at
# most this many from any one institution (so one institution cannot use up the whole cap).
OFFERS_PER_WEEK = env.int("OFFERS_PER_WEEK", default=3)
OFFERS_PER_INSTITUTION_PER_WEEK = env.int("OFFERS_PER_INSTITUTION_PER_WEEK", default=1)
SITE_NAME = "Fortune Market"
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
