"""Switching: check, place and cancel a switch (one linked pair of orders).

Both legs go through the one order service
(``orders.services.trading.placing.order_place``): the sell
of A is an ordinary sell (units held and not already in a pending sell, reserved under the
holding's row lock); the buy of B is an ordinary buy for the estimated proceeds (on sale,
identity, valid assessment, suitability with its acknowledgement, the commission contract
snapshotted), except that it debits no cash: A's proceeds pay for it when end of day confirms
the pair (``orders.services.confirmation``). Both are placed with one clock reading, so they
share one trade date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.accounts import EMAIL_NOT_VERIFIED, email_verified
from marketplace.errors import field_error
from marketplace.money import format_cny
from products.models import Product, ProductKind
from profiles.suitability import Suitability

from ...models import Order, Side
from ...schedule import cancel_refusal
from ...selectors.portfolio import position_of
from ...services.trading import checks as order_checks
from ...services.trading import placing
from ...services.trading import status as order_status
from . import selectors
from .models import Switch

NOT_A_FUND = _("Only funds can be switched: choose a fund.")
NOT_HELD = _("You do not hold this fund.")
SAME_FUND = _("Choose another fund to switch into: this is the fund you are switching from.")
OTHER_INSTITUTION = _(
    "A switch moves money between funds of one institution: choose a fund of %(institution)s."
)
NOT_ON_SALE = _("This fund is not on sale.")
NO_PRICE = _("This fund has no published NAV yet: it cannot be switched.")
BELOW_MINIMUM = _(
    "These units would move about %(amount)s into %(fund)s, below its minimum purchase of "
    "%(minimum)s: switch more units."
)
TO_PRODUCT_REQUIRED = _("Choose the fund to switch into.")
IDEMPOTENCY_CONFLICT = _("This Idempotency-Key was already used for a different switch.")

# Error codes (STYLE 14), listed once.
CODES = {
    "switch_not_a_fund",
    "switch_not_held",
    "switch_same_fund",
    "switch_other_institution",
    "switch_not_on_sale",
    "switch_no_price",
    "switch_below_minimum",
}


class SwitchIdempotencyConflictError(ValidationError):
    """The same key was sent with a different switch (HTTP 422)."""


def _renamed(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """The order service's field errors under the switch's field names."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


SELL_FIELDS = {"product": "from_product"}
BUY_FIELDS = {"product": "to_product", "amount": "units"}


@dataclass(frozen=True)
class SwitchCheck:
    units: object  # Decimal, as the order service parsed it
    estimate: selectors.SwitchEstimate
    suitability: Suitability


def switch_check(
    *,
    user,
    from_product: Product,
    to_product: Product | None,
    units,
    acknowledge_risk: bool | None,
    now: dt.datetime | None = None,
) -> SwitchCheck:
    """Everything a switch must pass before anything is written: A a fund held, B a fund of
    the same institution on sale and not A; the units as a sell of A (the order service's own
    check); the estimated proceeds as a buy of B (minimum, suitability: a mismatch needs
    ``acknowledge_risk``, ``None`` skips that for the review; C1 refused above R1)."""
    if not email_verified(user):
        raise PermissionDenied(EMAIL_NOT_VERIFIED)
    if from_product.kind != ProductKind.FUND:
        raise field_error("from_product", NOT_A_FUND, "switch_not_a_fund")
    if to_product is None:
        raise field_error("to_product", TO_PRODUCT_REQUIRED, "switch_not_on_sale")
    if to_product.kind != ProductKind.FUND:
        raise field_error("to_product", NOT_A_FUND, "switch_not_a_fund")
    if to_product.pk == from_product.pk:
        raise field_error("to_product", SAME_FUND, "switch_same_fund")
    if to_product.institution_id != from_product.institution_id:
        message = OTHER_INSTITUTION % {"institution": from_product.institution.name}
        raise field_error("to_product", message, "switch_other_institution")
    if not selectors.switch_targets(from_product=from_product).filter(pk=to_product.pk).exists():
        raise field_error("to_product", NOT_ON_SALE, "switch_not_on_sale")
    position = position_of(user=user, product_slug=from_product.slug)
    if position is None or position.holding.units <= 0:
        raise field_error("from_product", NOT_HELD, "switch_not_held")
    try:
        units, _none = order_checks.order_check(
            user=user, product=from_product, side=Side.SELL, units=units, acknowledge_risk=None
        )
    except ValidationError as exc:
        raise _renamed(exc, SELL_FIELDS) from exc
    estimate = selectors.switch_estimate(
        position=position, to_product=to_product, units=units, now=now
    )
    if estimate is None:
        raise field_error("from_product", NO_PRICE, "switch_no_price")
    amount = estimate.fee.amount
    if amount < to_product.min_purchase:
        message = BELOW_MINIMUM % {
            "amount": format_cny(amount),
            "fund": to_product.name,
            "minimum": format_cny(to_product.min_purchase),
        }
        raise field_error("units", message, "switch_below_minimum")
    try:
        _amount, suitability = order_checks.order_check(
            user=user,
            product=to_product,
            side=Side.BUY,
            amount=amount,
            acknowledge_risk=acknowledge_risk,
        )
    except ValidationError as exc:
        raise _renamed(exc, BUY_FIELDS) from exc
    assert suitability is not None  # a buy is always judged  # noqa: S101
    return SwitchCheck(units=units, estimate=estimate, suitability=suitability)


