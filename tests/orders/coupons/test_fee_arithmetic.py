"""The discount to the cent (DESIGN §4: net = A / (1 + r) at the rate after the discount)."""

from decimal import Decimal as D  # noqa: N817 - figures read as D("1.00")

import pytest

from orders.coupons.models import CouponKind
from orders.coupons.pricing import quote
from products.fees import Tier

BAND = Tier(D(0), D(500000), D("0.015"))
FIXED = Tier(D(5000000), None, D(0), D("1000"))


@pytest.mark.parametrize(
    ("kind", "values", "amount", "list_fee", "fee"),
    [
        # 10,000 at 1.5%: list fee 10000 − 9852.22 = 147.78; half: 0.75% → 10000 − 9925.56
        (CouponKind.FEE_DISCOUNT, {"percent_off": D("50")}, D("10000"), D("147.78"), D("74.44")),
        # rate 0.6% → 10,000 − 9,940.36 (the DESIGN's worked example) via 60% off 1.5%
        (CouponKind.FEE_DISCOUNT, {"percent_off": D("60")}, D("10000"), D("147.78"), D("59.64")),
        (CouponKind.FEE_DISCOUNT, {"percent_off": D("100")}, D("10000"), D("147.78"), D("0.00")),
        # a card at 10% of the list rate: 0.15% → 10000 − 9985.02
        (CouponKind.FEE_RATE_CARD, {"rate_share": D("10")}, D("10000"), D("147.78"), D("14.98")),
        (CouponKind.FEE_RATE_CARD, {"rate_share": D("0")}, D("10000"), D("147.78"), D("0.00")),
        # a voucher: fee − amount off, never below zero
        (CouponKind.FEE_VOUCHER, {"amount_off": D("20")}, D("10000"), D("147.78"), D("127.78")),
        (CouponKind.FEE_VOUCHER, {"amount_off": D("500")}, D("10000"), D("147.78"), D("0.00")),
    ],
)
def test_discounted_fee_to_the_cent(kind, values, amount, list_fee, fee):
    quoted = quote(kind=kind, band=BAND, amount=amount, **values)
    assert (quoted.list_fee, quoted.fee, quoted.discount) == (list_fee, fee, list_fee - fee)


def test_a_percent_discount_lowers_the_rate_itself():
    quoted = quote(kind=CouponKind.FEE_DISCOUNT, band=BAND, amount=D("10000"), percent_off=D("60"))
    assert quoted.fee_rate == D("0.006000")


def test_a_fixed_fee_band_is_discounted_likewise():
    half = quote(kind=CouponKind.FEE_DISCOUNT, band=FIXED, amount=D("6000000"), percent_off=D("50"))
    card = quote(kind=CouponKind.FEE_RATE_CARD, band=FIXED, amount=D("6000000"), rate_share=D("10"))
    voucher = quote(
        kind=CouponKind.FEE_VOUCHER, band=FIXED, amount=D("6000000"), amount_off=D("1200")
    )
    assert (half.fee, half.discount) == (D("500.00"), D("500.00"))
    assert (card.fee, card.discount) == (D("100.00"), D("900.00"))
    assert (voucher.fee, voucher.discount) == (D("0"), D("1000"))


def test_no_band_no_fee_no_discount():
    quoted = quote(kind=CouponKind.FEE_DISCOUNT, band=None, amount=D("100"), percent_off=D("50"))
    assert quoted.discount == 0
