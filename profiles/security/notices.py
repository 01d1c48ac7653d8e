"""The e-mails of sign-in security, sent by the tasks (Django mail, templates under
templates/profiles/email/). Each is safe to run twice where sending twice would confuse."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from marketplace.i18n import language_for
from profiles.models import User

from . import services
from .devices import describe
from .models import TradePin


def _site_name() -> str:
    """The site's name as the e-mail's reader knows it (财富市场 in Chinese)."""
    if settings.SITE_NAME == "Fortune Market":
        return gettext("Fortune Market")
    return settings.SITE_NAME


def _send(*, user: User, template: str, context: dict) -> None:
    # Written in the recipient's language (the worker has no request to take one from).
    with translation.override(language_for(user)):
        context = {
            **context,
            "user": user,
            "site_name": _site_name(),
            "security_url": settings.SITE_URL + reverse("security:index"),
        }
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def pin_locked_send(*, user_id: int, locked_until: str) -> bool:
    """Tell the investor their PIN locked after five wrong answers (once per lock)."""
    until = dt.datetime.fromisoformat(locked_until)
    updated = (
        TradePin.objects.filter(user_id=user_id, locked_until=until)
        .exclude(lock_notice_sent_for=until)
        .update(lock_notice_sent_for=until)
    )
    if not updated:
        return False
    user = User.objects.get(pk=user_id)
    _send(
        user=user,
        template="profiles/email/pin_locked",
        context={"locked_until": timezone.localtime(until), "minutes": services.LOCK_MINUTES},
    )
    return True


def pin_reset_send(*, user_id: int) -> bool:
    """E-mail the current reset link (built from the row, so no secret waits in the outbox)."""
    record = TradePin.objects.select_related("user").filter(user_id=user_id).first()
    if record is None or not record.reset_nonce:
        return False
    token = services._reset_token(user_id, record.reset_nonce)
    _send(
        user=record.user,
        template="profiles/email/pin_reset",
        context={
            "reset_url": settings.SITE_URL + reverse("security:pin-reset-link", args=[token]),
            "minutes": services.RESET_LINK_MINUTES,
        },
    )
    return True


def new_device_send(*, user_id: int, when: str, user_agent: str, ip: str) -> bool:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    with translation.override(language_for(user)):
        device = describe(user_agent)
    _send(
        user=user,
        template="profiles/email/new_sign_in",
        context={
            "when": timezone.localtime(dt.datetime.fromisoformat(when)),
            "device": device,
            "user_agent": user_agent,
            "ip": ip or "",
        },
    )
    return True
