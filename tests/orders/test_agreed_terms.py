"""What the investor agreed to is fixed when the order is placed (DESIGN §4): the subscription
fee band shown at checkout, the redemption schedule of each lot, a deposit's rate, term and
early rate, a policy's cancellation fee. A later approved change applies to new orders only.
And a deposit that has reached maturity is paid its full-term interest, whatever is pending."""

import datetime as dt
from decimal import Decimal
from importlib import import_module
from unittest import mock

import pytest

from orders import selectors, services
from orders.models import Holding, Lot, Order, OrderEvent
from products import services as product_services
from products.fees import parse_tiers
from products.models import ProductKind
from products.selectors import subscription_fee_estimate
from tests.factories import MembershipFactory, ProductFactory, StaffFactory, UserFactory
from tests.factories import investor_with_cash as investor
from tests.orders.test_end_of_day import MONDAY, TUESDAY, at, balance, buy, nav, sell

pytestmark = pytest.mark.django_db
eod = import_module("orders.services.maturity")  # the module (the package exports the function)
MATURITY_DAY = dt.date(2027, 11, 23)  # a Tuesday: 12 months after MONDAY


def run_end_of_day(day: dt.date) -> None:
    """End of day for ``day``, run on that day's evening (it refuses dates in the future)."""
    with mock.patch("django.utils.timezone.now", return_value=at(day, 22)):
        services.end_of_day(run_date=day)


def approve_change(product, *, terms=None, fee_tiers=None) -> None:
    """An editor proposes a change to the published product and staff approve it."""
    editor = UserFactory()
    MembershipFactory(user=editor, institution=product.institution, role="editor")
    result = product_services.product_update(
        product=product, actor=editor, changes={}, terms=terms, fee_tiers=fee_tiers
    )
    product_services.revision_approve(
        revision=result.revision, actor=StaffFactory(), reason="New terms for new orders."
    )


def savings_deposit(cash="10000", amount="10000"):
    """An investor with a confirmed deposit made on MONDAY: 12 months at 2.1%, early 0.2%."""
    user = investor(cash=cash)
    product = ProductFactory(kind=ProductKind.SAVINGS, risk_level=1)
    buy(user, product, amount)
    run_end_of_day(MONDAY)
    return user, product


# --- terms kept from placement ------------------------------------------------------------------


def test_savings_maturity_uses_the_rate_agreed_at_deposit():
    user, savings = savings_deposit(cash="20000")
    approve_change(savings, terms={"annual_rate": "0.015"})  # cut from 2.1% to 1.5%
    savings.refresh_from_db()
    later = buy(user, savings, "10000", day=TUESDAY)
    run_end_of_day(TUESDAY)

    run_end_of_day(MATURITY_DAY)
    assert balance(user) == Decimal("10210.00")  # not 10,150: the deposit kept 2.1%
    run_end_of_day(MATURITY_DAY + dt.timedelta(days=1))
    assert balance(user) == Decimal("10210.00") + Decimal("10150.00")  # the new one: 1.5%
    assert Lot.objects.get(order=later).annual_rate == Decimal("0.015")
    assert services.reconcile_cash() == []


def test_early_withdrawal_uses_the_early_rate_agreed_at_deposit_and_the_review_shows_it():
    user, savings = savings_deposit()
    approve_change(savings, terms={"early_withdrawal_rate": "0.001"})  # cut from 0.2%
    withdrawal_day = MONDAY + dt.timedelta(days=100)
    position = selectors.position_of(user=user, product_slug=savings.slug, today=withdrawal_day)
    estimate = selectors.sale_estimate(
        position=position, units=Decimal("4000"), trade_date=withdrawal_day
    )

    order = sell(user, savings, "4000", day=withdrawal_day)
    run_end_of_day(withdrawal_day)
    order.refresh_from_db()
    # 4000 × 0.2% × 100 / 365 = 2.19 (the new 0.1% would pay 1.10)
    assert (order.status, order.amount) == ("settled", Decimal("4002.19"))
    assert estimate.paid == order.amount


def test_insurance_refund_uses_the_cancellation_fee_agreed_at_purchase():
    user = investor(cash="5000")
    policy = ProductFactory(kind=ProductKind.INSURANCE, risk_level=1)  # 1200, fee 10
    buy(user, policy, "1200")
    run_end_of_day(MONDAY)
    approve_change(policy, terms={"cancellation_fee": "2.00"})

    order = sell(user, policy, "1", day=TUESDAY)
    run_end_of_day(TUESDAY)
    order.refresh_from_db()
    assert (order.status, order.amount, order.fee) == ("settled", Decimal("1190.00"), Decimal("10"))


def test_subscription_fee_charged_is_the_band_shown_at_checkout_not_the_tiers_at_confirmation():
    user = investor(cash="20000")
    fund = ProductFactory()  # 1.5% below 500,000
    shown = subscription_fee_estimate(product=fund, amount=Decimal("10000"))
    order = buy(user, fund, "10000")
    approve_change(fund, fee_tiers={"subscription": parse_tiers("0 - : 3%")})
    nav(fund, MONDAY, "1.0000")
    run_end_of_day(MONDAY)
    order.refresh_from_db()
    assert shown.fee == order.fee == Decimal("147.78")  # not 291.26 at the new 3%
    assert (order.subscription_rate, order.fee_rate) == (Decimal("0.015"), Decimal("0.015"))

    fund.refresh_from_db()
    shown_later = subscription_fee_estimate(product=fund, amount=Decimal("10000"))
    later = buy(user, fund, "10000", day=TUESDAY)
    nav(fund, TUESDAY, "1.0000")
    run_end_of_day(TUESDAY)
    later.refresh_from_db()
    assert shown_later.fee == later.fee == Decimal("291.26")


