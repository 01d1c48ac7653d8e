"""``{% variant version part… %}…{% endvariant %}``: a signed-in investor's part of a card,
rendered once per distinct look and reused from this process's memory.

A catalogue page has twenty cards, and each card's per-investor part (suitability badge,
compare tick box, watch button) is a few small templates: rendering them was half the time of
a warm signed-in page. Yet they take few distinct forms: the product, the fit's outcome (and
the investor's level it names), watched or not, chosen for comparison or not. The block's
output is kept per ``version`` (the catalogue version its products were read under: a write
to a product makes every entry stale), language and the ``part``s given, which must name
everything the block reads; the only per-request values it may contain are the CSRF token and
the page's own path, rendered as placeholders and put in afterwards. Without a ``version``, or
for a visitor who is not signed in (their pages come from the page cache), the block is
simply rendered.

``{% fresh %}…{% endfresh %}`` inside a block is a hole in it: rendered on every request, with
the request's own context, and put in where it stands. A whole page's chrome (the catalogue's
results bar, pagination, filter panel; the site header) is then kept once per look, with the
investor's own parts (the cards' badges and watch buttons, their e-mail) as holes.
"""

from __future__ import annotations

import secrets

from django import template
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .fit import card_fits

register = template.Library()

MAX_ENTRIES = 20_000  # most ~1 KB; the whole memory is dropped past it (a new version does too)
MAX_CHARS = 16_000_000  # a page's chrome is ~60 KB: dropped too once they add up to this
CSRF_PLACEHOLDER = "fmCsrfPlaceholder0e8b1c"
PATH_PLACEHOLDER = "/fm-path-placeholder-7d41a9/"
_rendered: dict[tuple, str] = {}
_chars = 0
# Marks a hole in a kept block: random per process, so no request can put one in (a search
# echoed on the page, say) to make another part appear there.
_HOLE = "fmHole" + secrets.token_hex(8)
_IN_VARIANT = "fm_variant_holes"  # set in the context while a block is rendered to be kept


class _Placeholders:
    """What the block sees as ``request``: the real user, a placeholder for the path, and the
    real request's private attributes (what tags memoise on it, such as the watched ids), so a
    block rendered on a miss costs no more queries than the plain template would."""

    path = PATH_PLACEHOLDER

    def __init__(self, request):
        object.__setattr__(self, "_request", request)
        object.__setattr__(self, "user", request.user)

    def get_full_path(self) -> str:
        return PATH_PLACEHOLDER

    def __getattr__(self, name):
        if name.startswith("_"):
            return getattr(self._request, name)
        raise AttributeError(name)

    def __setattr__(self, name, value) -> None:
        setattr(self._request, name, value)


def _token(request) -> str:
    """One masked CSRF token for all the page's forms (masking it again for each is costly)."""
    token = getattr(request, "_fm_variant_csrf", None)
    if token is None:
        token = request._fm_variant_csrf = conditional_escape(get_token(request))
    return token


def _keep(key: tuple, html: str) -> None:
    global _chars
    if len(_rendered) >= MAX_ENTRIES or _chars + len(html) > MAX_CHARS:
        _rendered.clear()
        _chars = 0
    _rendered[key] = html
    _chars += len(html)


def _variant(context, key: tuple, render, holes=()) -> SafeString:
    """``render()``'s output for ``key`` (which names everything it reads) from this process's
    memory, rendered with placeholders on a miss, with this request's token and path put in,
    and each of ``holes`` (``FreshNode``s in the block) rendered now where it stands."""
    request = context["request"]
    html = _rendered.get(key)
    if html is None:
        placeholders = {"request": _Placeholders(request), "csrf_token": CSRF_PLACEHOLDER}
        with context.push(placeholders, **{_IN_VARIANT: True}):
            html = render()
        _keep(key, html)
    if context.get(_IN_VARIANT):
        return mark_safe(html)  # noqa: S308 (inside a block being kept: it puts them all in)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, _token(request))
    if PATH_PLACEHOLDER in html:
        html = html.replace(PATH_PLACEHOLDER, conditional_escape(request.get_full_path()))
    for hole in holes:
        if hole.marker in html:
            html = html.replace(hole.marker, hole.nodelist.render(context))
    return mark_safe(html)  # noqa: S308 (rendered by the block's own, escaping, template)


def _reusable(context, version) -> bool:
    """Whether a block is kept: with a version, for a signed-in user (a page rendered before
    the authentication middleware ran, such as a CSRF failure's, has no user: rendered)."""
    user = getattr(context.get("request"), "user", None)
    return bool(version) and bool(getattr(user, "is_authenticated", False))


class FreshNode(template.Node):
    """A hole in a kept block: its marker while the block is rendered to be kept, its own
    output otherwise (and in the hole, on every request)."""

    def __init__(self, nodelist, number: int):
        self.nodelist, self.marker = nodelist, f"{_HOLE}-{number}-"

    def render(self, context) -> str:
        if context.get(_IN_VARIANT):
            return self.marker
        return self.nodelist.render(context)


