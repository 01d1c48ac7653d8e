"""Pricing properties (DESIGN §4), over many generated cases: a subscription never issues more
than was paid for, and a FIFO redemption's fee is the sum of what each lot would pay alone."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orders import pricing
from products.fees import Tier, parse_tiers, redemption_rate

SUBSCRIPTION = parse_tiers(
    "0 - 500000 : 1.5%\n500000 - 1000000 : 1%\n1000000 - 5000000 : 0.5%\n5000000 - : fixed 1000"
)
REDEMPTION = parse_tiers(
    "0 - 7 : 1.5%\n7 - 30 : 0.75%\n30 - 365 : 0.5%\n365 - 730 : 0.25%\n730 - : 0%"
)
TRADE_DATE = dt.date(2026, 11, 23)

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50000000"), places=2)
navs = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("99.9999"), places=4)
rates = st.decimals(min_value=Decimal(0), max_value=Decimal("0.05"), places=4)


@settings(max_examples=400, deadline=None)
@given(amount=amounts, nav=navs, rate=rates)
def test_units_times_nav_plus_fee_never_exceeds_the_amount_paid(amount, nav, rate):
    for tiers in (SUBSCRIPTION, [Tier(Decimal(0), None, rate)], []):
        priced = pricing.fund_subscription(amount=amount, nav=nav, tiers=tiers)
        assert priced.units * nav + priced.fee <= amount
        assert priced.fee + priced.net == amount
        assert priced.units >= 0
        assert priced.units == priced.units.quantize(Decimal("0.01"))


def test_design_worked_example_to_the_cent():
    priced = pricing.fund_subscription(
        amount=Decimal("10000"), nav=Decimal("1"), tiers=[Tier(Decimal(0), None, Decimal("0.006"))]
    )
    assert (priced.fee, priced.net) == (Decimal("59.64"), Decimal("9940.36"))


def test_a_fixed_fee_band_takes_the_fee_off_the_amount():
    priced = pricing.fund_subscription(
        amount=Decimal("6000000"), nav=Decimal("2"), tiers=SUBSCRIPTION
    )
    assert (priced.fee_rate, priced.fee, priced.units) == (
        None,
        Decimal("1000"),
        Decimal("2999500"),
    )


lots_strategy = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=1500),  # days before the trade date
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2),
        st.decimals(min_value=Decimal("0"), max_value=Decimal("200000"), places=2),
    ),
    min_size=1,
    max_size=8,
)


def _lots(spec):
    return [
        pricing.OpenLot(i + 1, TRADE_DATE - dt.timedelta(days=days), units, cost)
        for i, (days, units, cost) in enumerate(spec)
    ]


@settings(max_examples=300, deadline=None)
@given(spec=lots_strategy, nav=navs, share=st.fractions(min_value=0, max_value=1))
def test_fifo_redemption_fee_is_the_sum_over_lots_each_at_its_own_rate(spec, nav, share):
    lots = _lots(spec)
    held = sum(lot.units for lot in lots)
    units = max(
        Decimal("0.01"),
        (held * Decimal(share.numerator) / Decimal(share.denominator or 1)).quantize(
            Decimal("0.01")
        ),
    )
    units = min(units, held)
    sale = pricing.fund_redemption(
        lots=lots, units=units, nav=nav, tiers=REDEMPTION, trade_date=TRADE_DATE
    )

    # Independently: walk the lots oldest first; each part pays round(units × NAV × its rate).
    expected_fee, left = Decimal(0), units
    for lot in sorted(lots, key=lambda lot: (lot.acquired_on, lot.id)):
        part = min(lot.units, left)
        if part <= 0:
            break
        days = (TRADE_DATE - lot.acquired_on).days
        rate = redemption_rate(tiers=REDEMPTION, days_held=days)
        expected_fee += (part * nav * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        left -= part
    assert sale.fee == expected_fee
    assert sale.units == units
    assert sale.gross == (units * nav).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert sale.paid == sale.gross - sale.fee
    assert sum(s.units for s in sale.slices) == units
    assert sum(s.gross for s in sale.slices) == sale.gross
    assert all(s.fee_rate >= Decimal("0.015") for s in sale.slices if s.days_held < 7)
    # The cost carried out never exceeds what the lots cost, and emptied lots give it all up.
    assert sale.cost <= sum(lot.cost for lot in lots)


def test_the_lots_gross_amounts_of_a_redemption_add_up_to_the_orders_gross():
    lots = _lots([(400, Decimal("0.05"), Decimal("1")), (10, Decimal("0.05"), Decimal("1"))])
    sale = pricing.fund_redemption(
        lots=lots, units=Decimal("0.10"), nav=Decimal("1.1000"), tiers=[], trade_date=TRADE_DATE
    )
    # 0.10 × 1.1 = 0.11, while each lot alone rounds 0.055 up to 0.06
    assert [s.gross for s in sale.slices] == [Decimal("0.06"), Decimal("0.05")]
    assert sale.gross == sum(s.gross for s in sale.slices) == Decimal("0.11")


def _deposit(acquired_on, units):
    return pricing.OpenLot(
        1,
        acquired_on,
        Decimal(units),
        Decimal(units),
        matures_on=pricing.add_months(acquired_on, 12),
        annual_rate=Decimal("0.021"),
        term_months=12,
        early_withdrawal_rate=Decimal("0.002"),
    )


def test_a_deposit_matured_by_the_trade_date_is_withdrawn_with_full_term_interest():
    deposit = _deposit(dt.date(2026, 11, 23), "10000")
    on_the_day = pricing.savings_withdrawal(
        lots=[deposit], units=Decimal("10000"), trade_date=dt.date(2027, 11, 23)
    )
    day_before = pricing.savings_withdrawal(
        lots=[deposit], units=Decimal("10000"), trade_date=dt.date(2027, 11, 22)
    )
    assert (on_the_day.paid, on_the_day.interest_rate) == (Decimal("10210.00"), Decimal("0.021"))
    assert (day_before.paid, day_before.interest_rate) == (Decimal("10019.95"), Decimal("0.002"))


def test_a_withdrawal_gives_up_to_maturity_what_it_would_take_of_the_matured_lots():
    old = pricing.OpenLot(1, dt.date(2026, 1, 5), Decimal("10000"), Decimal("10000"))
    new = pricing.OpenLot(2, dt.date(2026, 6, 1), Decimal("5000"), Decimal("5000"))
    parts = pricing.matured_parts(
        lots=[new, old], sells=[(7, Decimal("12000")), (8, Decimal("1000"))], matured={1}
    )
    assert parts == {7: Decimal("10000"), 8: Decimal("0")}
    assert pricing.matured_parts(lots=[new, old], sells=[(9, Decimal("4000"))], matured={2}) == {
        9: Decimal("0")
    }


def test_selling_more_than_the_lots_hold_is_refused():
    with pytest.raises(pricing.NotEnoughUnitsError):
        pricing.take(_lots([(10, Decimal("5"), Decimal("5"))]), Decimal("5.01"))


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2026, 11, 23), 12, dt.date(2027, 11, 23)),
        (dt.date(2026, 8, 31), 3, dt.date(2026, 11, 30)),
    ],
)
def test_terms_in_months_end_on_the_same_day_or_the_month_end(day, months, expected):
    assert pricing.add_months(day, months) == expected
