"""Which after-sales notices the investor may stop receiving by e-mail.

Every notice lands in the inbox. The e-mail copy can be turned off only for the notices that
are a receipt of something the investor did or a courtesy reminder (order confirmed, money paid
out, assessment expiring: the inbox, the order page and the checkout say the same). The others
protect the investor's money or rights and always come by e-mail: a deposit maturing or matured,
the last days of a policy's cooling-off, a held product's risk raised above the investor's
level, an answer to their question or complaint, an order changed by the platform."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Topic
from ..notice_models import NotificationPreferences

# Optional e-mail → the preferences column that holds it (True: e-mailed).
OPTIONAL: dict[str, str] = {
    Topic.ORDER_CONFIRMED: "order_confirmed_email",
    Topic.REDEMPTION_PAID: "redemption_paid_email",
    Topic.ASSESSMENT_EXPIRING: "assessment_expiring_email",
}
ALWAYS_EMAILED: tuple[str, ...] = (
    Topic.SAVINGS_MATURING,
    Topic.SAVINGS_MATURED,
    Topic.COOLING_OFF_ENDING,
    Topic.RISK_RAISED,
    Topic.REQUEST_ANSWERED,
    Topic.ORDER_CHANGED,
)
WHY_ALWAYS = {
    Topic.SAVINGS_MATURING: _("your money is about to be paid out"),
    Topic.SAVINGS_MATURED: _("your money was paid into your cash"),
    Topic.COOLING_OFF_ENDING: _("after it you can no longer cancel the policy for a refund"),
    Topic.RISK_RAISED: _("something you hold became riskier than you said you can accept"),
    Topic.REQUEST_ANSWERED: _("an institution answered your question or complaint"),
    Topic.ORDER_CHANGED: _("the platform moved, re-priced or cancelled one of your orders"),
}
ALWAYS_ON = _("This notice is always e-mailed: it protects your money or your rights.")
NOT_A_TOPIC = _("Not a notice that can be turned off.")


def email_off(*, topic: str, user_ids: Iterable[int]) -> set[int]:
    """Those of ``user_ids`` who turned the e-mail of ``topic`` off (always empty for a notice
    that is always e-mailed)."""
    column = OPTIONAL.get(topic)
    ids = set(user_ids)
    if column is None or not ids:
        return set()
    return set(
        NotificationPreferences.objects.filter(user_id__in=ids, **{column: False}).values_list(
            "user_id", flat=True
        )
    )


def preferences_of(*, user) -> dict[str, bool]:
    """``{topic: e-mailed}`` for every optional notice (defaults when nothing was changed)."""
    row = NotificationPreferences.objects.filter(user=user).first()
    return {topic: getattr(row, column) if row else True for topic, column in OPTIONAL.items()}


@transaction.atomic
def preferences_update(*, user, email: dict[str, bool]) -> dict[str, bool]:
    """Turn the e-mail of optional notices on or off (``{topic: bool}``). Turning off one that
    is always e-mailed, or naming no notice at all, is refused with a field error and nothing
    changes (asking for an always-e-mailed one to stay on is fine: it is)."""
    errors = {}
    for topic, value in email.items():
        if topic in ALWAYS_EMAILED:
            if value is not True:
                errors[topic] = ValidationError(ALWAYS_ON, code="notice_always_emailed")
        elif topic not in OPTIONAL:
            errors[topic] = ValidationError(NOT_A_TOPIC, code="notice_unknown")
        elif not isinstance(value, bool):
            errors[topic] = ValidationError(_("Must be true or false."), code="invalid")
    if errors:
        raise ValidationError(errors)
    email = {topic: value for topic, value in email.items() if topic in OPTIONAL}
    if email:
        row, _created = NotificationPreferences.objects.select_for_update().get_or_create(user=user)
        for topic, value in email.items():
            setattr(row, OPTIONAL[topic], value)
        row.updated_at = timezone.now()
        row.save()
    return preferences_of(user=user)
