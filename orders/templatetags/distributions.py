"""A fund's distributions history for its product page (``products`` may not import
``orders`` in Python, so the page loads this tag)."""

from __future__ import annotations

from django import template

from orders.plans.distributions.selectors import public_distributions, public_history

register = template.Library()

# A fund's public distributions by (catalogue version, product id), kept in this process: they
# are the same for everyone, and a move to or from the public statuses moves the version
# (``services.status.status_move``). Dropped whole past MAX_KEPT, as a new version makes the
# old entries unreachable.
MAX_KEPT = 5_000
_kept: dict[tuple[int, int], list] = {}


def _distributions(product, version) -> list | None:
    if not version:
        return None
    key = (version, product.pk)
    rows = _kept.get(key)
    if rows is None:
        if len(_kept) >= MAX_KEPT:
            _kept.clear()
        rows = _kept[key] = public_distributions(product_id=product.pk)
    return rows


@register.inclusion_tag("orders/_distribution_history.html")
def distribution_history(product, user=None, version=None):
    """``{% distribution_history product user page_version %}``: announced and paid
    distributions; with the catalogue version the page was read under, the fund's list comes
    from this process's memory and only the investor's own holding is read."""
    rows = public_history(
        product_id=product.pk, user=user, distributions=_distributions(product, version)
    )
    return {"product": product, "rows": rows}
