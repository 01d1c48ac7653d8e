"""The investor's watchlist and the alerts set on its products (``orders.insight.watch``).

An alert fires once per trigger: when its condition becomes true it sends one inbox notice and
is disarmed (``armed``); it is armed again only once a later check finds the condition false
(a daily move: once a later NAV date is checked), so a NAV that stays above a threshold for a
week tells the investor once, not every evening."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WatchItem(models.Model):
    """A product the investor follows (one row per investor and product)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_items"
    )
    product = models.ForeignKey(
        "products.Product", on_delete=models.CASCADE, related_name="watch_items"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="watch_once_per_product"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.product_id}"


class AlertKind(models.TextChoices):
    NAV_ABOVE = "nav_above", _("NAV rises to or above")
    NAV_BELOW = "nav_below", _("NAV falls to or below")
    DAILY_MOVE = "daily_move", _("Daily move of at least (%)")
    ANNOUNCEMENT = "announcement", _("New announcement")


# The kinds judged on each new NAV (an announcement is judged on each new article).
NAV_KINDS = (AlertKind.NAV_ABOVE, AlertKind.NAV_BELOW, AlertKind.DAILY_MOVE)


class Alert(models.Model):
    """One condition on a watched product. ``threshold`` is a NAV (``nav_above``,
    ``nav_below``), a percentage of absolute daily move, 0 < x ≤ 100 (``daily_move``), or
    nothing (``announcement``). ``last_value`` is what the last check saw (the NAV, or the
    day's move in percent), ``last_checked_on`` the NAV date it judged."""

    item = models.ForeignKey(WatchItem, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=12, choices=AlertKind.choices)
    threshold = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    armed = models.BooleanField(default=True)
    last_fired_at = models.DateTimeField(null=True, blank=True)
    last_value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    last_checked_on = models.DateField(null=True, blank=True)
    fired_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AlertKind.values), name="alert_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind="announcement") & Q(threshold__isnull=True))
                | (~Q(kind="announcement") & Q(threshold__gt=0)),
                name="alert_threshold_fits_kind",
            ),
            models.CheckConstraint(
                condition=~Q(kind="daily_move") | Q(threshold__lte=100),
                name="alert_daily_move_at_most_100",
            ),
            models.UniqueConstraint(
                fields=["item", "kind", "threshold"], name="alert_once_per_threshold"
            ),
            models.UniqueConstraint(
                fields=["item", "kind"],
                condition=Q(kind="announcement"),
                name="alert_announcement_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Alert {self.pk}: {self.kind} {self.threshold}"


class AlertFiring(models.Model):
    """One trigger of an alert (a NAV date, or an article): the database's guarantee that two
    checks running at once never send it twice."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="firings")
    trigger = models.CharField(max_length=40, help_text="nav:2026-12-01 or article:12")
    value = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    fired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-fired_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "trigger"], name="alert_fires_once_per_trigger"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} fired on {self.trigger}"
