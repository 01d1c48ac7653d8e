"""Where data is kept: PostgreSQL via DATABASE_URL (else SQLite under var/), its read replica,
and Redis (cache, sessions, page-view buffer) when REDIS_URL is set; otherwise in-process."""

from .environment import VAR_DIR, env

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
