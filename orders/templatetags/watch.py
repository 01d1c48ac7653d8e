"""``{% is_watched product as watching %}``: whether the signed-in investor watches a product;
``{% watched_ids %}``: the ids of all they watch, space-separated (a page of cards asks once).

The ids of everything they watch are read once per request (cached per investor,
``orders.insight.watch.watched_product_ids``), then every card asks the set."""

from django import template

from orders.insight import watch

register = template.Library()
_CACHE = "_watched_product_ids"


def _ids(context) -> set[int]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return set()
    ids = getattr(request, _CACHE, None)
    if ids is None:
        ids = watch.watched_product_ids(user=user)
        setattr(request, _CACHE, ids)
    return ids


@register.simple_tag(takes_context=True)
def is_watched(context, product) -> bool:
    return product.pk in _ids(context)


@register.simple_tag(takes_context=True)
def watched_ids(context) -> str:
    return " ".join(str(pk) for pk in sorted(_ids(context)))
