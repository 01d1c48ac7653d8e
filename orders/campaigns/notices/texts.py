"""What the after-sales notices say: every text a constant (translatable), every figure written
as the rest of the site writes it: CNY 1,234.56 (¥1,234.56 in Chinese), units to 2 dp, NAV to
4 dp, dates 2026-11-23."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.money import format_cny


def cny(amount: Decimal | None) -> str:
    return format_cny(amount or Decimal(0))


def units(value: Decimal | None) -> str:
    return number_format(value or Decimal(0), 2, use_l10n=True, force_grouping=True)


def nav(value: Decimal | None) -> str:
    return number_format(value or Decimal(0), 4, use_l10n=True, force_grouping=True)


def day(value: dt.date) -> str:
    return value.isoformat()


def in_days(count: int) -> str:
    if count <= 0:
        return str(_("today"))
    return ngettext("in %(n)d day", "in %(n)d days", count) % {"n": count}


def policies(count: int) -> str:
    return ngettext("%(n)d policy", "%(n)d policies", count) % {"n": count}


def order_link(order_id: int) -> str:
    return reverse("orders:detail", args=[order_id])


def product_link(slug: str) -> str:
    return reverse("products:detail", args=[slug])


def risk_link() -> str:
    return reverse("profiles:risk")


# --- order confirmed ----------------------------------------------------------------------------

CONFIRMED_TITLE = _("Order confirmed: {product}")
CONFIRMED_FUND_BUY = _(
    "Your purchase of {amount} of {product} (order {order}) was confirmed at the NAV of "
    "{trade_date}, {nav}: {units} units, after a subscription fee of {fee}."
)
CONFIRMED_FUND_SELL = _(
    "Your redemption of {units} units of {product} (order {order}) was confirmed at the NAV of "
    "{trade_date}, {nav}: {gross} before a redemption fee of {fee}, {paid} paid into your cash."
)
CONFIRMED_SAVINGS_BUY = _(
    "Your deposit of {amount} in {product} (order {order}) was confirmed on {trade_date}. "
    "It matures on {matures_on} and is then paid into your cash with its interest. No fee."
)
CONFIRMED_SAVINGS_SELL = _(
    "Your early withdrawal of {principal} from {product} (order {order}) was confirmed: "
    "{paid} paid into your cash (the principal with interest at the early-withdrawal rate)."
)
CONFIRMED_INSURANCE_BUY = _(
    "Your policy {product} (order {order}, premium {amount}) is in force from {trade_date}. "
    "You can cancel it for a refund until {cooling_off_until}."
)
CONFIRMED_INSURANCE_SELL = _(
    "The cancellation of {policies} of {product} (order {order}) was confirmed: a refund of "
    "{paid} (the premium less a cancellation fee of {fee})."
)

# --- money paid out -----------------------------------------------------------------------------

PAID_TITLE = _("{paid} paid into your cash: {product}")
PAID_BODY = _(
    "The proceeds of your {what} of {product} (order {order}) reached your cash account: {paid}. "
    "You can use them for your next purchase or withdraw them to your bank card."
)
PAID_WHAT = {
    "fund": _("redemption"),
    "savings": _("early withdrawal"),
    "insurance": _("policy cancellation (refund)"),
}

# --- savings ------------------------------------------------------------------------------------

MATURING_TITLE = _("Your deposit in {product} matures on {matures_on}")
MATURING_BODY = _(
    "Your deposit of {principal} in {product}, made on {acquired_on}, matures on {matures_on} "
    "({when}). That evening it is paid into your cash with its full-term interest of "
    "{interest}: {total} in all. You need do nothing. Withdrawing before then pays only the "
    "early-withdrawal rate."
)
MATURED_TITLE = _("Your deposit in {product} has matured")
MATURED_BODY = _(
    "Your deposit of {principal} in {product} matured on {matures_on} and was paid into your "
    "cash with its interest of {interest}: {total} in all."
)

# --- insurance ----------------------------------------------------------------------------------

COOLING_OFF_TITLE = _("The cooling-off period of {product} ends on {until}")
COOLING_OFF_BODY = _(
    "You can still cancel your policy {product} (order {order}) for a refund of its premium "
    "{premium} less a cancellation fee of {fee} until {until} ({when}). After that day it can "
    "no longer be cancelled for a refund. To keep the policy, do nothing."
)

# --- risk assessment ----------------------------------------------------------------------------

ASSESSMENT_TITLE = _("Your risk assessment expires on {valid_until}")
ASSESSMENT_BODY = _(
    "Your risk assessment (risk level C{level}) is valid until {valid_until} ({when}). After "
    "that you cannot buy anything until you take the questionnaire again; it takes a few "
    "minutes. What you hold is not affected and you can sell at any time."
)

# --- a product's risk level raised --------------------------------------------------------------

RISK_RAISED_TITLE = _("{product} is now risk level R{new}, above your level C{level}")
RISK_RAISED_BODY = _(
    "The risk level of {product}, which you hold, was raised from R{old} to R{new}. That is "
    "above your own risk level, C{level}: the product can now lose more than you told us you "
    "can accept. You keep what you hold and can sell at any time. Your next purchase of it "
    "needs you to read the risk warning and accept it again."
)
RISK_RAISED_BODY_C1 = _(
    "The risk level of {product}, which you hold, was raised from R{old} to R{new}. Your risk "
    "level is C1 (conservative), so you can no longer buy more of it. You keep what you hold "
    "and can sell at any time."
)

# --- an order changed by the platform (holiday, NAV correction, staff) --------------------------

ORDER_CHANGED_TITLE = _("Your order {order} for {product} has changed")
ORDER_CHANGED_BODY = _(
    "{reason}\n\nTrade date: {trade_date}. Expected confirmation: {confirm_date}. The order "
    "page shows its whole history."
)
