"""Platform commission: one upfront entry per confirmed purchase from the contract
snapshotted on the order, corrections as new negative entries, daily trail whose month adds up
to the monthly figure to the cent, and everything exactly once however often it runs."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from institutions.models import UpfrontBasis
from orders import services
from orders.models import CommissionEntry, Holding
from products.models import FundType, NavPrice, ProductKind
from tests.factories import (
    CommissionContractFactory,
    ProductFactory,
    UserFactory,
    investor_with_cash,
)
from tests.orders.test_end_of_day import MONDAY, buy, sell

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")


def contract(product, **kwargs):
    defaults = {
        "institution": product.institution,
        "product_kind": product.kind,
        "upfront_rate": Decimal("0.004"),
        "trail_rate": Decimal("0.3"),
        "valid_from": dt.date(2026, 1, 1),
    }
    return CommissionContractFactory(**{**defaults, **kwargs})


@pytest.fixture
def eod(django_capture_on_commit_callbacks):
    """``eod(day)`` runs end of day and then what it enqueued (tests run in one transaction,
    so the after-commit sends are captured and run here)."""

    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            return services.end_of_day(run_date=day)

    return run


@pytest.fixture
def confirmed_buy(eod):
    def make(product, amount="10150", nav="1.0000", cash="50000"):
        user = investor_with_cash(cash=cash)
        order = buy(user, product, amount)
        NavPrice.objects.get_or_create(product=product, date=MONDAY, defaults={"nav": Decimal(nav)})
        eod(MONDAY)
        order.refresh_from_db()
        return user, order

    return make


def test_a_confirmed_purchase_gets_one_upfront_entry_from_its_snapshot(confirmed_buy):
    product = ProductFactory()
    terms = contract(product)
    user, order = confirmed_buy(product)
    terms.upfront_rate = Decimal("0.01")  # a later change never rewrites past commission
    terms.save()

    services.commission_entries_write()
    services.commission_entries_write()

    entry = CommissionEntry.objects.get(order=order)
    assert (entry.kind, entry.basis, entry.rate, entry.amount) == (
        "upfront",
        Decimal("10150.00"),
        Decimal("0.004"),
        Decimal("40.60"),
    )
    assert (entry.institution, entry.accrual_date) == (
        product.institution,
        MONDAY,  # the business day whose end of day confirmed it
    )


def test_upfront_as_a_share_of_the_front_fee(confirmed_buy):
    product = ProductFactory()
    contract(product, upfront_basis=UpfrontBasis.FRONT_FEE, upfront_rate=Decimal("0.5"))
    user, order = confirmed_buy(product)  # fee 150.00 at 1.5%
    entry = CommissionEntry.objects.get(order=order)
    assert (entry.basis, entry.amount) == (Decimal("150.00"), Decimal("75.00"))


def test_end_of_day_enqueues_the_upfront_sweep_with_the_confirmation(confirmed_buy):
    product = ProductFactory()
    contract(product)
    user, order = confirmed_buy(product)
    # No explicit call: the outbox message written with the batch ran after commit.
    assert CommissionEntry.objects.filter(order=order, kind="upfront").count() == 1


def test_orders_without_a_contract_earn_nothing_and_pending_ones_wait(confirmed_buy):
    product = ProductFactory()
    user, order = confirmed_buy(product)
    pending = buy(user, product, "1000", day=MONDAY + dt.timedelta(days=1))
    services.commission_entries_write()
    assert not CommissionEntry.objects.filter(order__in=[order, pending]).exists()


def test_a_policy_cancelled_in_cooling_off_gives_its_commission_back_as_a_new_entry(eod):
    policy = ProductFactory(kind=ProductKind.INSURANCE, risk_level=1)
    contract(policy, upfront_rate=Decimal("0.05"))
    user = investor_with_cash(cash="5000")
    bought = buy(user, policy, "1200")
    eod(MONDAY)
    upfront = CommissionEntry.objects.get(order=bought)
    assert upfront.amount == Decimal("60.00")

    cancel = sell(user, policy, "1", day=MONDAY + dt.timedelta(days=3))
    eod(MONDAY + dt.timedelta(days=3))

    correction = CommissionEntry.objects.get(order=cancel)
    assert (correction.kind, correction.amount) == ("correction", Decimal("-60.00"))
    upfront.refresh_from_db()
    assert upfront.amount == Decimal("60.00")  # entries never change
    total = sum(CommissionEntry.objects.values_list("amount", flat=True))
    assert total == 0


def test_trail_accrues_once_per_holding_per_day_at_the_days_nav(confirmed_buy):
    product = ProductFactory()
    contract(product)  # trail share 30% of a 0.6% management fee
    user, order = confirmed_buy(product)  # 10,000.00 units
    NavPrice.objects.create(product=product, date=MONDAY + dt.timedelta(days=1), nav=Decimal("1.2"))
    holding = Holding.objects.get(user=user)

    services.trail_accrue(on_date=MONDAY + dt.timedelta(days=1))
    services.trail_accrue(on_date=MONDAY + dt.timedelta(days=1))

    entry = CommissionEntry.objects.get(holding=holding, accrual_date=MONDAY + dt.timedelta(days=1))
    monday = CommissionEntry.objects.get(holding=holding, accrual_date=MONDAY)
    # Monday (by end of day): 10,000.00 × 0.0018 / 365 = 0.0493… → 0.05, carrying −0.00068…
    assert (monday.basis, monday.amount) == (Decimal("10000.00"), Decimal("0.05"))
    # Tuesday: 12,000.00 × 0.0018 / 365 = 0.05917… plus Monday's carry = 0.0585 → 0.06
    exact = Decimal("12000") * Decimal("0.0018") / 365 + monday.carry
    assert (entry.basis, entry.rate, entry.amount) == (
        Decimal("12000.00"),
        Decimal("0.0018"),
        Decimal("0.06"),
    )
    # (20 places on PostgreSQL; SQLite keeps about 16 significant digits.)
    assert abs(entry.carry - (exact - Decimal("0.06"))) < Decimal("1e-15")


def test_a_month_of_daily_trail_adds_up_to_the_monthly_figure_to_the_cent():
    product = ProductFactory(fund_type=FundType.MONEY_MARKET, risk_level=1)
    product.fund_terms.management_fee_rate = Decimal("0.0033")
    product.fund_terms.save()
    contract(product, trail_rate=Decimal("0.45"))
    user = investor_with_cash(cash="123457")
    buy(user, product, "123456.78")
    services.end_of_day(run_date=MONDAY)  # November: its trail is not December's
    holding = Holding.objects.get(user=user)
    december = [dt.date(2026, 12, d) for d in range(1, 32)]
    for day in december:
        services.trail_accrue(on_date=day)

    entries = CommissionEntry.objects.filter(holding=holding, accrual_date__month=12)
    assert entries.count() == 31
    rate = Decimal("0.0033") * Decimal("0.45")
    monthly = (Decimal("123456.78") * rate * 31 / 365).quantize(CENT, rounding=ROUND_HALF_UP)
    assert sum(e.amount for e in entries) == monthly


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.decimals(min_value=Decimal("0"), max_value=Decimal("5000000"), places=2),
        min_size=28,
        max_size=31,
    ),
    rate=st.decimals(min_value=Decimal("0"), max_value=Decimal("0.015"), places=6),
)
def test_carried_rounding_makes_any_month_add_up(values, rate):
    carry, total = Decimal(0), Decimal(0)
    for value in values:
        amount, carry = services.trail_commission(market_value=value, annual_rate=rate, carry=carry)
        total += amount
    assert total == half_up(sum(Fraction(v * rate) / 365 for v in values))


def half_up(exact: Fraction) -> Decimal:
    """An exact (rational) amount to the cent, half-up: the reference for trail."""
    cents = exact * 100
    whole = cents.numerator // cents.denominator
    return Decimal(whole + (cents - whole >= Fraction(1, 2))) / 100


def test_a_day_exactly_half_a_cent_after_the_carry_rounds_up():
    """The entry bench/commission.py found: 207,628.14 then 73,421.86 at 0.45% is exactly
    2.56 + 0.905 over two days, so the second day is 0.91 (half-up), not 0.90 because the
    carry's twentieth decimal fell under the half."""
    rate = Decimal("0.004500")
    first, carry = services.trail_commission(
        market_value=Decimal("207628.14"), annual_rate=rate, carry=Decimal(0)
    )
    second, carry = services.trail_commission(
        market_value=Decimal("73421.86"), annual_rate=rate, carry=carry
    )
    assert (first, second) == (Decimal("2.56"), Decimal("0.91"))
    assert first + second == half_up(Fraction(Decimal("281050.00") * rate) / 365)
    assert carry == Decimal("-0.005")


def trail_fund(units: str, navs: dict[dt.date, str], **contract_kwargs):
    """A fund (1.5% management fee) and one investor's holding of ``units``, with NAVs."""
    product = ProductFactory()
    product.fund_terms.management_fee_rate = Decimal("0.015")
    product.fund_terms.save()
    contract(product, **contract_kwargs)
    holding = Holding.objects.create(
        user=UserFactory(),
        product=product,
        institution=product.institution,
        kind=ProductKind.FUND,
        units=Decimal(units),
        cost=Decimal(units),
    )
    for day, nav in navs.items():
        NavPrice.objects.create(product=product, date=day, nav=Decimal(nav))
    return product, holding


def trail_of(holding) -> dict[dt.date, Decimal]:
    return dict(
        CommissionEntry.objects.filter(holding=holding, kind="trail").values_list(
            "accrual_date", "amount"
        )
    )


def test_trail_accrue_rounds_a_carried_half_cent_up():
    # 13,931.89 units at 1.0000 then 1.3579: 0.171762… + 0.233238… = exactly 0.405.
    monday, tuesday = dt.date(2026, 12, 7), dt.date(2026, 12, 8)
    _, holding = trail_fund("13931.89", {monday: "1.0000", tuesday: "1.3579"})
    services.trail_accrue(on_date=monday)
    services.trail_accrue(on_date=tuesday)
    assert trail_of(holding) == {monday: Decimal("0.17"), tuesday: Decimal("0.24")}


def test_the_carry_starts_again_at_zero_on_the_first_of_the_month():
    # 13,931.89 × 0.45% / 365 = 0.171762… a day: two days carry +0.003524…, which on
    # 1 December would make 0.175… → 0.18; the month starts afresh, so 0.17.
    days = [dt.date(2026, 11, 29), dt.date(2026, 11, 30), dt.date(2026, 12, 1)]
    _, holding = trail_fund("13931.89", {days[0]: "1.0000"})
    for day in days:
        services.trail_accrue(on_date=day)
    assert trail_of(holding) == dict(zip(days, [Decimal("0.17")] * 3, strict=True))
    december = CommissionEntry.objects.get(holding=holding, accrual_date=days[2])
    daily = Decimal("13931.89") * Decimal("0.0045") / 365
    assert abs(december.carry - (daily - Decimal("0.17"))) < Decimal("1e-15")


def test_a_contract_changed_mid_month_keeps_the_carry_and_the_month_adds_up():
    # 0.171762… a day at a 30% share, then 0.229017… at 40%: by the 15th the carry is
    # −0.004714…, so the 16th is 0.22 (0.23 had the change reset it).
    days = [dt.date(2026, 12, d) for d in (13, 14, 15, 16, 17)]
    product, holding = trail_fund("13931.89", {days[0]: "1.0000"}, valid_to=days[2])
    contract(product, trail_rate=Decimal("0.4"), valid_from=days[3])
    for day in days:
        services.trail_accrue(on_date=day)

    entries = CommissionEntry.objects.filter(holding=holding).order_by("accrual_date")
    assert [e.rate for e in entries] == [Decimal("0.0045")] * 3 + [Decimal("0.006")] * 2
    assert [e.amount for e in entries] == [
        Decimal(a) for a in ("0.17", "0.17", "0.18", "0.22", "0.23")
    ]
    exact = sum(Fraction(e.basis * e.rate) / 365 for e in entries)
    assert sum(e.amount for e in entries) == half_up(exact)
