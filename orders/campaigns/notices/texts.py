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

CONFIRMED_TITLE = _("Order confirmed: %(product)s")
CONFIRMED_FUND_BUY = _(
    "Your purchase of %(amount)s of %(product)s (order %(order)s) was confirmed at the NAV of "
    "%(trade_date)s, %(nav)s: %(units)s units, after a subscription fee of %(fee)s."
)
CONFIRMED_FUND_SELL = _(
    "Your redemption of %(units)s units of %(product)s (order %(order)s) was confirmed at the NAV "
    "of "
    "%(trade_date)s, %(nav)s: %(gross)s before a redemption fee of %(fee)s, %(paid)s paid into "
    "your cash."
)
CONFIRMED_SAVINGS_BUY = _(
    "Your deposit of %(amount)s in %(product)s (order %(order)s) was confirmed on %(trade_date)s. "
    "It matures on %(matures_on)s and is then paid into your cash with its interest. No fee."
)
CONFIRMED_SAVINGS_SELL = _(
    "Your early withdrawal of %(principal)s from %(product)s (order %(order)s) was confirmed: "
    "%(paid)s paid into your cash (the principal with interest at the early-withdrawal rate)."
)
CONFIRMED_INSURANCE_BUY = _(
    "Your policy %(product)s (order %(order)s, premium %(amount)s) is in force from "
    "%(trade_date)s. "
    "You can cancel it for a refund until %(cooling_off_until)s."
)
CONFIRMED_INSURANCE_SELL = _(
    "The cancellation of %(policies)s of %(product)s (order %(order)s) was confirmed: a refund of "
    "%(paid)s (the premium less a cancellation fee of %(fee)s)."
)

# --- money paid out -----------------------------------------------------------------------------

PAID_TITLE = _("%(paid)s paid into your cash: %(product)s")
PAID_BODY = _(
    "The proceeds of your %(what)s of %(product)s (order %(order)s) reached your cash account: "
    "%(paid)s. "
    "You can use them for your next purchase or withdraw them to your bank card."
)
PAID_WHAT = {
    "fund": _("redemption"),
    "savings": _("early withdrawal"),
    "insurance": _("policy cancellation (refund)"),
}

# --- savings ------------------------------------------------------------------------------------

MATURING_TITLE = _("Your deposit in %(product)s matures on %(matures_on)s")
MATURING_BODY = _(
    "Your deposit of %(principal)s in %(product)s, made on %(acquired_on)s, matures on "
    "%(matures_on)s "
    "(%(when)s). That evening it is paid into your cash with its full-term interest of "
    "%(interest)s: %(total)s in all. You need do nothing. Withdrawing before then pays only the "
    "early-withdrawal rate."
)
MATURED_TITLE = _("Your deposit in %(product)s has matured")
MATURED_BODY = _(
    "Your deposit of %(principal)s in %(product)s matured on %(matures_on)s and was paid into your "
    "cash with its interest of %(interest)s: %(total)s in all."
)

# --- insurance ----------------------------------------------------------------------------------

COOLING_OFF_TITLE = _("The cooling-off period of %(product)s ends on %(until)s")
COOLING_OFF_BODY = _(
    "You can still cancel your policy %(product)s (order %(order)s) for a refund of its premium "
    "%(premium)s less a cancellation fee of %(fee)s until %(until)s (%(when)s). After that day it "
    "can "
    "no longer be cancelled for a refund. To keep the policy, do nothing."
)

# --- risk assessment ----------------------------------------------------------------------------

ASSESSMENT_TITLE = _("Your risk assessment expires on %(valid_until)s")
ASSESSMENT_BODY = _(
    "Your risk assessment (risk level C%(level)s) is valid until %(valid_until)s (%(when)s). After "
    "that you cannot buy anything until you take the questionnaire again; it takes a few "
    "minutes. What you hold is not affected and you can sell at any time."
)

# --- a product's risk level raised --------------------------------------------------------------

RISK_RAISED_TITLE = _("%(product)s is now risk level R%(new)s, above your level C%(level)s")
RISK_RAISED_BODY = _(
    "The risk level of %(product)s, which you hold, was raised from R%(old)s to R%(new)s. That is "
    "above your own risk level, C%(level)s: the product can now lose more than you told us you "
    "can accept. You keep what you hold and can sell at any time. Your next purchase of it "
    "needs you to read the risk warning and accept it again."
)
RISK_RAISED_BODY_C1 = _(
    "The risk level of %(product)s, which you hold, was raised from R%(old)s to R%(new)s. Your "
    "risk "
    "level is C1 (conservative), so you can no longer buy more of it. You keep what you hold "
    "and can sell at any time."
)

# --- an order changed by the platform (holiday, NAV correction, staff) --------------------------

ORDER_CHANGED_TITLE = _("Your order %(order)s for %(product)s has changed")
ORDER_CHANGED_BODY = _(
    "%(reason)s\n\nTrade date: %(trade_date)s. Expected confirmation: %(confirm_date)s. The order "
    "page shows its whole history."
)
