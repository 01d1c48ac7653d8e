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
"""

from __future__ import annotations

from django import template
from django.middleware.csrf import get_token
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

MAX_ENTRIES = 20_000  # ~1 KB each; the whole memory is dropped past it (a new version does too)
CSRF_PLACEHOLDER = "fmCsrfPlaceholder0e8b1c"
PATH_PLACEHOLDER = "/fm-path-placeholder-7d41a9/"
_rendered: dict[tuple, str] = {}


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


class VariantNode(template.Node):
    def __init__(self, nodelist, version, parts):
        self.nodelist, self.version, self.parts = nodelist, version, parts

    def render(self, context) -> str:
        request = context.get("request")
        version = self.version.resolve(context)
        if not version or request is None or not request.user.is_authenticated:
            return self.nodelist.render(context)
        key = (version, get_language(), *(part.resolve(context) for part in self.parts))
        html = _rendered.get(key)
        if html is None:
            with context.push(request=_Placeholders(request), csrf_token=CSRF_PLACEHOLDER):
                html = self.nodelist.render(context)
            if len(_rendered) >= MAX_ENTRIES:
                _rendered.clear()
            _rendered[key] = html
        if CSRF_PLACEHOLDER in html:
            html = html.replace(CSRF_PLACEHOLDER, _token(request))
        if PATH_PLACEHOLDER in html:
            html = html.replace(PATH_PLACEHOLDER, conditional_escape(request.get_full_path()))
        return mark_safe(html)  # noqa: S308 (rendered by the block's own, escaping, template)


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
