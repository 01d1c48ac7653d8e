"""Placing one claimed plan purchase (the second step of the daily run, ``orders.plans.run``).

:func:`purchase_place` takes the claimed purchase (row locked ``SKIP LOCKED``, so two workers
never take the same one) and places it through ``orders.services.order_place`` with the plan's
own idempotency key ``plan-<id>-<due date>``: suitability, cash, fee snapshot and commission are
the order service's. A purchase it refuses is skipped with the reason (its error code) and the
investor told in the inbox, once per plan and due day; the third skip in a row pauses the plan
(and says so). A placed purchase resets the count; the last one finishes the plan.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from marketplace.accounts import EMAIL_NOT_VERIFIED
from marketplace.i18n import language_for
from marketplace.money import format_cny
from profiles.suitability import REFUSED_EXPIRED, REFUSED_NO_ASSESSMENT

from ..campaigns.inbox import message_row, messages_post
from ..campaigns.models import Topic
from ..services.cash.ledger import InsufficientCashError
from ..services.trading import checks as order_checks
from ..services.trading import placing as order_placing
from .models import InvestmentPlan, PlanPurchase, PlanStatus, PurchaseStatus
from .services import plan_transition

SKIPS_TO_PAUSE = 3

# Stored in English on the plan and its event (the column keeps the text); shown translated
# through models.stored_reason_text.
PAUSED_AFTER_SKIPS = gettext_noop("Paused after %(count)s purchases in a row could not be made.")
LAST_PURCHASE_MADE = gettext_noop("Last purchase made.")
# Inbox notices: rendered in the investor's language (translation.override) when they are sent.
SKIPPED_TITLE = _("Plan purchase skipped: %(product)s")
SKIPPED_BODY = _(
    "Your plan could not buy %(amount)s of %(product)s on %(date)s: %(reason)s Nothing was taken "
    "from your cash. The plan carries on with its next purchase on its next due day."
)
PAUSED_TITLE = _("Plan paused: %(product)s")
PAUSED_BODY = _(
    "Your plan to buy %(amount)s of %(product)s is paused: its last %(count)s purchases could "
    "not be made (the last: %(reason)s). Resume it from My account → Plans once the problem is "
    "solved."
)
FINISHED_TITLE = _("Plan finished: %(product)s")
FINISHED_BODY = _("Your plan to buy %(product)s has made its last purchase (%(count)s in all).")
PLAN_NOT_ACTIVE = _("The plan was paused or stopped before the purchase was placed.")

# Skip reasons: the order service's error code where it gives one, else one of these.
REASON_CASH = "insufficient_cash"
REASON_NO_ASSESSMENT = "no_assessment"
REASON_EXPIRED = "assessment_expired"
REASON_RISK = "risk_above_level"
REASON_CLOSED = "product_closed"
REASON_AMOUNT = "amount_refused"
REASON_EMAIL = "email_not_verified"
REASON_KEY = "idempotency_conflict"
REASON_NOT_ALLOWED = "not_allowed"
REASON_REFUSED = "refused"
REASON_PLAN_NOT_ACTIVE = "plan_not_active"


def skip_reason(exc: Exception) -> tuple[str, str]:
    """``(code, message)`` of why the order service refused a purchase."""
    if isinstance(exc, PermissionDenied):
        message = str(exc)
        return (REASON_EMAIL if message == EMAIL_NOT_VERIFIED else REASON_NOT_ALLOWED), message
    if isinstance(exc, order_placing.IdempotencyConflictError):
        return REASON_KEY, " ".join(exc.messages)
    if not isinstance(exc, ValidationError):
        return REASON_REFUSED, str(exc)
    if isinstance(exc.__cause__, InsufficientCashError):
        return REASON_CASH, " ".join(exc.messages)
    errors = exc.error_dict if hasattr(exc, "error_dict") else {"__all__": exc.error_list}
    for field, items in errors.items():
        for error in items:
            message = " ".join(error.messages)
            if error.code and error.code not in ("invalid", "required"):
                return error.code, message
            if field == "acknowledge_risk":
                return REASON_RISK, message
            if field == "product":
                if message == str(order_checks.NOT_ON_SALE):
                    return REASON_CLOSED, message
                if message == REFUSED_EXPIRED:
                    return REASON_EXPIRED, message
                if message == REFUSED_NO_ASSESSMENT:
                    return REASON_NO_ASSESSMENT, message
                return REASON_RISK, message
            if field == "amount":
                return REASON_AMOUNT, message
            return REASON_REFUSED, message
    return REASON_REFUSED, " ".join(exc.messages)


def plan_key(plan_id: int, due_date: dt.date) -> str:
    return f"plan-{plan_id}-{due_date:%Y-%m-%d}"


def _notice(plan: InvestmentPlan, *, topic: str, key: str, title, body, now) -> None:
    messages_post(
        rows=[
            message_row(
                user_id=plan.user_id,
                topic=topic,
                subject_key=key,
                title=str(title),
                body=str(body),
                link=f"/me/plans/{plan.pk}/",
                now=now,
            )
        ]
    )


def _skip(purchase: PlanPurchase, plan: InvestmentPlan, *, code: str, message: str, now) -> None:
    purchase.status = PurchaseStatus.SKIPPED
    purchase.reason_code = code[:40]
    purchase.reason = message[:500]
    purchase.decided_at = now
    purchase.save(update_fields=["status", "reason_code", "reason", "decided_at"])
    if code == REASON_PLAN_NOT_ACTIVE:
        return
    product = plan.product.name
    with translation.override(language_for(plan.user)):
        _notice(
            plan,
            topic=Topic.PLAN_SKIPPED,
            key=f"plan:{plan.pk}:{purchase.due_date:%Y-%m-%d}",
            title=SKIPPED_TITLE % {"product": product},
            body=SKIPPED_BODY
            % {
                "amount": format_cny(purchase.amount),
                "product": product,
                "date": purchase.due_date,
                "reason": gettext(message),
            },
            now=now,
        )
    plan.consecutive_skips += 1
    plan.save(update_fields=["consecutive_skips"])
    if plan.consecutive_skips >= SKIPS_TO_PAUSE:
        reason = PAUSED_AFTER_SKIPS % {"count": plan.consecutive_skips}
        plan_transition(plan=plan, to_status=PlanStatus.PAUSED, actor=None, reason=reason)
        with translation.override(language_for(plan.user)):
            _notice(
                plan,
                topic=Topic.PLAN_PAUSED,
                key=f"plan:{plan.pk}:{purchase.due_date:%Y-%m-%d}",
                title=PAUSED_TITLE % {"product": product},
                body=PAUSED_BODY
                % {
                    "amount": format_cny(plan.amount),
                    "product": product,
                    "count": plan.consecutive_skips,
                    "reason": gettext(message),
                },
                now=now,
            )


def _placed(purchase: PlanPurchase, plan: InvestmentPlan, *, order, now) -> None:
    purchase.status = PurchaseStatus.PLACED
    purchase.order = order
    purchase.decided_at = now
    purchase.save(update_fields=["status", "order", "decided_at"])
    plan.consecutive_skips = 0
    plan.purchases_made += 1
    plan.save(update_fields=["consecutive_skips", "purchases_made"])
    if plan.max_purchases is not None and plan.purchases_made >= plan.max_purchases:
        plan_transition(
            plan=plan, to_status=PlanStatus.FINISHED, actor=None, reason=LAST_PURCHASE_MADE
        )
        with translation.override(language_for(plan.user)):
            _notice(
                plan,
                topic=Topic.PLAN_FINISHED,
                key=f"plan:{plan.pk}",
                title=FINISHED_TITLE % {"product": plan.product.name},
                body=FINISHED_BODY % {"product": plan.product.name, "count": plan.purchases_made},
                now=now,
            )


@transaction.atomic
def purchase_place(*, purchase_id: int, now=None) -> str | None:
    """Place one claimed purchase, or skip it with its reason; returns the new status (None:
    another worker has it, or it was already decided)."""
    now = now or timezone.now()
    purchase = (
        PlanPurchase.objects.select_for_update(skip_locked=True)
        .filter(pk=purchase_id, status=PurchaseStatus.CLAIMED)
        .first()
    )
    if purchase is None:
        return None
    plan = (
        InvestmentPlan.objects.select_for_update(of=("self",))
        .select_related("product", "product__institution", "user")
        .get(pk=purchase.plan_id)
    )
    if plan.status != PlanStatus.ACTIVE:
        with translation.override("en"):  # the reason column keeps English; shown translated
            message = str(PLAN_NOT_ACTIVE)
        _skip(purchase, plan, code=REASON_PLAN_NOT_ACTIVE, message=message, now=now)
        return purchase.status
    key = plan_key(plan.pk, purchase.due_date)
    try:
        order, _created = order_placing.order_place(
            user=plan.user,
            product=plan.product,
            side="buy",
            amount=purchase.amount,
            acknowledge_risk=False,
            idempotency_key=key,
            request_hash=f"plan:{plan.pk}:{purchase.due_date:%Y-%m-%d}:{purchase.amount}",
            now=now,
        )
    except (ValidationError, PermissionDenied) as exc:
        with translation.override("en"):  # the reason column keeps English; shown translated
            code, message = skip_reason(exc)
        _skip(purchase, plan, code=code, message=message, now=now)
    else:
        _placed(purchase, plan, order=order, now=now)
    return purchase.status
