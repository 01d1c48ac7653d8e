"""The investor's assets in one figure set (cash, holdings, in transit, total), for pages of
other apps (the ``/me/`` home) that may not import ``orders`` in Python."""

from __future__ import annotations

from django import template

from orders import selectors

register = template.Library()


@register.inclusion_tag("orders/_assets.html")
def assets_summary(user, compact: bool = False):
    """``{% assets_summary user %}``: the same figures as the portfolio's summary."""
    return {"portfolio": selectors.portfolio_for(user=user), "compact": compact}
