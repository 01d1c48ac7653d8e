"""Placing, cancelling and confirming switches through the services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from orders import services
from orders.models import CashEntry, EntryKind, Holding, Order, OrderStatus
from orders.plans.switching import selectors
from orders.plans.switching import services as switching
from orders.plans.switching.models import Switch, SwitchStatus
from orders.schedule import SWITCH_LEG_ALONE
from products.models import ProductKind, ProductStatus
from profiles.models import InvestorProfile
from tests import factories

from .conftest import TUESDAY, nav, set_subscription

pytestmark = pytest.mark.django_db
D = Decimal


def _codes(exc) -> dict:
    return {field: [e.code for e in errors] for field, errors in exc.value.error_dict.items()}


def _nothing_written(before):
    assert (Switch.objects.count(), Order.objects.count()) == before


def _counts():
    return Switch.objects.count(), Order.objects.count()


def test_a_switch_is_a_sell_of_a_and_a_buy_of_b_on_one_trade_date(place, fund_a, fund_b, holder):
    cash = services.cash_account_for(user=holder).balance
    switch = place()
    sell, buy = selectors.switch_legs(selectors.switch_of(user=holder, pk=switch.pk))
    assert (sell.product, sell.side, sell.units) == (fund_a, "sell", D("1000.00"))
    assert (buy.product, buy.side, buy.amount) == (fund_b, "buy", None)
    assert sell.trade_date == buy.trade_date == TUESDAY
    assert not sell.instant
    assert Holding.objects.get(user=holder, product=fund_a).reserved == D("1000.00")
    assert services.cash_account_for(user=holder).balance == cash  # no cash moves now
    assert switch.from_subscription_rate == switch.to_subscription_rate == D("0.015")
    assert buy.subscription_rate == 0  # the difference rate
    assert buy.suitability  # judged for B


def test_only_funds_of_the_same_institution_on_sale_and_not_the_same_fund(place, holder, fund_a):
    before = _counts()
    elsewhere = factories.ProductFactory(risk_level=2)
    with pytest.raises(ValidationError) as exc:
        place(to_product=elsewhere)
    assert _codes(exc) == {"to_product": ["switch_other_institution"]}
    with pytest.raises(ValidationError) as exc:
        place(to_product=fund_a)
    assert _codes(exc) == {"to_product": ["switch_same_fund"]}
    savings = factories.ProductFactory(kind=ProductKind.SAVINGS, institution=fund_a.institution)
    with pytest.raises(ValidationError) as exc:
        place(to_product=savings)
    assert _codes(exc) == {"to_product": ["switch_not_a_fund"]}
    closed = factories.ProductFactory(institution=fund_a.institution, status=ProductStatus.CLOSED)
    with pytest.raises(ValidationError) as exc:
        place(to_product=closed)
    assert _codes(exc) == {"to_product": ["switch_not_on_sale"]}
    _nothing_written(before)


def test_the_targets_are_the_institutions_other_funds_on_sale(fund_a, fund_b):
    factories.ProductFactory(kind=ProductKind.SAVINGS, institution=fund_a.institution)
    factories.ProductFactory(institution=fund_a.institution, status=ProductStatus.CLOSED)
    factories.ProductFactory()
    assert list(selectors.switch_targets(from_product=fund_a)) == [fund_b]


def test_more_units_than_available_are_refused_and_nothing_is_saved(place, holder, fund_a):
    place(units="9000")
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        place(units="900")  # 852.22 left to sell
    assert "units" in exc.value.error_dict
    _nothing_written(before)


def test_a_fund_not_held_cannot_be_switched(place, fund_a, fund_b, holder):
    with pytest.raises(ValidationError) as exc:
        place(from_product=fund_b, to_product=fund_a)
    assert _codes(exc) == {"from_product": ["switch_not_held"]}


@pytest.mark.parametrize("units", ["0", "-5", "1.234", "abc", "1e30", "", None])
def test_bad_units_are_a_field_error_and_nothing_is_saved(place, units):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        place(units=units)
    assert list(exc.value.error_dict) == ["units"]
    _nothing_written(before)


def test_an_amount_below_b_minimum_is_refused(place, fund_b):
    fund_b.min_purchase = D("5000.00")
    fund_b.save()
    with pytest.raises(ValidationError) as exc:
        place(units="100")
    assert _codes(exc) == {"units": ["switch_below_minimum"]}


def test_b_above_the_investor_level_needs_the_acknowledgement(place, fund_a, holder):
    risky = factories.ProductFactory(risk_level=5, institution=fund_a.institution)
    with pytest.raises(ValidationError) as exc:
        place(to_product=risky)
    assert list(exc.value.error_dict) == ["acknowledge_risk"]
    switch = place(to_product=risky, acknowledge_risk=True)
    _sell, buy = selectors.switch_legs(switch)
    assert buy.risk_acknowledged_version


def test_a_c1_investor_is_refused_b_above_r1(clock, fund_a, holder):
    InvestorProfile.objects.filter(user=holder).update(risk_level=1)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        switching.switch_place(
            user=holder,
            from_product=fund_a,
            to_product=factories.ProductFactory(risk_level=2, institution=fund_a.institution),
            units="100",
            acknowledge_risk=True,
        )
    assert list(exc.value.error_dict) == ["to_product"]
    _nothing_written(before)


def test_the_same_key_replays_the_switch_and_another_body_conflicts(place):
    first = place(idempotency_key="k1", request_hash="h1")
    again, created = switching.switch_place(
        user=first.user,
        from_product=first.from_product,
        to_product=first.to_product,
        units="1000",
        idempotency_key="k1",
        request_hash="h1",
    )
    assert (again.pk, created) == (first.pk, False)
    assert Order.objects.filter(switch=first).count() == 2
    with pytest.raises(switching.SwitchIdempotencyConflictError):
        place(idempotency_key="k1", request_hash="other")


def test_cancelling_the_switch_cancels_both_and_releases_the_units(place, holder, fund_a):
    switch = place()
    switching.switch_cancel(switch=switch, actor=holder)
    switch = selectors.switch_of(user=holder, pk=switch.pk)
    assert {o.status for o in switch.orders.all()} == {OrderStatus.CANCELLED}
    assert selectors.switch_status(switch) == SwitchStatus.CANCELLED
    assert Holding.objects.get(user=holder, product=fund_a).reserved == 0


def test_one_order_of_a_switch_cannot_be_cancelled_alone(place, holder):
    switch = place()
    for order in Order.objects.filter(switch=switch):
        with pytest.raises(ValidationError) as exc:
            services.order_cancel(order=order, actor=holder)
        assert exc.value.code == "switch_leg_alone"
        assert str(SWITCH_LEG_ALONE) in exc.value.messages
    assert set(Order.objects.filter(switch=switch).values_list("status", flat=True)) == {"pending"}


def test_after_the_cut_off_the_switch_cannot_be_cancelled(place, holder, clock):
    switch = place()
    clock.set(TUESDAY, 15, 1)
    with pytest.raises(ValidationError) as exc:
        switching.switch_cancel(switch=switch, actor=holder)
    assert exc.value.code == "cancel_too_late"
    assert set(Order.objects.filter(switch=switch).values_list("status", flat=True)) == {"pending"}


def test_staff_cancelling_one_leg_cancel_the_whole_switch(place, holder, fund_a):
    switch = place()
    sell = Order.objects.get(switch=switch, side="sell")
    services.order_cancel_by_staff(order=sell, actor=factories.StaffFactory(), reason="NAV lost")
    assert set(Order.objects.filter(switch=switch).values_list("status", flat=True)) == {
        "cancelled"
    }
    assert Holding.objects.get(user=holder, product=fund_a).reserved == 0


# --- confirmation: together or not at all -----------------------------------------------------


def _eod(clock, day=TUESDAY):
    clock.set(day, 20)
    return services.end_of_day(run_date=day)


def test_end_of_day_confirms_both_at_the_same_days_navs(place, holder, fund_a, fund_b, clock):
    set_subscription(fund_a, "0 - : 0.6%")
    set_subscription(fund_b, "0 - : 1.5%")
    switch = place(units="1000")
    nav(fund_a, TUESDAY, "1.0100")
    nav(fund_b, TUESDAY, "2.0200")
    cash = services.cash_account_for(user=holder).balance
    _eod(clock)
    sell = Order.objects.get(switch=switch, side="sell")
    buy = Order.objects.get(switch=switch, side="buy")
    # A: 1,000 × 1.0100 = 1,010.00; held 1 day → 1.5% = 15.15; paid 994.85
    assert (sell.status, sell.gross_amount, sell.fee, sell.amount) == (
        "settled",
        D("1010.00"),
        D("15.15"),
        D("994.85"),
    )
    # B: the difference 0.9% of 994.85 = 8.95365 → 8.95; net 985.90 / 2.0200 = 488.06 units
    assert (buy.status, buy.amount, buy.fee, buy.fee_rate) == (
        "confirmed",
        D("994.85"),
        D("8.95"),
        D("0.009000"),
    )
    assert (buy.net_amount, buy.units, buy.nav) == (D("985.90"), D("488.06"), D("2.0200"))
    assert sell.confirmed_on == buy.confirmed_on == TUESDAY
    assert services.cash_account_for(user=holder).balance == cash  # proceeds went into B
    entries = CashEntry.objects.filter(reference__in=[f"order:{sell.pk}", f"order:{buy.pk}"])
    assert sorted((e.kind, e.amount) for e in entries) == [
        (EntryKind.PURCHASE, D("-994.85")),
        (EntryKind.REDEMPTION, D("994.85")),
    ]
    b = Holding.objects.get(user=holder, product=fund_b)
    assert (b.units, b.cost) == (D("488.06"), D("994.85"))
    a = Holding.objects.get(user=holder, product=fund_a)
    assert (a.units, a.reserved) == (D("8852.22"), 0)
    assert selectors.switch_status(selectors.switch_of(user=holder, pk=switch.pk)) == "confirmed"
    assert services.reconcile_cash() == []


def test_without_b_nav_neither_order_is_confirmed_and_both_wait(place, holder, fund_a, clock):
    switch = place()
    nav(fund_a, TUESDAY, "1.0100")
    stats = _eod(clock)
    assert set(Order.objects.filter(switch=switch).values_list("status", flat=True)) == {"pending"}
    assert stats.get("waiting_for_nav") == 2
    a = Holding.objects.get(user=holder, product=fund_a)
    assert (a.units, a.reserved) == (D("9852.22"), D("1000.00"))
    assert services.reconcile_cash() == []


def test_once_b_nav_arrives_the_pair_confirms_on_the_rerun(place, holder, fund_a, fund_b, clock):
    switch = place()
    nav(fund_a, TUESDAY, "1.0100")
    _eod(clock)
    nav(fund_b, TUESDAY, "2.0000")
    _eod(clock)
    assert sorted(Order.objects.filter(switch=switch).values_list("status", flat=True)) == [
        "confirmed",
        "settled",
    ]


def test_a_pair_split_by_a_batch_boundary_still_confirms_together(
    place, holder, fund_a, fund_b, clock
):
    switch = place()
    nav(fund_a, TUESDAY, "1.0000")
    nav(fund_b, TUESDAY, "2.0000")
    clock.set(TUESDAY, 20)
    services.end_of_day(run_date=TUESDAY, batch_size=1)
    assert sorted(Order.objects.filter(switch=switch).values_list("status", flat=True)) == [
        "confirmed",
        "settled",
    ]
    assert services.reconcile_cash() == []


def test_proceeds_that_buy_no_units_reject_both_and_release_the_units(
    place, holder, fund_a, fund_b, clock
):
    switch = place(units="100")
    nav(fund_a, TUESDAY, "0.0001")  # 100 units → 0.01 gross: nothing left to buy B
    nav(fund_b, TUESDAY, "2.0000")
    cash = services.cash_account_for(user=holder).balance
    _eod(clock)
    assert set(Order.objects.filter(switch=switch).values_list("status", flat=True)) == {"rejected"}
    a = Holding.objects.get(user=holder, product=fund_a)
    assert (a.units, a.reserved) == (D("9852.22"), 0)
    assert not Holding.objects.filter(user=holder, product=fund_b, units__gt=0).exists()
    assert services.cash_account_for(user=holder).balance == cash
    assert selectors.switch_status(selectors.switch_of(user=holder, pk=switch.pk)) == "rejected"


def test_the_buy_snapshots_b_commission_contract_and_gets_its_upfront_entry(
    place, holder, fund_a, fund_b, clock, django_capture_on_commit_callbacks
):
    factories.CommissionContractFactory(institution=fund_a.institution)
    switch = place()
    buy = Order.objects.get(switch=switch, side="buy")
    assert buy.contract is not None
    nav(fund_a, TUESDAY, "1.0000")
    nav(fund_b, TUESDAY, "2.0000")
    with django_capture_on_commit_callbacks(execute=True):
        _eod(clock)
    assert buy.commission_entries.count() == 1


def test_without_a_nav_neither_order_is_confirmed_either_way(place, holder, fund_b, clock):
    switch = place()
    nav(fund_b, TUESDAY, "2.0000")  # B priced, A not
    _eod(clock)
    assert set(Order.objects.filter(switch=switch).values_list("status", flat=True)) == {"pending"}
    assert not Holding.objects.filter(user=holder, product=fund_b).exists()


def test_b_closed_after_placement_still_confirms_like_any_buy_placed(
    place, holder, fund_a, fund_b, clock
):
    switch = place()
    fund_b.status = ProductStatus.CLOSED
    fund_b.save()
    nav(fund_a, TUESDAY, "1.0000")
    nav(fund_b, TUESDAY, "2.0000")
    _eod(clock)
    assert sorted(Order.objects.filter(switch=switch).values_list("status", flat=True)) == [
        "confirmed",
        "settled",
    ]


def test_a_money_market_sale_in_a_switch_is_never_instant(clock, holder, fund_a, fund_b):
    from products.models import FundType

    money = factories.ProductFactory(
        fund_type=FundType.MONEY_MARKET, institution=fund_a.institution, risk_level=1
    )
    order, _ = services.order_place(user=holder, product=money, side="buy", amount="5000")
    clock.set(TUESDAY, 20)
    services.end_of_day(run_date=TUESDAY)
    clock.set(TUESDAY + dt.timedelta(days=1), 10)
    switch, _ = switching.switch_place(
        user=holder, from_product=money, to_product=fund_b, units="1000"
    )
    sell = Order.objects.get(switch=switch, side="sell")
    assert (sell.instant, sell.status) == (False, "pending")
    assert Holding.objects.get(user=holder, product=money).reserved == D("1000.00")


def test_a_correction_of_a_nav_settles_its_leg_and_leaves_the_other_as_confirmed(
    place, holder, fund_a, fund_b, clock
):
    """The decision (orders.services.corrections): each leg is re-priced at its own fund's
    corrected NAV. A's NAV corrected: the sale's proceeds change and the difference is settled
    in cash; B's purchase stands as confirmed. B's NAV corrected: B's units change for the same
    money, as any buy's. The ledger reconciles either way."""
    switch = place(units="1000")
    nav(fund_a, TUESDAY, "1.0100")
    nav(fund_b, TUESDAY, "2.0200")
    _eod(clock)
    cash = services.cash_account_for(user=holder).balance
    sell = Order.objects.get(switch=switch, side="sell")
    buy = Order.objects.get(switch=switch, side="buy")

    def corrected(product, new_nav):
        correction = services.nav_correction_request(
            product=product,
            date=TUESDAY,
            new_nav=new_nav,
            reason="Custodian repriced a bond.",
            actor=factories.StaffFactory(),
        )
        services.nav_correction_approve(correction=correction, actor=factories.StaffFactory())

    corrected(fund_a, "1.0200")  # 1,000 × 1.02 = 1,020.00 less 1.5% (15.30) = 1,004.70
    sell.refresh_from_db()
    buy.refresh_from_db()
    assert sell.amount == D("1004.70")
    assert services.cash_account_for(user=holder).balance == cash + D("9.85")
    assert (buy.amount, buy.units) == (D("994.85"), D("492.50"))  # same rates: no difference fee
    corrected(fund_b, "2.0000")  # 994.85 / 2.0000 = 497.425 → 497.42 units
    buy.refresh_from_db()
    assert (buy.amount, buy.units) == (D("994.85"), D("497.42"))
    assert Holding.objects.get(user=holder, product=fund_b).units == D("497.42")
    assert services.reconcile_cash() == []