class VariantNode(template.Node):
    def __init__(self, nodelist, version, parts):
        self.nodelist, self.version, self.parts = nodelist, version, parts
        self.holes = nodelist.get_nodes_by_type(FreshNode)

    def render(self, context) -> str:
        version = self.version.resolve(context)
        if not _reusable(context, version):
            return self.nodelist.render(context)
        key = (version, get_language(), *(part.resolve(context) for part in self.parts))
        return _variant(context, key, lambda: self.nodelist.render(context), self.holes)


@register.tag
def variant(parser, token):
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError("{% variant version part… %} needs a version and parts")
    nodelist = parser.parse(("endvariant",))
    parser.delete_first_token()
    return VariantNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )


_holes = iter(range(1, 1 << 62))


@register.tag
def fresh(parser, token):
    """``{% fresh %}…{% endfresh %}``: rendered on every request inside a ``{% variant %}``."""
    nodelist = parser.parse(("endfresh",))
    parser.delete_first_token()
    return FreshNode(nodelist, next(_holes))


# --- product cards ------------------------------------------------------------------------------
#
# A list of twenty cards cost forty template includes and their tags on every signed-in page;
# a card is put together here instead: its shared HTML (``fragments.card_parts``, cached per
# product), and its per-investor look (``_card_look.html``) through the same memory as above,
# keyed by everything the look reads.

_CARD = """<article class="product-card{platform}">
  <div class="product-card__main">
    {head}
    {look}
  </div>
  {figures}
</article>"""


# Whether the investor watches a product is orders' to say (products may not import it): asked
# through its template tag, as the templates do, once for a whole list, one precompiled
# template per engine.
_WATCHED_SOURCE = "{% load watch %}{% watched_ids %}"
_watched_templates: dict[int, template.Template] = {}


def _watched(context, products) -> set[str]:
    """The ids (as text) of the products the signed-in investor watches (``products``: the
    list asking; a set of them all answers for each)."""
    engine = context.template.engine
    compiled = _watched_templates.get(id(engine))
    if compiled is None:
        compiled = _watched_templates[id(engine)] = engine.from_string(_WATCHED_SOURCE)
    return set(compiled.render(context).split())


def _card(context, product, card, watched: set[str], fits: dict) -> str:
    engine = context.template.engine
    profile = context.get("profile")
    fit = fits.get(product.pk)
    watching = str(product.pk) in watched
    with context.push(product=product, fit=fit, watching=watching):
        if card is None:
            head = engine.get_template("products/_card_head.html").render(context)
            figures = engine.get_template("products/_card_figures.html").render(context)
        else:
            head, figures = card.head, card.figures
        look = engine.get_template("products/_card_look.html")
        version = context.get("card_version")
        if _reusable(context, version):
            key = (
                version,
                get_language(),
                "card-look",
                product.pk,
                getattr(profile, "risk_level", None),
                getattr(fit, "outcome", None),
                str(getattr(fit, "reason", "")),
                watching,
                bool(context.get("compare_enabled")),
                bool(context.get("compare_link")),
                tuple(context.get("compare_chosen") or ()),
            )
            html = _variant(context, key, lambda: look.render(context))
        else:
            html = look.render(context)
    return _CARD.format(
        platform=" product-card--platform" if product.is_platform_operated else "",
        head=head,
        look=html,
        figures=figures,
    )


@register.simple_tag(takes_context=True)
def product_card(context, product, card=None) -> SafeString:
    """One product's card (``_product_card.html``); ``card``: its cached shared HTML."""
    # An include without ``card`` passes the template's empty string: render the shared parts.
    watched = _watched(context, [product])
    fits = card_fits(context.get("profile"), [product])
    return mark_safe(_card(context, product, card or None, watched, fits))  # noqa: S308 (ours)


@register.simple_tag(takes_context=True)
def product_cards(context, products, cards) -> SafeString:
    """Each product's card in an ``<li>``, ``cards`` its shared HTML by product id."""
    watched = _watched(context, products)
    profile = context.get("profile")
    fits = card_fits(profile, products)

    def render() -> str:
        return "\n".join(
            f"<li>{_card(context, p, cards.get(p.pk), watched, fits)}</li>" for p in products
        )

    version = context.get("card_version")
    if not _reusable(context, version):
        return mark_safe(render())  # noqa: S308 (our escaping templates')
    # The whole list is one look too: the same page of products (their shared HTML is cached
    # per version and business day), seen at the same risk level, with the same of them
    # watched and chosen for comparison. Each card's look inside it comes from memory as well.
    key = (
        version,
        get_language(),
        timezone.localdate(),
        "card-list",
        tuple(p.pk for p in products),
        tuple(p.pk in cards for p in products),
        getattr(profile, "risk_level", None),
        bool(fits),
        tuple(sorted(str(p.pk) for p in products if str(p.pk) in watched)),
        bool(context.get("compare_enabled")),
        bool(context.get("compare_link")),
        tuple(context.get("compare_chosen") or ()),
    )
    return _variant(context, key, render)
