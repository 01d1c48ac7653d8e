"""What the header needs on every page: who is signed in and where they can go."""

from .membership_flags import membership_flags


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_has_portal": False}
    # Cached per user with the MFA rule's answer (institutions.membership_flags): no query.
    return {"nav_has_portal": membership_flags(user).portal}
