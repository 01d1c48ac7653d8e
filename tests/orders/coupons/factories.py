import datetime as dt
from decimal import Decimal

from orders.coupons import services as coupons
from orders.coupons.models import CouponKind


def make_coupon(
    *,
    product=None,
    institution=None,
    actor=None,
    kind=CouponKind.FEE_DISCOUNT,
    products=None,
    **values,
):
    """A coupon through the service (institution from ``product`` unless given; ``None`` with
    ``platform=True`` for the platform's)."""
    platform = values.pop("platform", False)
    if institution is None and not platform:
        institution = product.institution
    defaults = {
        CouponKind.FEE_DISCOUNT: {"percent_off": Decimal("50.00")},
        CouponKind.FEE_VOUCHER: {"amount_off": Decimal("20.00")},
        CouponKind.FEE_RATE_CARD: {"rate_share": Decimal("10.00"), "per_user_limit": 3},
    }[kind]
    fields = {
        "valid_from": dt.date(2026, 11, 1),
        "valid_until": dt.date(2026, 12, 31),
        "budget": Decimal("100000.00"),
        "max_count": 1000,
        "per_user_limit": 1,
        **defaults,
        **values,
    }
    if products is None:
        products = [product.slug] if product is not None else []
    return coupons.coupon_create(
        institution=institution, actor=actor, kind=kind, products=products, **fields
    )
