"""A NAV correction that re-prices the lots reinvested distributions bought: the payments follow
the lots, and their investors are told."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from marketplace.money import (
    format_amount,
    format_cny,
)

from ....campaigns.inbox import languages_of, message_row, messages_post
from ....campaigns.models import Topic
from ..models import DistributionPayment

REPRICED_TITLE = _("%(product)s: reinvested distribution re-priced")
REPRICED_BODY = _(
    "The NAV of %(date)s was corrected from %(old)s to %(new)s: the %(amount)s of your "
    "distribution reinvested at it bought %(units)s units instead of %(old_units)s."
)
REPRICED_SHORT = _(
    " %(short)s of those units were already sold, so %(owed)s is taken from your cash instead."
)


def reinvestments_follow_correction(*, correction, lines, now) -> None:
    """After a NAV correction re-priced the lots distributions reinvested at that NAV (trading
    re-prices the lots, keeping the money that bought them): each payment shows the units and
    NAV of its lot now, and its investor is told in the inbox. Cash and the amount reinvested
    do not change, so the statements and the ledger still agree."""
    by_lot = {line.lot_id: line for line in lines if line.lot_id}
    if not by_lot:
        return
    payments = list(
        DistributionPayment.objects.select_for_update()
        .filter(lot_id__in=by_lot)
        .select_related("distribution__product", "holding")
        .order_by("pk")
    )
    languages = languages_of(payment.holding.user_id for payment in payments)
    notices = []
    for payment in payments:
        line = by_lot[payment.lot_id]
        old_units = payment.units
        payment.units, payment.nav = line.new_units, correction.new_nav
        payment.save(update_fields=["units", "nav"])
        product = payment.distribution.product
        with translation.override(languages.get(payment.holding.user_id)):
            body = str(REPRICED_BODY) % {
                "date": correction.date,
                "old": correction.old_nav,
                "new": correction.new_nav,
                "amount": format_cny(payment.reinvested),
                "units": format_amount(line.new_units),
                "old_units": format_amount(old_units),
            }
            if line.cash_owed:
                body += str(REPRICED_SHORT) % {
                    "short": format_amount(old_units - line.new_units + line.units_moved),
                    "owed": format_cny(-line.cash_owed),
                }
            title = str(REPRICED_TITLE) % {"product": product.name}
        notices.append(
            message_row(
                user_id=payment.holding.user_id,
                topic=Topic.DISTRIBUTION_PAID,
                subject_key=f"navcorrection:{correction.pk}:distribution:{payment.distribution_id}",
                title=title,
                body=body,
                link=f"/me/portfolio/{product.slug}/distributions/",
                email=False,
                now=now,
            )
        )
    messages_post(rows=notices)
