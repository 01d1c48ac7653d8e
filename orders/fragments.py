"""The investor's own parts of the portfolio pages (the portfolio's body, the assets summary of
the ``/me/`` home), rendered once and served again until something they show changes.

A part is cached per investor, language, business day and request parameters, together with
the investor's ``portfolio_stamp`` (a fingerprint of every row of theirs the part shows) and the
catalogue version (products, NAVs, fee tiers, institutions: ``marketplace.cache``). It is
served only when both still match, so a new order, lot, payment or NAV rebuilds it on the next
request; the key names the investor, so no one is ever served another's part. Both the stamp
and the version are read before the rows the part is built from: a part built from rows newer
than its stamp is only rebuilt once more, never served stale.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

from marketplace.cache import shared_get, shared_key, shared_set_many

from .selectors.stamp import portfolio_stamp


def investor_part(*, user, kind: str, parts: tuple, build: Callable[[], str]) -> SafeString:
    """``build()`` (HTML from our own templates), or the copy cached for the same rows."""
    stamp = portfolio_stamp(user=user)
    if stamp is None:
        return mark_safe(build())  # noqa: S308 (our own template's)
    key = shared_key(f"investor-{kind}", user.pk, *parts)
    version, cached = shared_get(key)
    if isinstance(cached, tuple) and cached[0] == stamp:
        return mark_safe(cached[1])  # noqa: S308 (our own template's)
    html = build()
    shared_set_many(version, {key: (stamp, str(html))})
    return mark_safe(html)  # noqa: S308 (our own template's)
