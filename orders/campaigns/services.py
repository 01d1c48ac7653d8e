"""Campaign writes: drafts, launch (after the marketing rules), pause, resume, cancel, and
the scheduled start. Sending itself is :mod:`.fanout`; every status move goes through
:func:`campaign_transition`, which refuses an illegal move and records an event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, InstitutionStatus
from products.marketing import marketing_violations
from products.models import Product, ProductStatus
from profiles.models import AgeCohort, City, RiskCategory

from ..coupons.models import Coupon, CouponStatus
from . import fanout
from .lifecycle import campaign_transition
from .models import Campaign, CampaignStatus, Trigger

NOT_A_DRAFT = _("Only a draft can be changed; this campaign is %(status)s.")
PRODUCT_REQUIRED = _("Choose the product whose purchase starts the campaign.")
NOT_YOUR_PRODUCT = _("Choose one of your institution's products.")
PRODUCT_CLOSED = _("This product is closed.")
SEND_AT_REQUIRED = _("Choose when the campaign is sent.")
SEND_AT_PAST = _("Choose a time in the future.")
SEND_AT_TOO_FAR = _("Choose a time within a year.")
DELAY_TOO_LONG = _("The delay can be at most %(days)s days.")
UNKNOWN_CHOICE = _("Unknown value: %(value)s.")
DAYS_ORDER = _("'At least' cannot be more than 'at most'.")
DAYS_TOO_MANY = _("At most %(days)s days.")
NOT_APPROVED = _("Your institution must be approved to send campaigns.")
NOT_YOUR_COUPON = _("Choose one of your institution's coupons.")
COUPON_UNUSABLE = _("Coupon %(name)s is %(state)s: investors could not use it.")

MAX_DELAY_HOURS = 90 * 24
MAX_PURCHASE_DAYS = 3650
MAX_SCHEDULE_AHEAD = dt.timedelta(days=366)


def _choices(field: str, values: Iterable, allowed: list, errors: dict, *, cast=str) -> list:
    picked = []
    for value in values or []:
        try:
            value = cast(value)
        except (TypeError, ValueError):
            value = None
        if value not in allowed:
            errors.setdefault(field, []).append(
                ValidationError(UNKNOWN_CHOICE % {"value": str(value)[:40]}, code="invalid_choice")
            )
        elif value not in picked:
            picked.append(value)
    return sorted(picked)


def _own_product(product: Product | None, institution: Institution, field: str, errors: dict):
    if product is None:
        return None
    if product.institution_id != institution.pk:
        errors[field] = [ValidationError(NOT_YOUR_PRODUCT, code="foreign_product")]
    elif product.status == ProductStatus.CLOSED:
        errors[field] = [ValidationError(PRODUCT_CLOSED, code="product_closed")]
    return product


def _days(field: str, value, errors: dict) -> int | None:
    if value is not None and value > MAX_PURCHASE_DAYS:
        errors[field] = [
            ValidationError(DAYS_TOO_MANY % {"days": MAX_PURCHASE_DAYS}, code="too_many_days")
        ]
    return value


@transaction.atomic
def campaign_save(
    *,
    institution: Institution,
    actor,
    campaign: Campaign | None = None,
    title: str,
    body: str,
    trigger: str,
    product: Product | None = None,
    delay_hours: int = 0,
    send_at: dt.datetime | None = None,
    risk_levels: Iterable = (),
    age_cohorts: Iterable = (),
    cities: Iterable = (),
    holders_of: Product | None = None,
    purchased_min_days: int | None = None,
    purchased_max_days: int | None = None,
    coupon: Coupon | None = None,
) -> Campaign:
    """Create a draft, or change one (only a draft can change). ``coupon``: one of the
    institution's coupons, put in every recipient's wallet with the offer."""
    if campaign is not None:
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.institution_id != institution.pk:
            raise Campaign.DoesNotExist
        if not campaign.is_draft:
            raise ValidationError(
                NOT_A_DRAFT % {"status": campaign.get_status_display().lower()}, code="not_draft"
            )
    else:
        campaign = Campaign(institution=institution, created_by=actor)
    errors: dict[str, list] = {}
    now = timezone.now()
    product = _own_product(product, institution, "product", errors)
    holders_of = _own_product(holders_of, institution, "holders_of", errors)
    if coupon is not None:
        if coupon.institution_id != institution.pk:
            errors["coupon"] = [ValidationError(NOT_YOUR_COUPON, code="foreign_coupon")]
        elif problem := _coupon_problem(coupon, today=timezone.localdate(now)):
            errors["coupon"] = [problem]
    if trigger == Trigger.AFTER_PURCHASE:
        send_at = None
        if product is None and "product" not in errors:
            errors["product"] = [ValidationError(PRODUCT_REQUIRED, code="required")]
        if delay_hours > MAX_DELAY_HOURS:
            errors["delay_hours"] = [
                ValidationError(
                    DELAY_TOO_LONG % {"days": MAX_DELAY_HOURS // 24}, code="delay_too_long"
                )
            ]
    elif trigger == Trigger.SCHEDULED:
        product, delay_hours = None, 0
        if send_at is None:
            errors["send_at"] = [ValidationError(SEND_AT_REQUIRED, code="required")]
        elif send_at <= now:
            errors["send_at"] = [ValidationError(SEND_AT_PAST, code="send_at_past")]
        elif send_at > now + MAX_SCHEDULE_AHEAD:
            errors["send_at"] = [ValidationError(SEND_AT_TOO_FAR, code="send_at_too_far")]
    low = _days("purchased_min_days", purchased_min_days, errors)
    high = _days("purchased_max_days", purchased_max_days, errors)
    if low is not None and high is not None and low > high:
        errors.setdefault("purchased_max_days", []).append(
            ValidationError(DAYS_ORDER, code="days_order")
        )
    campaign.title = title
    campaign.body = body
    campaign.trigger = trigger
    campaign.product = product
    campaign.delay_hours = delay_hours
    campaign.send_at = send_at
    campaign.risk_levels = _choices(
        "risk_levels", risk_levels, RiskCategory.values, errors, cast=int
    )
    campaign.age_cohorts = _choices("age_cohorts", age_cohorts, AgeCohort.values, errors)
    campaign.cities = _choices("cities", cities, City.values, errors)
    campaign.holders_of = holders_of
    campaign.purchased_min_days = low
    campaign.purchased_max_days = high
    campaign.coupon = coupon
    campaign.updated_at = now
    try:
        campaign.full_clean(exclude=[f for f in errors if hasattr(campaign, f)])
    except ValidationError as exc:
        for field, field_errors in exc.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)
    campaign.save()
    return campaign


def _coupon_problem(coupon: Coupon, *, today: dt.date) -> ValidationError | None:
    """Why recipients could not use ``coupon`` (paused, ended, expired), or None."""
    if coupon.status != CouponStatus.ACTIVE:
        state = coupon.get_status_display().lower()
    elif coupon.valid_until < today:
        state = _("expired")
    else:
        return None
    return ValidationError(
        COUPON_UNUSABLE % {"name": coupon.name, "state": state}, code="coupon_unusable"
    )


def marketing_problems(campaign: Campaign) -> list[str]:
    """What the marketing rules (``products/marketing.py``) find in the title and the text."""
    return marketing_violations(campaign.title) + marketing_violations(campaign.body)


def _locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().select_related("institution").get(pk=campaign.pk)


@transaction.atomic
def campaign_launch(*, campaign: Campaign, actor) -> Campaign:
    """Launch a draft once its title and text pass the marketing rules (each broken rule is
    quoted). A scheduled campaign whose time has come starts sending at once."""
    campaign = _locked(campaign)
    if campaign.institution.status != InstitutionStatus.APPROVED:
        raise ValidationError(NOT_APPROVED, code="not_approved")
    if not campaign.is_draft:
        raise ValidationError(
            NOT_A_DRAFT % {"status": campaign.get_status_display().lower()}, code="not_draft"
        )
    problems = marketing_problems(campaign)
    if problems:
        raise ValidationError({"body": [ValidationError(p, code="marketing") for p in problems]})
    if campaign.coupon and (
        problem := _coupon_problem(campaign.coupon, today=timezone.localdate())
    ):
        raise ValidationError({"coupon": [problem]})
    campaign_transition(campaign=campaign, to=CampaignStatus.LAUNCHED, actor=actor)
    campaign.launched_at = timezone.now()
    campaign.save(update_fields=["launched_at"])
    if campaign.trigger == Trigger.SCHEDULED and campaign.send_at <= campaign.launched_at:
        campaign_start_sending(campaign=campaign)
    return campaign


@transaction.atomic
def campaign_pause(*, campaign: Campaign, actor, reason: str = "") -> Campaign:
    """Stop sending: ranges not yet delivered wait (those in flight finish)."""
    return campaign_transition(
        campaign=_locked(campaign), to=CampaignStatus.PAUSED, actor=actor, reason=reason
    )


@transaction.atomic
def campaign_resume(*, campaign: Campaign, actor) -> Campaign:
    """Go on where it stopped: beat starts a scheduled campaign whose time has passed."""
    return campaign_transition(campaign=_locked(campaign), to=CampaignStatus.LAUNCHED, actor=actor)


@transaction.atomic
def campaign_cancel(*, campaign: Campaign, actor, reason: str = "") -> Campaign:
    """Nothing more is sent (offers already delivered stay in the inboxes)."""
    return campaign_transition(
        campaign=_locked(campaign), to=CampaignStatus.CANCELLED, actor=actor, reason=reason
    )


@transaction.atomic
def campaign_start_sending(*, campaign: Campaign, now=None) -> int:
    """A scheduled campaign's time has come: one range task per id range, on ``offers``."""
    now = now or timezone.now()
    campaign = _locked(campaign)
    campaign_transition(campaign=campaign, to=CampaignStatus.SENDING, actor=None)
    return fanout.ranges_enqueue(campaign=campaign, now=now)


def campaigns_due_start(*, now=None) -> int:
    """Beat: start every launched scheduled campaign whose time has come; enqueue again the
    ranges a dead worker left. Returns how many campaigns started."""
    now = now or timezone.now()
    due = Campaign.objects.filter(
        status=CampaignStatus.LAUNCHED,
        trigger=Trigger.SCHEDULED,
        send_at__lte=now,
        institution__status=InstitutionStatus.APPROVED,
    ).order_by("pk")
    started = 0
    for campaign in due:
        try:
            campaign_start_sending(campaign=campaign, now=now)
        except ValidationError:  # paused or cancelled meanwhile
            continue
        started += 1
    fanout.ranges_requeue_stale(now=now)
    return started
