"""The discount a coupon gives on one purchase (DESIGN §4 fee formula, "after any discount"):
pure arithmetic over the band the order agreed to, through the one fee calculator
(``products.fees.band_fee``)."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from marketplace.money import RATE_STEP
from products.fees import Tier, band_fee

from .models import CouponKind

ZERO = Decimal(0)
HUNDRED = Decimal(100)


class Quote(NamedTuple):
    list_fee: Decimal
    fee: Decimal  # what the investor pays, after the discount
    discount: Decimal
    fee_rate: Decimal | None  # the effective rate (None: a fixed fee, or a voucher's amount)


def quote(
    *,
    kind: str,
    band: Tier | None,
    amount: Decimal,
    percent_off=None,
    amount_off=None,
    rate_share=None,
) -> Quote:
    """List fee, discounted fee and discount of a buy of ``amount`` in ``band``.

    Percent off ``p``: the rate becomes ``r × (1 − p)`` (a fixed fee ``F × (1 − p)``); a card's
    share ``s``: ``r × s``; a voucher: ``max(fee − amount_off, 0)``, then ``net = A − fee``."""
    if band is None:
        return Quote(ZERO, ZERO, ZERO, None)
    listed = band_fee(tier=band, amount=amount)
    if kind == CouponKind.FEE_VOUCHER:
        fee = max(listed.fee - Decimal(amount_off), ZERO)
        return Quote(listed.fee, fee, listed.fee - fee, None)
    if kind == CouponKind.FEE_DISCOUNT:
        off = Decimal(percent_off) / HUNDRED
    else:
        off = 1 - Decimal(rate_share) / HUNDRED
    priced = band_fee(tier=band, amount=amount, discount=off)
    rate = None if priced.rate is None else priced.rate.quantize(RATE_STEP)
    return Quote(listed.fee, priced.fee, listed.fee - priced.fee, rate)


def quote_for(coupon, *, band: Tier | None, amount: Decimal) -> Quote:
    return quote(
        kind=coupon.kind,
        band=band,
        amount=amount,
        percent_off=coupon.percent_off,
        amount_off=coupon.amount_off,
        rate_share=coupon.rate_share,
    )
