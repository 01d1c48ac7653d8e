"""A readable name for a browser from its user agent ("Chrome on Windows"): enough to tell
one's own devices apart on the security page and in the new-sign-in notice."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# Order matters: Edge and Opera say "Chrome", Chrome says "Safari".
BROWSERS = (
    ("Edge", r"Edg(e|A|iOS)?/"),
    ("Opera", r"OPR/|Opera"),
    ("Firefox", r"Firefox/|FxiOS/"),
    ("Chromium", r"Chromium/"),
    ("Chrome", r"Chrome/|CriOS/"),
    ("Safari", r"Safari/"),
)
SYSTEMS = (
    ("iOS", r"iPhone|iPad|iPod"),
    ("Android", r"Android"),
    ("Windows", r"Windows"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("ChromeOS", r"CrOS"),
    ("Linux", r"Linux"),
)


def describe(user_agent: str) -> str:
    """``"Firefox on Linux"``; ``"An unknown browser"`` when nothing is recognised."""
    ua = user_agent or ""
    browser = next((name for name, pattern in BROWSERS if re.search(pattern, ua)), None)
    system = next((name for name, pattern in SYSTEMS if re.search(pattern, ua)), None)
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    if browser or system:
        return browser or _("A browser on %(system)s") % {"system": system}
    return _("An unknown browser") if ua else _("An unnamed device")
