"""DESIGN §4 fund fees: the worked examples to the cent, tier validation, properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from products import fees
from products.fees import Tier, parse_tiers, subscription_fee, validate_tiers
from tests.factories import REDEMPTION_TIERS, SUBSCRIPTION_TIERS

TYPICAL = parse_tiers(SUBSCRIPTION_TIERS)


def test_worked_example_10000_at_0_6_percent():
    tiers = parse_tiers("0 - : 0.6%")
    result = subscription_fee(tiers=tiers, amount=Decimal("10000"))
    assert (result.fee, result.net) == (Decimal("59.64"), Decimal("9940.36"))


@pytest.mark.parametrize(
    ("amount", "rate", "fee"),
    [
        (Decimal("499999.99"), Decimal("0.015"), Decimal("7389.16")),
        (Decimal("500000.00"), Decimal("0.01"), Decimal("4950.50")),
        (Decimal("4999999.99"), Decimal("0.005"), Decimal("24875.62")),
    ],
)
def test_the_band_is_chosen_by_amount(amount, rate, fee):
    result = subscription_fee(tiers=TYPICAL, amount=amount)
    assert result.rate == rate
    assert result.fee == fee
    assert result.net + result.fee == amount


def test_five_million_and_above_pay_a_fixed_fee():
    result = subscription_fee(tiers=TYPICAL, amount=Decimal("5000000"))
    assert (result.rate, result.fee, result.net) == (None, Decimal("1000.00"), Decimal("4999000"))


def test_a_discount_reduces_the_rate_not_the_price():
    result = subscription_fee(tiers=TYPICAL, amount=Decimal("10000"), discount=Decimal("0.6"))
    assert result.rate == Decimal("0.006")
    assert result.fee == Decimal("59.64")


def test_typical_schedules_are_valid():
    assert validate_tiers(TYPICAL, schedule="subscription") == []
    assert validate_tiers(parse_tiers(REDEMPTION_TIERS), schedule="redemption") == []


@pytest.mark.parametrize(
    ("text", "schedule", "message"),
    [
        ("", "subscription", fees.TIERS_REQUIRED),
        ("100 - : 1%", "subscription", fees.FIRST_FROM_ZERO),
        ("0 - 100 : 1%\n200 - : 1%", "subscription", "bands must meet"),
        ("0 - 100 : 1%\n50 - : 1%", "subscription", "bands must meet"),
        ("0 - 100 : 1%", "subscription", fees.LAST_NOT_OPEN),
        ("0 - : 1%\n100 - : 1%", "subscription", fees.OPEN_NOT_LAST),
        ("0 - : 6%", "subscription", "between 0% and 5%"),
        ("0 - 7 : 1%\n7 - : 0%", "redemption", "at least 1.5%"),
        ("0 - 3 : 1.5%\n3 - 7 : 1%\n7 - : 0%", "redemption", "band 2 charges 1%"),
        ("0 - 7 : 1.5%\n7 - : fixed 5", "redemption", "fixed fee applies only to subscriptions"),
        ("0 - 7.5 : 1.5%\n7.5 - : 0%", "redemption", "whole numbers"),
    ],
)
def test_bad_schedules_are_explained(text, schedule, message):
    problems = validate_tiers(parse_tiers(text), schedule=schedule)
    assert any(message in p for p in problems), problems


def test_money_market_funds_charge_nothing():
    assert validate_tiers([], schedule="subscription", money_market=True) == []
    assert validate_tiers(TYPICAL, schedule="subscription", money_market=True) == [
        fees.MONEY_MARKET_NO_FEES
    ]


@pytest.mark.parametrize("line", ["zero to ten", "0 - 10 : abc", "0 - 10 1%", "<b>0</b> - : 1%"])
def test_unreadable_lines_name_the_line(line):
    with pytest.raises(ValueError, match="Line 1"):
        parse_tiers(line)


def test_format_round_trips():
    assert parse_tiers(fees.format_tiers(TYPICAL)) == TYPICAL


amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000000"), places=2)


@given(amount=amounts, discount=st.sampled_from([Decimal(0), Decimal("0.2"), Decimal("1")]))
def test_fee_plus_net_is_always_the_amount_and_never_negative(amount, discount):
    result = subscription_fee(tiers=TYPICAL, amount=amount, discount=discount)
    assert result.fee + result.net == amount
    assert result.fee >= 0
    assert result.net >= 0
    assert result.fee == result.fee.quantize(Decimal("0.01"))


def test_redemption_rate_by_days_held():
    tiers = parse_tiers(REDEMPTION_TIERS)
    rate = fees.redemption_rate
    assert [rate(tiers=tiers, days_held=d) for d in (0, 6, 7, 29, 30, 364, 365, 729, 730)] == [
        Decimal("0.015"),
        Decimal("0.015"),
        Decimal("0.0075"),
        Decimal("0.0075"),
        Decimal("0.005"),
        Decimal("0.005"),
        Decimal("0.0025"),
        Decimal("0.0025"),
        Decimal("0"),
    ]
    assert isinstance(tiers[0], Tier)