def test_redemption_fee_uses_the_schedule_agreed_at_purchase():
    user = investor(cash="20000")
    fund = ProductFactory()  # 30–365 days held: 0.5%
    buy(user, fund, "10000")
    nav(fund, MONDAY, "1.0000")
    run_end_of_day(MONDAY)
    approve_change(fund, fee_tiers={"redemption": parse_tiers("0 - 7 : 1.5%\n7 - : 1%")})

    sell_day = MONDAY + dt.timedelta(days=45)  # Thu 7 Jan 2027
    order = sell(user, fund, "1000", day=sell_day)
    nav(fund, sell_day, "1.0000")
    run_end_of_day(sell_day)
    order.refresh_from_db()
    assert (order.status, order.fee_rate, order.fee) == ("settled", Decimal("0.005"), Decimal("5"))


# --- maturity is never priced as early ----------------------------------------------------------


def test_a_withdrawal_on_the_maturity_day_pays_full_term_interest():
    user, savings = savings_deposit()
    order = sell(user, savings, "10000", day=MATURITY_DAY)  # before 15:00: trades that day
    run_end_of_day(MATURITY_DAY)
    order.refresh_from_db()
    assert (order.status, order.amount) == ("settled", Decimal("10210.00"))  # not 10,020
    assert balance(user) == Decimal("10210.00")
    assert services.reconcile_cash() == []


def test_a_withdrawal_placed_after_the_cut_off_on_the_maturity_day_does_not_block_the_payout():
    user, savings = savings_deposit()
    order = sell(user, savings, "10000", day=MATURITY_DAY, hour=16)  # trades the next day
    run_end_of_day(MATURITY_DAY)
    assert balance(user) == Decimal("10210.00")
    order.refresh_from_db()
    assert order.status == "cancelled"
    event = OrderEvent.objects.filter(order=order).last()
    assert (event.to_status, event.reason) == (
        "cancelled",
        eod.PAID_AT_MATURITY.format(matures_on=MATURITY_DAY),
    )
    holding = Holding.objects.get(user=user, product=savings)
    assert (holding.units, holding.reserved) == (0, 0)
    run_end_of_day(MATURITY_DAY + dt.timedelta(days=1))
    assert balance(user) == Decimal("10210.00")
    assert services.reconcile_cash() == []


def test_a_pending_partial_withdrawal_does_not_delay_maturity_and_keeps_only_what_is_left():
    user, savings = savings_deposit(cash="15000")
    second_day = dt.date(2027, 1, 4)
    buy(user, savings, "5000", day=second_day)
    run_end_of_day(second_day)
    order = sell(user, savings, "12000", day=MATURITY_DAY, hour=16)  # 10,000 of it matures

    run_end_of_day(MATURITY_DAY)
    assert balance(user) == Decimal("10210.00")
    order.refresh_from_db()
    assert (order.status, order.units) == ("pending", Decimal("2000"))
    assert OrderEvent.objects.filter(
        order=order
    ).last().reason == eod.PARTLY_PAID_AT_MATURITY.format(
        matured=Decimal("10000"), matures_on=MATURITY_DAY, left=Decimal("2000")
    )
    holding = Holding.objects.get(user=user, product=savings)
    assert (holding.units, holding.reserved) == (Decimal("5000"), Decimal("2000"))

    next_day = MATURITY_DAY + dt.timedelta(days=1)
    run_end_of_day(next_day)
    order.refresh_from_db()
    # the rest comes out of the second deposit early: 2000 × 0.2% × 324 / 365 = 3.55
    assert (order.status, order.amount) == ("settled", Decimal("2003.55"))
    holding.refresh_from_db()
    assert (holding.units, holding.reserved) == (Decimal("3000"), 0)
    assert Order.objects.filter(user=user, status="pending").count() == 0
    assert services.reconcile_cash() == []


# --- existing rows ------------------------------------------------------------------------------

AGREED = [
    "subscription_rate",
    "subscription_fixed_fee",
    "redemption_tiers",
    "annual_rate",
    "term_months",
    "early_withdrawal_rate",
    "cancellation_fee",
]


def test_the_migration_gives_existing_orders_and_lots_the_terms_placement_now_keeps():
    from django.apps import apps

    backfill = import_module("orders.migrations.0012_snap_agreed_terms").backfill
    user = investor(cash="7000000")
    fund = ProductFactory()
    savings = ProductFactory(kind=ProductKind.SAVINGS, risk_level=1)
    policy = ProductFactory(kind=ProductKind.INSURANCE, risk_level=1)
    for product, amount in (
        (fund, "10000"),
        (fund, "5500000"),
        (savings, "10000"),
        (policy, "1200"),
    ):
        buy(user, product, amount)
    nav(fund, MONDAY, "1.0000")
    run_end_of_day(MONDAY)
    buy(user, fund, "600000", day=TUESDAY)  # still pending: the 1% band
    orders = list(Order.objects.order_by("pk").values_list(*AGREED))
    lots = list(Lot.objects.order_by("pk").values_list(*AGREED[2:]))
    Order.objects.update(**dict.fromkeys(AGREED))
    Lot.objects.update(**dict.fromkeys(AGREED[2:]))

    backfill(apps, None)
    assert list(Order.objects.order_by("pk").values_list(*AGREED)) == orders
    assert list(Lot.objects.order_by("pk").values_list(*AGREED[2:])) == lots
    assert [o[:2] for o in orders if o[2]] == [
        (Decimal("0.015"), None),
        (None, Decimal("1000")),
        (Decimal("0.01"), None),
    ]
