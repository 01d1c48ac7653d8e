"""What the header needs on every page: who is signed in, where they can go, and which of the
header's links is the current page's (``nav_current``: the header is kept once per look for
signed-in pages, ``{% variant %}`` in ``base.html``, so it reads these names, not the path)."""

from .membership_flags import membership_flags


def _current(request) -> tuple[str, ...]:
    """The header's links that point at this page's section."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    name = getattr(match, "url_name", None)
    sections = []
    if path.startswith("/products/"):
        sections.append("products")
    if name == "apply" and getattr(match, "namespace", None) == "institutions":
        sections.append("apply")
    if path.startswith(("/me/", "/accounts/")):
        sections.append("me")
    if path.startswith("/portal/"):
        sections.append("portal")
    if path.startswith("/staff/"):
        sections.append("staff")
    if name == "account_login":
        sections.append("login")
    return tuple(sections)


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    current = _current(request)
    if user is None or not user.is_authenticated:
        return {"nav_has_portal": False, "nav_current": current}
    # Cached per user with the MFA rule's answer (institutions.membership_flags): no query.
    return {"nav_has_portal": membership_flags(user).portal, "nav_current": current}
