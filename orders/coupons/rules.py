"""Whether a coupon can be used: pure rules over a coupon and a purchase, shared by the
checkout's redemption (under the coupon's row lock), the wallet and the checkout's options."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError

from marketplace.money import format_amount
from products.models import Product, ProductKind

from . import errors
from .models import Coupon, CouponStatus
from .pricing import Quote


def _error(field: str, which: tuple, **values) -> ValidationError:
    code, message = which
    return ValidationError({field: ValidationError(str(message) % values, code=code)})


def _why(which: tuple, **values) -> ValidationError:
    return ValidationError(str(which[1]) % values, code=which[0])


def lifetime_refusal(coupon: Coupon, *, today: dt.date) -> ValidationError | None:
    """Why nobody can use ``coupon`` today (paused, ended, not yet, expired, used up)."""
    if coupon.status == CouponStatus.PAUSED:
        return _why(errors.PAUSED)
    if coupon.status == CouponStatus.ENDED:
        return _why(errors.ENDED)
    if today < coupon.valid_from:
        return _why(errors.NOT_YET, date=coupon.valid_from)
    if today > coupon.valid_until:
        return _why(errors.EXPIRED, date=coupon.valid_until)
    if coupon.redeemed >= coupon.max_count or coupon.spent >= coupon.budget:
        return _why(errors.EXHAUSTED)
    return None


def purchase_refusal(
    coupon: Coupon,
    *,
    product: Product,
    side: str,
    amount: Decimal,
    quoted: Quote | None,
    uses_left: int | None,
    today: dt.date,
) -> ValidationError | None:
    """Why ``coupon`` cannot discount this purchase (None: it can). ``uses_left`` is the
    investor's grant's (None: no grant yet, a code coupon's first use)."""
    if side != "buy":
        return _why(errors.NOT_FOR_SELLS)
    if product.kind == ProductKind.INSURANCE:
        return _why(errors.INSURANCE)
    if product.kind == ProductKind.SAVINGS:
        return _why(errors.SAVINGS)
    if (refusal := lifetime_refusal(coupon, today=today)) is not None:
        return refusal
    if coupon.institution_id is not None and product.institution_id != coupon.institution_id:
        return _why(errors.WRONG_INSTITUTION, institution=coupon.institution.name)
    chosen = {p.pk for p in coupon.products.all()}
    if chosen and product.pk not in chosen:
        return _why(errors.WRONG_PRODUCT)
    if amount < coupon.min_purchase:
        return _why(errors.BELOW_MINIMUM, minimum=format_amount(coupon.min_purchase))
    if uses_left == 0:
        return _why(errors.LIMIT_REACHED)
    if quoted is None or quoted.discount <= 0:
        return _why(errors.NO_FEE)
    if coupon.spent + quoted.discount > coupon.budget:
        return _why(errors.EXHAUSTED)
    return None
