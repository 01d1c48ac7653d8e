"""An investor's choice of which after-sales notices also come by e-mail (the inbox copy always
arrives). Only the notices that do not protect the investor's money or rights can be turned off;
see ``orders.campaigns.notices.preferences``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationPreferences(models.Model):
    """One row per investor who changed a default; no row means every e-mail is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    order_confirmed_email = models.BooleanField(default=True)
    redemption_paid_email = models.BooleanField(default=True)
    assessment_expiring_email = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "notification preferences"

    def __str__(self) -> str:
        return f"Notification preferences of {self.user_id}"
