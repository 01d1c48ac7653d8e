"""Plan rules held by the services and the database, the beat job, the command and the
dispatcher."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from marketplace import outbox
from marketplace.models import OutboxMessage
from orders.plans import run, services
from orders.plans.models import InvestmentPlan, PlanPurchase, PlanStatus
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db
D = dt.date


def _code(exc: ValidationError, field: str) -> str:
    return exc.error_dict[field][0].code


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"frequency": "monthly", "day": 29}, "day", "invalid_day"),
        ({"frequency": "monthly", "day": 0}, "day", "invalid_day"),
        ({"frequency": "weekly", "day": 6}, "day", "invalid_day"),
        ({"frequency": "fortnightly", "day": 7}, "day", "invalid_day"),
        ({"frequency": "daily"}, "frequency", "invalid_frequency"),
        ({"start_date": D(2026, 11, 23)}, "start_date", "start_too_soon"),
        ({"start_date": D(2028, 1, 1)}, "start_date", "start_too_late"),
        ({"end_date": D(2026, 11, 30)}, "end_date", "end_before_start"),
        ({"end_date": D(2027, 6, 1), "max_purchases": 3}, "end_date", "one_end_only"),
        ({"max_purchases": 1001}, "max_purchases", "invalid_max_purchases"),
    ],
)
def test_a_plan_refuses_what_its_rules_do_not_allow(clock, investor, fund, fields, field, code):
    values = {
        "user": investor,
        "product": fund,
        "amount": "1000",
        "frequency": "monthly",
        "day": 1,
        "start_date": D(2026, 12, 1),
    }
    values.update(fields)
    with pytest.raises(ValidationError) as refused:
        services.plan_create(**values)
    assert _code(refused.value, field) == code
    assert not InvestmentPlan.objects.exists()


def test_only_funds_that_suit_the_investor_get_a_plan(clock, investor):
    savings = ProductFactory(kind="savings", risk_level=1)
    r4 = ProductFactory(risk_level=4)
    for product, code in ((savings, "not_a_fund"), (r4, "risk_above_level")):
        with pytest.raises(ValidationError) as refused:
            services.plan_create(
                user=investor,
                product=product,
                amount="1000",
                frequency="monthly",
                day=1,
                start_date=D(2026, 12, 1),
            )
        assert _code(refused.value, "product") == code


def test_a_money_market_fund_can_have_a_plan(clock, make_plan):
    money_market = ProductFactory(risk_level=1, fund_type="money_market")
    plan = make_plan(product=money_market)
    assert plan.status == PlanStatus.ACTIVE


def test_the_database_refuses_a_day_outside_its_frequency_and_two_purchases_a_day(clock, make_plan):
    plan = make_plan()
    with pytest.raises(IntegrityError), transaction.atomic():
        InvestmentPlan.objects.filter(pk=plan.pk).update(day=29)
    with pytest.raises(IntegrityError), transaction.atomic():
        InvestmentPlan.objects.filter(pk=plan.pk).update(end_date=D(2027, 1, 1), max_purchases=2)
    PlanPurchase.objects.create(plan=plan, due_date=D(2026, 12, 1), amount=Decimal(1000))
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanPurchase.objects.create(plan=plan, due_date=D(2026, 12, 1), amount=Decimal(1000))
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanPurchase.objects.create(
            plan=plan, due_date=D(2026, 12, 2), amount=Decimal(1000), status="skipped"
        )


def test_a_stopped_plan_cannot_be_resumed_or_changed(clock, make_plan, investor):
    plan = make_plan()
    services.plan_stop(plan=plan, actor=investor)
    with pytest.raises(ValidationError) as refused:
        services.plan_resume(plan=plan, actor=investor)
    assert refused.value.code == "illegal_plan_move"
    with pytest.raises(ValidationError) as refused:
        services.plan_change(plan=plan, actor=investor, amount="500")
    assert refused.value.code == "plan_closed"


def test_a_bad_change_changes_nothing(clock, make_plan, investor):
    plan = make_plan(amount="1000", day=1)
    with pytest.raises(ValidationError):
        services.plan_change(plan=plan, actor=investor, amount="500", day=31)
    plan.refresh_from_db()
    assert (plan.amount, plan.day) == (Decimal("1000.00"), 1)
    assert plan.events.count() == 1


def test_a_fortnightly_plan_keeps_its_rhythm_over_a_pause(clock, make_plan, investor):
    plan = make_plan(frequency="fortnightly", day=3)  # Wed 25 Nov, 9 Dec, 23 Dec…
    services.plan_pause(plan=plan, actor=investor)
    clock.set(D(2026, 11, 30), 12)
    services.plan_resume(plan=plan, actor=investor)
    plan.refresh_from_db()
    assert plan.anchor_date == D(2026, 12, 9)


def test_beat_places_plans_each_morning_before_the_cut_off():
    job = settings.CELERY_BEAT_SCHEDULE["plans-run"]
    assert job["task"] == "orders.plans.tasks.plans_dispatch"
    assert (job["schedule"].hour, job["schedule"].minute) == ({9}, {30})
    sweep = settings.CELERY_BEAT_SCHEDULE["plans-sweep"]["schedule"]
    assert max(sweep.hour) < 15
    assert outbox.resolve_task(run.RANGE_TASK) is not None


def test_the_dispatcher_enqueues_one_task_per_range_on_trading_days_only(
    clock, make_plan, monkeypatch
):
    monkeypatch.setattr(outbox, "send_now", lambda message_id: False)
    make_plan(day=1)
    clock.set(D(2026, 11, 28), 9, 30)  # a Saturday
    assert run.plans_dispatch() == 0
    clock.set(D(2026, 12, 1), 9, 30)
    assert run.plans_dispatch() == 1
    message = OutboxMessage.objects.get(task=run.RANGE_TASK)
    assert message.args == [0, "2026-12-01"]
    assert message.queue == "end_of_day"


def test_the_command_runs_a_day_and_refuses_the_future(clock, make_plan):
    make_plan(day=1)
    clock.set(D(2026, 12, 1), 9, 30)
    out = StringIO()
    call_command("plans_run", "--date", "2026-12-01", stdout=out)
    assert "placed 1" in out.getvalue()
    call_command("plans_run", "--date", "2026-12-01", stdout=out)
    assert PlanPurchase.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("plans_run", "--date", "2026-12-02")
    with pytest.raises(CommandError):
        call_command("plans_run", "--date", "2026-13-01")


def test_the_plan_list_page_is_constant_in_queries(client, clock, make_plan, investor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(investor)
    make_plan()
    with CaptureQueriesContext(connection) as one:
        client.get("/me/plans/")
    for _ in range(5):
        make_plan()
    with CaptureQueriesContext(connection) as six:
        client.get("/me/plans/")
    assert len(six) == len(one)
