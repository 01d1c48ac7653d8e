"""Automatic investment plans: the plan, its purchases (one per due day) and its events."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace.money import AmountField

_PAUSED_AFTER = re.compile(r"Paused after (\d+) purchases in a row could not be made\.")


def stored_reason_text(text: str) -> str:
    """A reason kept in English in a plan's or a purchase's column, in the reader's language:
    the fixed texts are msgids (gettext finds them), the pause after skips carries its count.
    A text no catalogue knows stays as it was stored."""
    if not text:
        return ""
    match = _PAUSED_AFTER.fullmatch(text)
    if match:
        count = int(match.group(1))
        return ngettext(
            "Paused after %(count)s purchase in a row could not be made.",
            "Paused after %(count)s purchases in a row could not be made.",
            count,
        ) % {"count": count}
    return gettext(text)


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


class PlanStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    STOPPED = "stopped", _("Stopped")
    FINISHED = "finished", _("Finished")


# The one table of allowed moves (orders.plans.services.plan_transition enforces it).
PLAN_TRANSITIONS = {
    PlanStatus.ACTIVE: {PlanStatus.PAUSED, PlanStatus.STOPPED, PlanStatus.FINISHED},
    PlanStatus.PAUSED: {PlanStatus.ACTIVE, PlanStatus.STOPPED, PlanStatus.FINISHED},
    PlanStatus.STOPPED: set(),
    PlanStatus.FINISHED: set(),
}


class InvestmentPlan(models.Model):
    """A plan to buy ``product`` for ``amount`` from the cash balance on every due day.

    ``day`` is the ISO weekday (1 = Monday … 7 = Sunday) for weekly and fortnightly plans, the
    day of the month (1–28) for monthly ones. ``anchor_date`` is the first scheduled date of the
    current schedule (a fortnightly plan buys every 14 days from it); ``schedule_from`` is the
    first day the current schedule counts from (a change, a resume or the start), so a change
    never reaches back. A scheduled date that is not a trading day rolls to the next trading day.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="investment_plans"
    )
    product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, related_name="investment_plans"
    )
    amount = AmountField()
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    day = models.PositiveSmallIntegerField()
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    max_purchases = models.PositiveIntegerField(null=True, blank=True)
    anchor_date = models.DateField()
    # A fortnightly plan buys on dates whose ordinal % 14 equals this (the anchor's): the
    # daily claim compares one integer, on any database.
    cycle = models.PositiveSmallIntegerField(default=0)
    schedule_from = models.DateField()
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    purchases_made = models.PositiveIntegerField(default=0)
    consecutive_skips = models.PositiveSmallIntegerField(default=0)
    status_reason = models.CharField(max_length=300, blank=True)
    creation_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="plan_user_idx"),
            # The daily claim reads active plans by id range.
            models.Index(fields=["id"], condition=Q(status="active"), name="plan_active_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="plan_amount_positive"),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="plan_frequency_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="plan_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(frequency="monthly") & Q(day__gte=1, day__lte=28))
                | (Q(frequency__in=["weekly", "fortnightly"]) & Q(day__gte=1, day__lte=5)),
                name="plan_day_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(max_purchases__isnull=True),
                name="plan_one_end",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="plan_end_after_start",
            ),
            models.CheckConstraint(condition=Q(cycle__lte=13), name="plan_cycle_valid"),
            models.CheckConstraint(
                condition=Q(max_purchases__isnull=True) | Q(max_purchases__gte=1),
                name="plan_max_purchases_positive",
            ),
            models.CheckConstraint(
                condition=Q(anchor_date__gte=models.F("schedule_from")),
                name="plan_anchor_in_schedule",
            ),
            models.UniqueConstraint(
                fields=["user", "creation_key"],
                condition=~Q(creation_key=""),
                name="plan_creation_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.pk}: {self.amount} of {self.product_id} {self.frequency}"

    @property
    def status_reason_text(self) -> str:
        return stored_reason_text(self.status_reason)


class PurchaseStatus(models.TextChoices):
    CLAIMED = "claimed", _("Being placed")  # the day's run claimed it; its order comes next
    PLACED = "placed", _("Placed")
    SKIPPED = "skipped", _("Skipped")


class PlanPurchase(models.Model):
    """One due day of one plan: the order placed for it, or why it was skipped. Unique per
    plan and due day, so a rerun (or a second worker) never buys twice."""

    plan = models.ForeignKey(InvestmentPlan, on_delete=models.PROTECT, related_name="purchases")
    due_date = models.DateField()
    amount = AmountField()
    status = models.CharField(
        max_length=8, choices=PurchaseStatus.choices, default=PurchaseStatus.CLAIMED
    )
    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_purchase",
    )
    reason_code = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-due_date", "-id"]
        indexes = [
            # The sweep of a day's purchases still to place.
            models.Index(
                fields=["due_date", "id"], condition=Q(status="claimed"), name="plan_claimed_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["plan", "due_date"], name="plan_purchase_once_a_day"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="plan_purchase_amount_positive"),
            models.CheckConstraint(
                condition=Q(status__in=PurchaseStatus.values), name="plan_purchase_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="placed") | Q(order__isnull=False),
                name="plan_purchase_placed_has_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="skipped") | ~Q(reason_code=""),
                name="plan_purchase_skipped_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} on {self.due_date}: {self.status}"

    @property
    def reason_text(self) -> str:
        return stored_reason_text(self.reason)


class PlanEvent(models.Model):
    """Every change of a plan: who, when, what (status moves and changes of amount or day)."""

    plan = models.ForeignKey(InvestmentPlan, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    from_status = models.CharField(max_length=10, choices=PlanStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=PlanStatus.choices)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Plan {self.plan_id}: {self.from_status or '—'} → {self.to_status}"
