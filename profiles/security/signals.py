"""On every sign-in, recognise the browser by its device cookie (see services.device_sign_in)."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from . import services

COOKIE = "fm_device"
COOKIE_SALT = "profiles.security.device"
COOKIE_MAX_AGE = 2 * 365 * 24 * 60 * 60


@receiver(user_logged_in, dispatch_uid="profiles.security.remember_device")
def remember_device(sender, request, user, **kwargs):
    # Only sign-ins that came through the web server are device sign-ins (a shell or a test
    # client's force_login has no client address).
    if request is None or not request.META.get("REMOTE_ADDR"):
        return
    known = request.get_signed_cookie(COOKIE, default=None, salt=COOKIE_SALT)
    device_id, _ = services.device_sign_in(
        user=user,
        device_id=known,
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        ip=get_adapter().get_client_ip(request),
    )
    request.fm_device_id = device_id
