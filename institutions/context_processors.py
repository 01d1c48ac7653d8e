"""What the header needs on every page: who is signed in and where they can go."""

from functools import cache

from .selectors import memberships_for_user


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_has_portal": False}

    @cache
    def has_portal() -> bool:  # evaluated lazily, at most once, only by templates that ask
        return memberships_for_user(user=user).exists()

    return {"nav_has_portal": has_portal}
