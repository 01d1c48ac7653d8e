"""A fund's distributions history for its product page (``products`` may not import
``orders`` in Python, so the page loads this tag)."""

from __future__ import annotations

from django import template

from orders.plans.distributions.selectors import public_history

register = template.Library()


@register.inclusion_tag("orders/_distribution_history.html")
def distribution_history(product, user=None):
    """``{% distribution_history product user %}``: announced and paid distributions."""
    return {"product": product, "rows": public_history(product_id=product.pk, user=user)}
