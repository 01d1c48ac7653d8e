"""Settings shared by every environment, read from the environment (django-environ).

Nothing here is a production secret: ``production.py`` demands those without defaults.
With nothing set the project runs on SQLite under ``var/`` with tasks run in-process
and a local-memory cache (DESIGN §3).

The other sections live in modules of their own, imported here (no two define the same name):
``environment`` (directories, the ``env`` object), ``stores`` (database, replica, Redis),
``auth``, ``i18n``, ``api`` (REST framework, OpenAPI), ``celery_config`` and ``business``.
"""

from .api import *  # noqa: F403
from .auth import *  # noqa: F403
from .business import *  # noqa: F403
from .celery_config import *  # noqa: F403
from .environment import BASE_DIR, VAR_DIR, env
from .i18n import *  # noqa: F403
from .stores import *  # noqa: F403

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
