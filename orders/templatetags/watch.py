"""``{% is_watched product as watching %}``: whether the signed-in investor watches a product.

The ids of everything they watch are read once per request (one query for a whole catalogue
page of cards), then every card asks the set."""

from django import template

from orders.insight import watch

register = template.Library()
_CACHE = "_watched_product_ids"


@register.simple_tag(takes_context=True)
def is_watched(context, product) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    ids = getattr(request, _CACHE, None)
    if ids is None:
        ids = watch.watched_product_ids(user=user)
        setattr(request, _CACHE, ids)
    return product.pk in ids
