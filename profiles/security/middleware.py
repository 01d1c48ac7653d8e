"""Hands the device id chosen at sign-in (signals.remember_device) to the browser as a
long-lived signed cookie."""

from __future__ import annotations

from django.conf import settings

from .signals import COOKIE, COOKIE_MAX_AGE, COOKIE_SALT


class DeviceCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        device_id = getattr(request, "fm_device_id", None)
        if device_id:
            response.set_signed_cookie(
                COOKIE,
                device_id,
                salt=COOKIE_SALT,
                max_age=COOKIE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
