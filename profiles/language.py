"""The language a person reads the site in (issue 14). URLs carry no language prefix: the
``django_language`` cookie decides, else the browser's Accept-Language (LocaleMiddleware);
a signed-in user's saved choice (``User.language``) wins on every device, and choosing a
language in the header saves it for them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from . import services


@require_POST
def language_choose(request):
    """POST ``language`` (and ``next``): Django's ``set_language`` sets the cookie and goes
    back to the page; for a signed-in user the choice is saved on their account too."""
    response = set_language(request)
    if request.user.is_authenticated:
        try:
            services.language_set(user=request.user, language=request.POST.get("language", ""))
        except ValidationError:
            pass  # set_language ignored it too: nothing changes
    return response


class UserLanguageMiddleware:
    """After authentication: a signed-in user with a saved language reads the site in it, and
    the cookie follows, so signing in on a new device brings their language with them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user and user.is_authenticated else ""
        if chosen and chosen != translation.get_language():
            translation.activate(chosen)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if chosen and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != chosen:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                chosen,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
