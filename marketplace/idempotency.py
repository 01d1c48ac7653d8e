"""One-time form tokens: a double-submitted form acts once (DESIGN §5).

Each rendered form carries a fresh random token (``{% load once %}{% form_token %}``); the view
claims it before acting. ``cache.add`` is atomic in Redis, so two racing submits of the same
form cannot both claim it, on any web host.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

FIELD = "form_token"
TTL = 24 * 60 * 60
MISSING = _("This form has expired: reload the page and try again.")
ALREADY_USED = _("That form was already sent; it was acted on once.")


def new_form_token() -> str:
    return secrets.token_urlsafe(18)


def claim_form_token(*, user_id: int, token: str | None) -> bool:
    """True the first time ``token`` is claimed for this user, False on every repeat."""
    if not token or len(token) > 64:
        return False
    return cache.add(f"form-token:{user_id}:{token}", 1, timeout=TTL)
