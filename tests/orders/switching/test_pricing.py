"""The switch fee rule (DESIGN §4): A's redemption fee plus max(0, B's rate − A's rate) × the
amount switched, to the cent."""

from decimal import Decimal

from orders import pricing
from products.fees import Tier

D = Decimal


def test_the_fee_is_the_redemption_fee_plus_the_rate_difference_on_the_amount():
    fee = pricing.switch_fee(
        redemption_fee=D("7.50"), proceeds=D("9992.50"), from_rate=D("0.006"), to_rate=D("0.015")
    )
    assert fee.difference_rate == D("0.009")
    assert fee.difference_fee == D("89.93")  # 9,992.50 × 0.9% = 89.9325 → 89.93
    assert fee.total == D("97.43")
    assert fee.amount == D("9992.50")
    assert fee.net == D("9902.57")


def test_a_cheaper_fund_b_adds_nothing_to_the_redemption_fee():
    fee = pricing.switch_fee(
        redemption_fee=D("15.00"), proceeds=D("985.00"), from_rate=D("0.015"), to_rate=D("0.006")
    )
    assert fee.difference_rate == 0
    assert fee.difference_fee == 0
    assert fee.total == D("15.00")
    assert fee.net == D("985.00")


def test_equal_rates_add_nothing():
    fee = pricing.switch_fee(
        redemption_fee=D("0"), proceeds=D("500.00"), from_rate=D("0.012"), to_rate=D("0.012")
    )
    assert (fee.difference_fee, fee.total) == (0, 0)


def test_the_difference_fee_rounds_half_up_to_the_cent():
    # 1,000.50 × 0.5% = 5.0025 → 5.00; 1,001.00 × 0.5% = 5.005 → 5.01 (half up)
    low = pricing.switch_fee(
        redemption_fee=D("0"), proceeds=D("1000.50"), from_rate=D("0.010"), to_rate=D("0.015")
    )
    half = pricing.switch_fee(
        redemption_fee=D("0"), proceeds=D("1001.00"), from_rate=D("0.010"), to_rate=D("0.015")
    )
    assert low.difference_fee == D("5.00")
    assert half.difference_fee == D("5.01")
    assert half.difference_fee.as_tuple().exponent == -2


def test_the_difference_fee_never_exceeds_the_proceeds():
    fee = pricing.switch_fee(
        redemption_fee=D("0"), proceeds=D("0.01"), from_rate=D("0"), to_rate=D("0.05")
    )
    assert fee.difference_fee == 0  # 0.0005 → 0.00
    assert fee.net == D("0.01")


def test_b_units_are_the_net_at_b_nav_rounded_down():
    fee = pricing.switch_fee(
        redemption_fee=D("7.50"), proceeds=D("9992.50"), from_rate=D("0.006"), to_rate=D("0.015")
    )
    bought = pricing.switch_units(fee=fee, nav=D("1.2345"))
    assert bought.fee == D("89.93")
    assert bought.net == D("9902.57")
    assert bought.units == D("8021.52")  # 9,902.57 / 1.2345 = 8021.5228… → down


def test_a_fund_rate_for_the_amount_is_its_band_rate_or_a_fixed_fee_share():
    tiers = [
        Tier(D(0), D(500000), D("0.015")),
        Tier(D(500000), D(5000000), D("0.005")),
        Tier(D(5000000), None, D(0), D(1000)),
    ]
    rate_of = pricing.subscription_rate_for
    amount = D("10000")
    band = pricing.subscription_band(tiers=tiers, amount=amount)
    assert rate_of(band=band, amount=amount) == D("0.015")
    big = D("8000000")
    assert rate_of(band=pricing.subscription_band(tiers=tiers, amount=big), amount=big) == D(
        "0.000125"
    )
    assert rate_of(band=None, amount=amount) == 0  # a money-market fund
