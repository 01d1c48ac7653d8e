"""The daily run: due plans bought through the order service on their trading day, skipped
ones recorded and told, three skips pause, a rerun buys nothing twice."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from orders import services as orders_services
from orders.campaigns.models import InboxMessage, Topic
from orders.models import Holiday, Order
from orders.plans import placing, run, services
from orders.plans.models import PlanPurchase, PlanStatus, PurchaseStatus
from products.models import ProductStatus
from profiles.models import InvestorProfile
from tests.factories import bound_card

D = dt.date


def run_on(clock, day, hour=9, minute=30):
    clock.set(day, hour, minute)
    return run.plans_run(day=day)


def test_a_monthly_plan_buys_on_its_day_through_the_order_service(clock, make_plan, investor):
    plan = make_plan(day=1)  # 1 Dec 2026 is a Tuesday

    assert run_on(clock, D(2026, 11, 30))["claimed"] == 0
    outcome = run_on(clock, D(2026, 12, 1))

    assert outcome == {"claimed": 1, "placed": 1, "skipped": 0, "finished": 0}
    purchase = PlanPurchase.objects.get(plan=plan)
    order = purchase.order
    assert purchase.status == PurchaseStatus.PLACED
    assert order.idempotency_key == f"plan-{plan.pk}-2026-12-01"
    assert order.trade_date == D(2026, 12, 1)
    assert order.amount == Decimal("1000.00")
    assert orders_services.cash_account_for(user=investor).balance == Decimal("19000.00")


def test_a_rerun_and_a_second_run_create_nothing_twice(clock, make_plan):
    plan = make_plan(day=1)
    run_on(clock, D(2026, 12, 1))
    again = run_on(clock, D(2026, 12, 1), 11)

    assert again["claimed"] == 0
    assert again["placed"] == 0
    assert PlanPurchase.objects.filter(plan=plan).count() == 1
    assert Order.objects.filter(user=plan.user).count() == 1


def test_a_due_day_on_a_holiday_buys_on_the_next_trading_day(clock, make_plan, staff):
    plan = make_plan(day=1)
    orders_services.holiday_add(actor=staff, date=D(2026, 12, 1), name="Test holiday")

    assert run_on(clock, D(2026, 11, 30))["claimed"] == 0
    clock.set(D(2026, 12, 1), 9, 30)
    with pytest.raises(ValidationError) as refused:  # not a trading day
        run.plans_run(day=D(2026, 12, 1))
    assert refused.value.code == "not_trading_day"
    outcome = run_on(clock, D(2026, 12, 2))

    assert outcome["placed"] == 1
    assert PlanPurchase.objects.get(plan=plan).due_date == D(2026, 12, 2)
    assert Order.objects.get(user=plan.user).trade_date == D(2026, 12, 2)


def test_a_holiday_moved_by_staff_moves_the_purchase(clock, make_plan, staff):
    """Staff first mark 1 Dec a holiday, then move it (remove it, add 2 Dec): the plan buys on
    1 Dec after all, and nothing again on the 2nd."""
    plan = make_plan(day=1)
    holiday = orders_services.holiday_add(actor=staff, date=D(2026, 12, 1), name="Moved")
    orders_services.holiday_remove(actor=staff, holiday=holiday)
    orders_services.holiday_add(actor=staff, date=D(2026, 12, 2), name="Moved")

    assert run_on(clock, D(2026, 12, 1))["placed"] == 1
    assert run_on(clock, D(2026, 12, 3))["claimed"] == 0
    assert list(PlanPurchase.objects.filter(plan=plan).values_list("due_date", flat=True)) == [
        D(2026, 12, 1)
    ]


def test_a_weekend_day_buys_on_monday(clock, make_plan):
    plan = make_plan(day=5)  # 5 Dec 2026 is a Saturday
    assert run_on(clock, D(2026, 12, 4))["claimed"] == 0
    assert run_on(clock, D(2026, 12, 7))["placed"] == 1
    assert PlanPurchase.objects.get(plan=plan).due_date == D(2026, 12, 7)


def test_weekly_and_fortnightly_plans_buy_on_their_weeks(clock, make_plan):
    weekly = make_plan(frequency="weekly", day=3)  # Wednesdays
    fortnightly = make_plan(frequency="fortnightly", day=3)  # from Wed 25 Nov
    for day in (D(2026, 11, 25), D(2026, 12, 2), D(2026, 12, 9)):
        run_on(clock, day)

    assert weekly.purchases.count() == 3
    assert sorted(fortnightly.purchases.values_list("due_date", flat=True)) == [
        D(2026, 11, 25),
        D(2026, 12, 9),
    ]


def test_an_end_by_count_finishes_the_plan_after_its_last_purchase(clock, make_plan):
    plan = make_plan(frequency="weekly", day=3, max_purchases=2)
    for day in (D(2026, 11, 25), D(2026, 12, 2), D(2026, 12, 9)):
        run_on(clock, day)

    plan.refresh_from_db()
    assert plan.purchases.count() == 2
    assert plan.status == PlanStatus.FINISHED
    assert InboxMessage.objects.filter(user=plan.user, topic=Topic.PLAN_FINISHED).count() == 1


def test_an_end_by_date_stops_buying_and_finishes(clock, make_plan):
    plan = make_plan(frequency="weekly", day=3, end_date=D(2026, 12, 3))
    for day in (D(2026, 11, 25), D(2026, 12, 2), D(2026, 12, 9)):
        run_on(clock, day)

    plan.refresh_from_db()
    assert plan.purchases.count() == 2
    assert plan.status == PlanStatus.FINISHED


def test_not_enough_cash_skips_with_the_reason_and_tells_the_investor_once(clock, make_plan):
    plan = make_plan(amount="25000", day=1)
    run_on(clock, D(2026, 12, 1))
    run_on(clock, D(2026, 12, 1), 11)

    purchase = PlanPurchase.objects.get(plan=plan)
    assert purchase.status == PurchaseStatus.SKIPPED
    assert purchase.reason_code == placing.REASON_CASH
    assert purchase.order is None
    notices = InboxMessage.objects.filter(user=plan.user, topic=Topic.PLAN_SKIPPED)
    assert notices.count() == 1
    assert notices.get().subject_key == f"plan:{plan.pk}:2026-12-01"
    assert not Order.objects.filter(user=plan.user).exists()
    plan.refresh_from_db()
    assert plan.consecutive_skips == 1
    assert plan.status == PlanStatus.ACTIVE


def test_an_expired_assessment_skips(clock, make_plan, investor):
    plan = make_plan(day=1)
    InvestorProfile.objects.filter(user=investor).update(assessment_valid_until=D(2026, 11, 30))
    run_on(clock, D(2026, 12, 1))
    assert PlanPurchase.objects.get(plan=plan).reason_code == placing.REASON_EXPIRED


def test_a_closed_product_skips(clock, make_plan, fund):
    plan = make_plan(day=1)
    fund.status = ProductStatus.CLOSED
    fund.save()
    run_on(clock, D(2026, 12, 1))
    assert PlanPurchase.objects.get(plan=plan).reason_code == placing.REASON_CLOSED


def test_a_risk_level_raised_above_the_investor_skips(clock, make_plan, fund):
    plan = make_plan(day=1)
    fund.risk_level = 5
    fund.save()
    run_on(clock, D(2026, 12, 1))
    assert PlanPurchase.objects.get(plan=plan).reason_code == placing.REASON_RISK


def test_a_limit_skips(clock, make_plan, fund):
    plan = make_plan(day=1, amount="1000")
    fund.min_purchase = Decimal("5000.00")
    fund.save()
    run_on(clock, D(2026, 12, 1))
    assert PlanPurchase.objects.get(plan=plan).reason_code == placing.REASON_AMOUNT


def test_a_suspended_institution_skips_with_its_code(clock, make_plan, fund):
    plan = make_plan(day=1)
    fund.institution.status = "suspended"
    fund.institution.save()
    run_on(clock, D(2026, 12, 1))
    assert PlanPurchase.objects.get(plan=plan).reason_code == "institution_suspended"


def test_three_skips_in_a_row_pause_the_plan_and_tell_the_investor(clock, make_plan):
    plan = make_plan(frequency="weekly", day=3, amount="30000")
    for day in (D(2026, 11, 25), D(2026, 12, 2), D(2026, 12, 9), D(2026, 12, 16)):
        run_on(clock, day)

    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    assert plan.purchases.count() == 3  # paused: nothing claimed on the 16th
    assert InboxMessage.objects.filter(user=plan.user, topic=Topic.PLAN_SKIPPED).count() == 3
    assert InboxMessage.objects.filter(user=plan.user, topic=Topic.PLAN_PAUSED).count() == 1
    assert plan.events.filter(to_status=PlanStatus.PAUSED, actor__isnull=True).exists()


def test_a_purchase_made_resets_the_skip_count(clock, make_plan, investor):
    plan = make_plan(frequency="weekly", day=3, amount="15000")
    run_on(clock, D(2026, 11, 25))  # placed: 5,000 left
    run_on(clock, D(2026, 12, 2))  # skipped
    run_on(clock, D(2026, 12, 9))  # skipped
    plan.refresh_from_db()
    assert plan.consecutive_skips == 2
    orders_services.deposit_start(user=investor, amount="20000", card=bound_card(investor))
    run_on(clock, D(2026, 12, 16))
    plan.refresh_from_db()
    assert plan.consecutive_skips == 0
    assert plan.status == PlanStatus.ACTIVE
    run_on(clock, D(2026, 12, 23))  # skipped again: one in a row, not three
    plan.refresh_from_db()
    assert plan.consecutive_skips == 1
    assert plan.status == PlanStatus.ACTIVE


def test_paused_and_stopped_plans_do_not_buy(clock, make_plan, investor):
    paused = make_plan(day=1)
    stopped = make_plan(day=1)
    services.plan_pause(plan=paused, actor=investor)
    services.plan_stop(plan=stopped, actor=investor)
    assert run_on(clock, D(2026, 12, 1))["claimed"] == 0


def test_a_resumed_plan_buys_from_its_next_due_day_not_the_missed_ones(clock, make_plan, investor):
    plan = make_plan(frequency="weekly", day=3)
    services.plan_pause(plan=plan, actor=investor)
    run_on(clock, D(2026, 11, 25))
    clock.set(D(2026, 11, 26), 12)
    services.plan_resume(plan=plan, actor=investor)
    run_on(clock, D(2026, 12, 2))
    assert list(plan.purchases.values_list("due_date", flat=True)) == [D(2026, 12, 2)]


def test_a_change_of_amount_or_day_applies_from_the_next_due_day(clock, make_plan, investor):
    plan = make_plan(frequency="weekly", day=3, amount="1000")
    run_on(clock, D(2026, 11, 25))
    clock.set(D(2026, 11, 25), 12)
    services.plan_change(plan=plan, actor=investor, amount="2000", day=4)
    run_on(clock, D(2026, 12, 2))  # a Wednesday: no longer its day
    run_on(clock, D(2026, 12, 3))

    rows = list(plan.purchases.order_by("due_date").values_list("due_date", "amount"))
    assert rows == [(D(2026, 11, 25), Decimal("1000.00")), (D(2026, 12, 3), Decimal("2000.00"))]
    assert Order.objects.get(plan_purchase__due_date=D(2026, 11, 25)).amount == 1000


def test_the_claim_in_sql_agrees_with_the_schedule_rules(clock, investor, fund):
    """Plans of every frequency and day, over six weeks with a holiday: the set-based claim
    buys exactly on the due dates the pure schedule gives."""
    from orders.plans import schedule, selectors

    Holiday.objects.create(date=D(2026, 12, 25), name="Test")
    factories_plans = []
    for frequency, days in (
        ("weekly", range(1, 6)),
        ("fortnightly", range(1, 6)),
        ("monthly", (1, 5, 12, 25, 28)),
    ):
        for day in days:
            plan, _ = services.plan_create(
                user=investor,
                product=fund,
                amount="100",
                frequency=frequency,
                day=day,
                start_date=D(2026, 11, 24),
            )
            factories_plans.append(plan)
    day = D(2026, 11, 24)
    while day <= D(2027, 1, 8):
        if selectors.trading_checker(day)(day):
            clock.set(day, 9, 30)
            run.plans_run(day=day)
        day += dt.timedelta(days=1)
    is_trading = selectors.trading_checker(D(2026, 11, 24))
    for plan in factories_plans:
        expected = [
            d
            for d in schedule.due_dates(
                selectors.rule_of(plan), start=D(2026, 11, 24), is_trading=is_trading
            )
            if d <= D(2027, 1, 8)
        ]
        got = sorted(plan.purchases.values_list("due_date", flat=True))
        assert got == expected, (plan.frequency, plan.day)
