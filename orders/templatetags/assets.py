"""The investor's assets in one figure set (cash, holdings, in transit, total), for pages of
other apps (the ``/me/`` home) that may not import ``orders`` in Python."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from orders import selectors
from orders.fragments import investor_part

register = template.Library()


@register.simple_tag
def assets_summary(user, compact: bool = False) -> SafeString:
    """``{% assets_summary user %}``: the same figures as the portfolio's summary, built once
    and served again until one of the investor's rows or a product changes
    (``orders.fragments``)."""
    return investor_part(
        user=user,
        kind="assets",
        parts=(bool(compact),),
        build=lambda: render_to_string(
            "orders/_assets.html",
            {"portfolio": selectors.portfolio_for(user=user), "compact": compact},
        ),
    )
