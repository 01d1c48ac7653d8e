"""Business settings: invitations, after-sales deadlines, the payment gateway and identity
provider, identity-document keys, order and cash limits, offers, and the site's name and URL."""

from decimal import Decimal

from .environment import env

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
