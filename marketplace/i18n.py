"""The language a message to a user is written in, when no request is there to tell."""

from __future__ import annotations

from django.conf import settings


def language_for(user) -> str:
    """The user's chosen language, else the site's default. Workers sending e-mails and inbox
    notices wrap the rendering in ``translation.override(language_for(user))``."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE
