"""Everything an order must pass before money or units move, for the checkout, the API,
plans and switches alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import InstitutionStatus
from marketplace.accounts import EMAIL_NOT_VERIFIED, email_verified
from marketplace.money import UNITS_MESSAGES, format_amount, parse_amount
from products.models import Product, ProductKind, ProductStatus
from profiles.identity.ages import age_on, is_elderly_age
from profiles.identity.models import Identity, IdentityStatus
from profiles.identity.selectors import identity_required
from profiles.models import InvestorProfile
from profiles.selectors import suitability_for
from profiles.suitability import Suitability

from ... import pricing
from ...models import Holding, Lot, Order, OrderStatus, PurchaseRefusal, Side

NOT_ON_SALE = _("This product is not on sale.")
INSTITUTION_SUSPENDED = _(
    "{institution} is suspended: its products take no new purchases for now. You can still "
    "sell or withdraw what you hold."
)
BELOW_MINIMUM = _("The minimum purchase is {minimum}.")
PREMIUM_ONLY = _("This policy costs {premium}: the amount must be exactly the premium.")
ACK_REQUIRED = _("Confirm that you have read this warning and accept the risk. {warning}")
AMOUNT_REQUIRED = _("Enter the amount to buy.")
UNITS_REQUIRED = _("Enter the number of units to sell.")
NOT_HELD = _("You do not hold this product.")
SELL_TOO_MANY = _("You can sell at most {available}: that is what you hold.")
SELL_TOO_MANY_RESERVED = _(
    "You can sell at most {available}: you hold {units}, "
    "of which {reserved} are already in pending sell orders."
)
WHOLE_POLICIES = _("Policies are cancelled whole: enter a whole number (1 per policy).")
COOLING_OFF_OVER = _(
    "A policy can be cancelled for a refund only within its cooling-off period; "
    "{count} of yours still can be."
)


def purchase_refusal_record(*, user, product: Product, reason: str) -> PurchaseRefusal:
    """Remember (once a day) that this investor could not buy this product, and why."""
    refusal, _ = PurchaseRefusal.objects.get_or_create(
        user=user,
        product=product,
        day=timezone.localdate(),
        defaults={"institution_id": product.institution_id, "reason": reason[:300]},
    )
    return refusal


def sellable_units(*, holding: Holding | None, on_date) -> Decimal:
    """What the investor may still sell of a holding: units not already in pending sell orders;
    for insurance, only policies still within their cooling-off period."""
    if holding is None:
        return Decimal(0)
    lots = Lot.objects.filter(holding=holding, units_remaining__gt=0)
    return pricing.sellable(
        kind=holding.kind,
        units=holding.units,
        reserved=holding.reserved,
        lots=lots.values_list("units_remaining", "cooling_off_until")
        if holding.kind == ProductKind.INSURANCE
        else (),
        day=on_date,
    )


def check_sell(*, product: Product, units, holding: Holding | None, on_date) -> Decimal:
    if units in (None, ""):
        raise ValidationError({"units": UNITS_REQUIRED})
    try:
        units = parse_amount(units, maximum=settings.MAX_ORDER_AMOUNT, messages=UNITS_MESSAGES)
    except ValueError as exc:
        raise ValidationError({"units": str(exc)}) from exc
    if holding is None or holding.units <= 0:
        raise ValidationError({"product": NOT_HELD})
    if product.kind == ProductKind.INSURANCE and units != units.to_integral_value():
        raise ValidationError({"units": WHOLE_POLICIES})
    available = sellable_units(holding=holding, on_date=on_date)
    if units > available:
        if product.kind == ProductKind.INSURANCE:
            raise ValidationError({"units": COOLING_OFF_OVER.format(count=int(available))})
        message = SELL_TOO_MANY_RESERVED if holding.reserved else SELL_TOO_MANY
        raise ValidationError(
            {
                "units": message.format(
                    available=format_amount(available),
                    units=format_amount(holding.units),
                    reserved=format_amount(holding.reserved),
                )
            }
        )
    return units


def on_sale(product: Product) -> bool:
    """Whether ``product`` may be bought, judged on the row the caller has just read with its
    institution (every caller reads it in the same request or transaction): what
    ``products.selectors.catalogue_queryset`` shows, a published product of an approved
    institution. One fewer statement per order than asking the database again."""
    return (
        product.status == ProductStatus.PUBLISHED
        and product.institution.status == InstitutionStatus.APPROVED
    )


class Checked(NamedTuple):
    """What :func:`order_checks` found: the amount (buy) or units (sell); for a buy, the
    suitability outcome and the verified identity's date of birth (its age decides the
    warnings)."""

    quantity: Decimal
    suitability: Suitability | None
    birth_date: dt.date | None


class BuyerFacts(NamedTuple):
    profile: InvestorProfile | None
    email_verified: bool
    birth_date: dt.date | None  # the verified identity's; None: none verified


def _buyer_facts(user) -> BuyerFacts:
    """The investor's profile with, in the same statement (they were three), whether an
    e-mail address is verified (``marketplace.accounts.email_verified``'s rule) and the
    verified identity's date of birth (``verified_identity``'s rule). The checks accept on
    these; a refusal is decided, and worded, by those functions themselves."""
    if not getattr(user, "is_authenticated", False):
        return BuyerFacts(None, False, None)
    verified = Identity.objects.filter(user=OuterRef("user_id"), status=IdentityStatus.VERIFIED)
    profile = (
        InvestorProfile.objects.filter(user=user)
        .annotate(
            email_is_verified=Exists(
                EmailAddress.objects.filter(user=OuterRef("user_id"), verified=True)
            ),
            verified_birth_date=Subquery(verified.values("date_of_birth")[:1]),
        )
        .first()
    )
    if profile is None:
        return BuyerFacts(None, False, None)
    facts = profile.__dict__  # the annotations (django-stubs cannot type them on the model)
    return BuyerFacts(profile, facts["email_is_verified"], facts["verified_birth_date"])


def order_check(
    *,
    user,
    product: Product,
    side: str,
    amount=None,
    units=None,
    acknowledge_risk: bool | None,
) -> tuple[Decimal, Suitability | None]:
    """Everything an order must pass before money or units move. Returns the amount (buy) or
    the units (sell) and, for a buy, the suitability outcome.

    ``acknowledge_risk=None`` skips the acknowledgement (the checkout's review step, which shows
    the warning and asks for it). Selling needs no suitability check: it only lowers risk.
    """
    checked = order_checks(
        user=user,
        product=product,
        side=side,
        amount=amount,
        units=units,
        acknowledge_risk=acknowledge_risk,
    )
    return checked.quantity, checked.suitability


def order_checks(
    *,
    user,
    product: Product,
    side: str,
    amount=None,
    units=None,
    acknowledge_risk: bool | None,
) -> Checked:
    """:func:`order_check`, keeping the verified identity's date of birth it read (the order
    service tells an investor of 65 or over the elderly warning from it, without reading the
    identity again)."""
    if side == Side.SELL:
        if not email_verified(user):
            raise PermissionDenied(EMAIL_NOT_VERIFIED)
        holding = Holding.objects.filter(user=user, product=product).first()
        units = check_sell(
            product=product, units=units, holding=holding, on_date=timezone.localdate()
        )
        return Checked(units, None, None)
    profile, email_is_verified, birth_date = _buyer_facts(user)
    if not email_is_verified and not email_verified(user):
        raise PermissionDenied(EMAIL_NOT_VERIFIED)
    if birth_date is None:  # buying needs a verified identity; selling never does
        birth_date = identity_required(user=user).date_of_birth
    if product.institution.status == InstitutionStatus.SUSPENDED:
        raise ValidationError(
            {
                "product": ValidationError(
                    INSTITUTION_SUSPENDED.format(institution=product.institution.name),
                    code="institution_suspended",
                )
            }
        )
    if not on_sale(product):
        raise ValidationError({"product": NOT_ON_SALE})
    if amount in (None, ""):
        raise ValidationError({"amount": AMOUNT_REQUIRED})
    try:
        amount = parse_amount(amount, maximum=settings.MAX_ORDER_AMOUNT)
    except ValueError as exc:
        raise ValidationError({"amount": str(exc)}) from exc
    if product.kind == ProductKind.INSURANCE:
        premium = product.insurance_terms.premium
        if amount != premium:
            raise ValidationError({"amount": PREMIUM_ONLY.format(premium=format_amount(premium))})
    elif amount < product.min_purchase:
        raise ValidationError(
            {"amount": BELOW_MINIMUM.format(minimum=format_amount(product.min_purchase))}
        )
    suitability = suitability_for(profile=profile, product_risk=product.risk_level)
    if suitability.refused:
        purchase_refusal_record(user=user, product=product, reason=suitability.reason)
        raise ValidationError({"product": suitability.reason})
    if suitability.needs_acknowledgement and acknowledge_risk is False:
        raise ValidationError(
            {"acknowledge_risk": ACK_REQUIRED.format(warning=suitability.warning_text)}
        )
    return Checked(amount, suitability, birth_date)


def elderly(birth_date: dt.date | None) -> bool:
    """Whether a verified identity's holder, born on ``birth_date``, is 65 or over today
    (``profiles.identity``'s ``is_elderly``, applied to the identity already read)."""
    if birth_date is None:
        return False
    return is_elderly_age(age_on(birth_date, timezone.localdate()))


def instant_allowance(*, user, product: Product, on_date) -> Decimal:
    """How many money-market units the investor may still redeem instantly (T+0) today."""
    if not product.is_money_market:
        return Decimal(0)
    used = Order.objects.filter(
        user=user,
        product=product,
        instant=True,
        trade_date=on_date,
        status__in=[OrderStatus.CONFIRMED, OrderStatus.SETTLED],
    ).aggregate(total=Sum("units"))["total"] or Decimal(0)
    return max(settings.MONEY_MARKET_INSTANT_LIMIT - used, Decimal(0))