def _existing_for_key(*, user, key: str, request_hash: str) -> Switch | None:
    existing = Switch.objects.filter(user=user, idempotency_key=key).first()
    if existing is not None and existing.request_hash != request_hash:
        raise SwitchIdempotencyConflictError(IDEMPOTENCY_CONFLICT)
    return existing


def switch_place(
    *,
    user,
    from_product: Product,
    to_product: Product | None,
    units,
    acknowledge_risk: bool = False,
    idempotency_key: str = "",
    request_hash: str = "",
    now: dt.datetime | None = None,
) -> tuple[Switch, bool]:
    """Place a switch: the switch row, then the sell of A and the buy of B through the order
    service, in one transaction (a refusal of either leaves nothing). Returns it and whether
    it was created (False: a replay of its ``idempotency_key``, whose row the database keeps
    unique, so two racing requests with one key make one pair)."""
    if idempotency_key:
        existing = _existing_for_key(user=user, key=idempotency_key, request_hash=request_hash)
        if existing is not None:
            return existing, False
    now = now or timezone.now()
    check = switch_check(
        user=user,
        from_product=from_product,
        to_product=to_product,
        units=units,
        acknowledge_risk=acknowledge_risk,
        now=now,
    )
    assert to_product is not None  # switch_check refuses a missing one  # noqa: S101
    estimate = check.estimate
    try:
        with transaction.atomic():
            switch = Switch(
                user=user,
                institution_id=from_product.institution_id,
                from_product=from_product,
                to_product=to_product,
                units=check.units,
                estimated_amount=estimate.fee.amount,
                from_subscription_rate=estimate.from_rate,
                to_subscription_rate=estimate.to_rate,
                idempotency_key=idempotency_key,
                request_hash=request_hash,
                created_at=now,
            )
            switch.full_clean(validate_unique=False, validate_constraints=False)
            switch.save()  # first: a racing request with the same key waits here
            _place_legs(
                switch=switch, user=user, check=check, acknowledge_risk=acknowledge_risk, now=now
            )
    except IntegrityError:
        if not idempotency_key:
            raise
        existing = _existing_for_key(user=user, key=idempotency_key, request_hash=request_hash)
        if existing is None:
            raise
        return existing, False
    return switch, True


def _place_legs(*, switch: Switch, user, check: SwitchCheck, acknowledge_risk: bool, now):
    try:
        placing.order_place(
            user=user,
            product=switch.from_product,
            side=Side.SELL,
            units=check.units,
            now=now,
            switch=switch,
        )
    except ValidationError as exc:
        raise _renamed(exc, SELL_FIELDS) from exc
    try:
        placing.order_place(
            user=user,
            product=switch.to_product,
            side=Side.BUY,
            amount=check.estimate.fee.amount,
            acknowledge_risk=acknowledge_risk,
            now=now,
            switch=switch,
        )
    except ValidationError as exc:
        raise _renamed(exc, BUY_FIELDS) from exc


@transaction.atomic
def switch_cancel(*, switch: Switch, actor, now: dt.datetime | None = None) -> Switch:
    """The investor cancels a switch before its cut-off: both orders are cancelled (the units
    of A available again) or, if either cannot be, neither is."""
    now = now or timezone.now()
    legs = list(Order.objects.select_for_update().filter(switch=switch).order_by("pk"))
    for leg in legs:
        if refusal := cancel_refusal(order=leg, now=now, with_switch=True):
            raise ValidationError(refusal.message, code=refusal.code)
    for leg in legs:
        order_status.order_cancel(order=leg, actor=actor, now=now, with_switch=True)
    return selectors.switch_of(user=switch.user, pk=switch.pk)
