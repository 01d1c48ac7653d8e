"""Investment plans: create, pause, resume, change, stop (each with an event row).

The purchases themselves are placed by the daily run (``orders.plans.run``) through the one
order service. What a plan is checked against when it is set up or changed is that service's
own check (``order_check``: e-mail verified, product on sale, amount, suitability), so a plan
never accepts what a purchase would refuse on the first day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from marketplace.errors import field_error
from products.models import Product, ProductKind
from profiles.identity.selectors import identity_required

from ..services.trading import checks as order_checks
from . import schedule
from .models import PLAN_TRANSITIONS, Frequency, InvestmentPlan, PlanEvent, PlanStatus

MAX_PURCHASES = 1000
MAX_START_AHEAD_DAYS = 366

NOT_A_FUND = _("Plans buy funds only: choose a fund.")
RISK_ABOVE_LEVEL = _(
    "This fund's risk level is above yours: a plan buys without asking each time, so it can "
    "only buy funds that suit your risk level."
)
BAD_FREQUENCY = _("Choose weekly, every two weeks or monthly.")
BAD_WEEKDAY = _("Choose a weekday, Monday (1) to Friday (5).")
BAD_MONTH_DAY = _("Choose a day of the month from 1 to 28 (every month has it).")
START_TOO_SOON = _("The first purchase can be tomorrow at the earliest (%(date)s).")
START_TOO_LATE = _("Start within a year (by %(date)s).")
END_BEFORE_START = _("The end date must be on or after the start date.")
ONE_END_ONLY = _("End the plan by a date or by a number of purchases, not both.")
BAD_MAX_PURCHASES = _("Enter a number of purchases from 1 to %(maximum)s.")
ILLEGAL_MOVE = _("A plan that is %(from_status)s cannot become %(to_status)s.")
NOTHING_TO_CHANGE = _("Change the amount or the day (or both).")
NOT_CHANGEABLE = _("A %(status)s plan cannot be changed.")


def tomorrow(now: dt.datetime | None = None) -> dt.date:
    return timezone.localdate(now or timezone.now()) + dt.timedelta(days=1)


def _check_day(frequency: str, day) -> int:
    if frequency not in Frequency.values:
        raise field_error("frequency", BAD_FREQUENCY, "invalid_frequency")
    try:
        day = int(day)
    except (TypeError, ValueError):
        day = 0
    if frequency == Frequency.MONTHLY and not 1 <= day <= 28:
        raise field_error("day", BAD_MONTH_DAY, "invalid_day")
    if frequency != Frequency.MONTHLY and not 1 <= day <= 5:
        raise field_error("day", BAD_WEEKDAY, "invalid_day")
    return day


def _check_amount(*, user, product: Product, amount) -> Decimal:
    """The order service's own check of a buy of ``amount`` today (no acknowledgement: a plan
    may only buy what suits the investor)."""
    if product.kind != ProductKind.FUND:
        raise field_error("product", NOT_A_FUND, "not_a_fund")
    try:
        checked, _suitability = order_checks.order_check(
            user=user, product=product, side="buy", amount=amount, acknowledge_risk=False
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict") and "acknowledge_risk" in exc.error_dict:
            raise field_error("product", RISK_ABOVE_LEVEL, "risk_above_level") from exc
        raise
    return checked


def _check_end(*, start_date: dt.date, end_date, max_purchases) -> None:
    if end_date is not None and max_purchases is not None:
        raise field_error("end_date", ONE_END_ONLY, "one_end_only")
    if end_date is not None and end_date < start_date:
        raise field_error("end_date", END_BEFORE_START, "end_before_start")
    if max_purchases is not None and not 1 <= int(max_purchases) <= MAX_PURCHASES:
        raise field_error(
            "max_purchases",
            BAD_MAX_PURCHASES % {"maximum": MAX_PURCHASES},
            "invalid_max_purchases",
        )


def _event(plan: InvestmentPlan, *, actor, from_status: str, reason: str) -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan,
        actor=actor,
        from_status=from_status,
        to_status=plan.status,
        reason=str(reason)[:300],
    )


def _set_schedule(plan: InvestmentPlan, *, schedule_from: dt.date, keep_cycle: bool) -> None:
    """Start the plan's schedule at ``schedule_from``; a fortnightly plan keeps its rhythm
    when ``keep_cycle`` (a resume), or starts a new one at its first matching day."""
    plan.schedule_from = schedule_from
    anchor = schedule.anchor_for(
        frequency=plan.frequency, day=plan.day, schedule_from=schedule_from
    )
    if keep_cycle and plan.frequency == Frequency.FORTNIGHTLY:
        while anchor.toordinal() % 14 != plan.cycle:
            anchor += dt.timedelta(days=7)
    plan.anchor_date = anchor
    plan.cycle = anchor.toordinal() % 14


def plan_create(
    *,
    user,
    product: Product,
    amount,
    frequency: str,
    day,
    start_date: dt.date,
    end_date: dt.date | None = None,
    max_purchases: int | None = None,
    creation_key: str = "",
    now: dt.datetime | None = None,
) -> tuple[InvestmentPlan, bool]:
    """Set up a plan; returns it and whether it was created (False: a replay of
    ``creation_key``, which returns the plan that key made). Nothing is bought now: the first
    purchase is on the first due day on or after ``start_date`` (tomorrow at the earliest)."""
    now = now or timezone.now()
    if creation_key:
        existing = InvestmentPlan.objects.filter(user=user, creation_key=creation_key).first()
        if existing is not None:
            return existing, False
    identity_required(user=user)  # a plan commits money every period: only a verified person
    day = _check_day(frequency, day)
    earliest = tomorrow(now)
    if start_date < earliest:
        raise field_error("start_date", START_TOO_SOON % {"date": earliest}, "start_too_soon")
    latest = earliest + dt.timedelta(days=MAX_START_AHEAD_DAYS)
    if start_date > latest:
        raise field_error("start_date", START_TOO_LATE % {"date": latest}, "start_too_late")
    _check_end(start_date=start_date, end_date=end_date, max_purchases=max_purchases)
    amount = _check_amount(user=user, product=product, amount=amount)
    plan = InvestmentPlan(
        user=user,
        product=product,
        amount=amount,
        frequency=frequency,
        day=day,
        start_date=start_date,
        end_date=end_date,
        max_purchases=max_purchases,
        creation_key=creation_key,
        created_at=now,
        updated_at=now,
    )
    _set_schedule(plan, schedule_from=start_date, keep_cycle=False)
    try:
        with transaction.atomic():
            plan.save()
            _event(plan, actor=user, from_status="", reason=gettext_noop("Plan set up."))
    except IntegrityError:
        existing = (
            InvestmentPlan.objects.filter(user=user, creation_key=creation_key).first()
            if creation_key
            else None
        )
        if existing is None:
            raise
        return existing, False
    return plan, True


def plan_transition(*, plan: InvestmentPlan, to_status: str, actor, reason: str) -> InvestmentPlan:
    """The one way a plan changes status: legal moves only, with an event row. Call inside a
    transaction holding the plan's row lock."""
    if to_status not in PLAN_TRANSITIONS[plan.status]:
        raise ValidationError(
            ILLEGAL_MOVE
            % {
                "from_status": plan.get_status_display().lower(),
                "to_status": PlanStatus(to_status).label.lower(),
            },
            code="illegal_plan_move",
        )
    from_status = plan.status
    plan.status = to_status
    plan.status_reason = str(reason)[:300]
    plan.updated_at = timezone.now()
    plan.save(update_fields=["status", "status_reason", "updated_at"])
    _event(plan, actor=actor, from_status=from_status, reason=reason)
    return plan


