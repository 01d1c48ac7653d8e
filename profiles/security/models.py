"""The trade PIN (the confirmation every movement of money asks for) and the devices an
investor has signed in from. The PIN lives in its own table, hashed with Django's password
hashers, never beside (nor like) the login password."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

MAX_ATTEMPTS = 5


class TradePin(models.Model):
    """One row per investor who has set a PIN or tried one (TOTP alone counts attempts too).

    ``pin_hash`` is blank until a PIN is set. ``failed_attempts`` counts wrong answers in a
    row; the fifth sets ``locked_until``.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trade_pin"
    )
    pin_hash = models.CharField(max_length=128, blank=True)
    set_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # The lock the investor was e-mailed about (a rerun of the task sends nothing more).
    lock_notice_sent_for = models.DateTimeField(null=True, blank=True)
    # The one reset link that is still good (its random part); blank when none is.
    reset_nonce = models.CharField(max_length=64, blank=True)
    reset_requested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(failed_attempts__lte=MAX_ATTEMPTS), name="trade_pin_attempts_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {'set' if self.pin_hash else 'not set'}"

    @property
    def is_set(self) -> bool:
        return bool(self.pin_hash)

    def locked_at(self, now) -> bool:
        return self.locked_until is not None and self.locked_until > now


class KnownDevice(models.Model):
    """A browser the user has signed in from, recognised by a long-lived signed cookie."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_devices"
    )
    device_id = models.CharField(max_length=64)
    user_agent = models.CharField(max_length=300, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "device_id"], name="known_device_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.user_agent[:40]}"