def _locked(plan: InvestmentPlan) -> InvestmentPlan:
    return InvestmentPlan.objects.select_for_update().select_related("product").get(pk=plan.pk)


@transaction.atomic
def plan_pause(
    *, plan: InvestmentPlan, actor, reason: str = gettext_noop("Paused by the investor.")
) -> InvestmentPlan:
    return plan_transition(
        plan=_locked(plan), to_status=PlanStatus.PAUSED, actor=actor, reason=reason
    )


@transaction.atomic
def plan_resume(*, plan: InvestmentPlan, actor, now: dt.datetime | None = None) -> InvestmentPlan:
    """Resume from tomorrow (due days missed while paused are not bought later); the skip
    count starts again at zero."""
    plan = _locked(plan)
    if plan.status == PlanStatus.PAUSED:
        _set_schedule(plan, schedule_from=max(tomorrow(now), plan.start_date), keep_cycle=True)
        plan.consecutive_skips = 0
        plan.save(update_fields=["schedule_from", "anchor_date", "cycle", "consecutive_skips"])
    return plan_transition(
        plan=plan,
        to_status=PlanStatus.ACTIVE,
        actor=actor,
        reason=gettext_noop("Resumed by the investor."),
    )


@transaction.atomic
def plan_stop(*, plan: InvestmentPlan, actor) -> InvestmentPlan:
    """Stop for good (purchases already placed stay as they are)."""
    return plan_transition(
        plan=_locked(plan),
        to_status=PlanStatus.STOPPED,
        actor=actor,
        reason=gettext_noop("Stopped by the investor."),
    )


@transaction.atomic
def plan_change(
    *, plan: InvestmentPlan, actor, amount=None, day=None, now: dt.datetime | None = None
) -> InvestmentPlan:
    """Change the amount and/or the day. Purchases already placed (or being placed today)
    keep theirs; the new amount and day apply from the next due day after today."""
    plan = _locked(plan)
    if plan.status not in (PlanStatus.ACTIVE, PlanStatus.PAUSED):
        raise ValidationError(
            NOT_CHANGEABLE % {"status": plan.get_status_display().lower()}, code="plan_closed"
        )
    if amount in (None, "") and day in (None, ""):
        raise ValidationError(NOTHING_TO_CHANGE, code="nothing_to_change")
    changes = []
    if amount not in (None, ""):
        new_amount = _check_amount(user=plan.user, product=plan.product, amount=amount)
        if new_amount != plan.amount:
            changes.append(f"amount {plan.amount} → {new_amount}")
            plan.amount = new_amount
    if day not in (None, ""):
        new_day = _check_day(plan.frequency, day)
        if new_day != plan.day:
            changes.append(f"day {plan.day} → {new_day}")
            plan.day = new_day
            _set_schedule(plan, schedule_from=max(tomorrow(now), plan.start_date), keep_cycle=False)
    if not changes:
        return plan
    plan.updated_at = timezone.now()
    plan.save(
        update_fields=["amount", "day", "schedule_from", "anchor_date", "cycle", "updated_at"]
    )
    _event(plan, actor=actor, from_status=plan.status, reason="Changed: " + ", ".join(changes))
    return plan
