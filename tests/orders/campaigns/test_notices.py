"""After-sales notices from end of day: each confirmed order, payout and maturity is told once to
the investor concerned (and nobody else), handed over through the outbox so that a broker outage
only delays them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from marketplace import outbox
from marketplace.models import OutboxMessage
from orders import services
from orders.campaigns import notices
from orders.campaigns.models import EmailState, InboxMessage, Topic
from orders.models import Lot, OrderStatus
from products.models import FundType, NavPrice, ProductKind
from tests.factories import ProductFactory, StaffFactory, investor_with_cash

pytestmark = pytest.mark.django_db
MONDAY, TUESDAY = dt.date(2026, 11, 23), dt.date(2026, 11, 24)
NOTICES_TASK = "orders.campaigns.tasks.notices_for_day"


def end_of_day(clock, day):
    clock.set(day, 22)
    return services.end_of_day(run_date=day)


def messages(user, topic):
    return list(InboxMessage.objects.filter(user=user, topic=topic))


def test_end_of_day_tells_the_buyer_units_nav_and_fee_once(
    investor, clock, django_capture_on_commit_callbacks
):
    bystander = investor_with_cash()
    product = ProductFactory()
    order, _ = services.order_place(user=investor, product=product, side="buy", amount="10000")
    NavPrice.objects.create(product=product, date=MONDAY, nav=Decimal("1.0213"))

    with django_capture_on_commit_callbacks(execute=True):
        end_of_day(clock, MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        end_of_day(clock, MONDAY)  # a rerun (or beat's sweep) sends nothing twice
    with django_capture_on_commit_callbacks(execute=True):
        notices.notices_for_day(run_date=MONDAY)

    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    (notice,) = messages(investor, Topic.ORDER_CONFIRMED)
    assert notice.subject_key == f"order:{order.pk}"
    assert notice.link == f"/me/orders/{order.pk}/"
    assert product.name in notice.title
    # 10,000 at 1.5%: fee 147.78, net 9,852.22 at NAV 1.0213 → 9,646.74 units (rounded down).
    assert (order.fee, order.units) == (Decimal("147.78"), Decimal("9646.74"))
    for figure in ("CNY 10,000.00", "1.0213", "9,646.74 units", "CNY 147.78", "2026-11-23"):
        assert figure in notice.body
    assert notice.email_state == EmailState.SENT
    assert [m.to for m in mail.outbox] == [[investor.email]]
    assert not InboxMessage.objects.filter(user=bystander).exists()
    assert not messages(investor, Topic.REDEMPTION_PAID)  # a buy pays nothing out


def test_a_redemption_is_confirmed_and_its_money_paid_each_told_once(
    confirmed_order, clock, django_capture_on_commit_callbacks
):
    user, product = confirmed_order.user, confirmed_order.product
    clock.set(TUESDAY)
    sell, _ = services.order_place(user=user, product=product, side="sell", units="1000")
    NavPrice.objects.create(product=product, date=TUESDAY, nav=Decimal("1.1000"))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            end_of_day(clock, TUESDAY)

    sell.refresh_from_db()
    assert sell.status == OrderStatus.SETTLED
    (confirmed,) = messages(user, Topic.ORDER_CONFIRMED)[:1]
    assert confirmed.subject_key == f"order:{sell.pk}"
    # 1,000 units × 1.1000 = 1,100.00, held 1 day: 1.5% fee 16.50, 1,083.50 paid.
    for figure in ("1,000.00 units", "1.1000", "CNY 1,100.00", "CNY 16.50", "CNY 1,083.50"):
        assert figure in confirmed.body
    (paid,) = messages(user, Topic.REDEMPTION_PAID)
    assert paid.subject_key == f"order:{sell.pk}"
    assert "CNY 1,083.50" in paid.title
    assert paid.link == f"/me/orders/{sell.pk}/"


def test_an_instant_money_market_redemption_is_told_at_once(
    investor, clock, django_capture_on_commit_callbacks
):
    fund = ProductFactory(fund_type=FundType.MONEY_MARKET, risk_level=1, latest_nav=Decimal(1))
    services.order_place(user=investor, product=fund, side="buy", amount="5000")
    end_of_day(clock, MONDAY)
    clock.set(TUESDAY, 11)
    with django_capture_on_commit_callbacks(execute=True):
        sell, _ = services.order_place(user=investor, product=fund, side="sell", units="800")

    assert sell.instant
    assert sell.status == OrderStatus.SETTLED
    (paid,) = messages(investor, Topic.REDEMPTION_PAID)
    assert paid.subject_key == f"order:{sell.pk}"
    assert "CNY 800.00" in paid.body


def test_end_of_day_hands_its_notices_over_through_the_outbox_when_the_broker_is_down(
    placed_order, clock, django_capture_on_commit_callbacks, monkeypatch
):
    NavPrice.objects.create(product=placed_order.product, date=MONDAY, nav=Decimal("1.0000"))
    real_publish = outbox.publish

    def broker_down(message):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(outbox, "publish", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        end_of_day(clock, MONDAY)

    waiting = OutboxMessage.objects.get(task=NOTICES_TASK)
    assert (waiting.args, waiting.sent_at) == (["2026-11-23"], None)
    assert not InboxMessage.objects.exists()  # nothing is told before the work gets through

    monkeypatch.setattr(outbox, "publish", real_publish)  # the broker is back; beat relays
    clock.now = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)  # the outbox row's clock
    with django_capture_on_commit_callbacks(execute=True):
        outbox.relay(older_than=dt.timedelta(0))
    with django_capture_on_commit_callbacks(execute=True):
        outbox.relay(older_than=dt.timedelta(0))

    (notice,) = messages(placed_order.user, Topic.ORDER_CONFIRMED)
    assert notice.subject_key == f"order:{placed_order.pk}"
    assert [m.to for m in mail.outbox] == [[placed_order.user.email]]


def savings_lot(clock, user, amount="10000"):
    """A 12-month deposit made on MONDAY and confirmed that evening (matures 2027-11-23)."""
    product = ProductFactory(kind=ProductKind.SAVINGS, fund_type="", code=None, risk_level=1)
    clock.set(MONDAY)
    services.order_place(user=user, product=product, side="buy", amount=amount)
    end_of_day(clock, MONDAY)
    return Lot.objects.get(holding__user=user, holding__product=product)


def test_a_deposit_maturing_within_seven_days_is_announced_once_then_its_payout(
    clock, django_capture_on_commit_callbacks
):
    saver, other = investor_with_cash(), investor_with_cash()
    lot = savings_lot(clock, saver)
    later = savings_lot(clock, other)
    # The other deposit matures a day later: outside the window on the first edge day.
    Lot.objects.filter(pk=later.pk).update(matures_on=lot.matures_on + dt.timedelta(days=1))
    matures_on = lot.matures_on
    assert matures_on == dt.date(2027, 11, 23)

    notices.notices_due(today=matures_on - dt.timedelta(days=8))
    assert not InboxMessage.objects.filter(topic=Topic.SAVINGS_MATURING).exists()
    for _ in range(2):
        notices.notices_due(today=matures_on - dt.timedelta(days=7))
    (maturing,) = InboxMessage.objects.filter(topic=Topic.SAVINGS_MATURING)
    assert maturing.user == saver
    assert maturing.subject_key == f"lot:{lot.pk}:2027-11-23"
    assert maturing.link == f"/me/orders/{lot.order_id}/"
    # 10,000 × 2.1% × 12/12 = 210.00 of interest.
    for figure in ("CNY 10,000.00", "2027-11-23", "in 7 days", "CNY 210.00", "CNY 10,210.00"):
        assert figure in maturing.body
    notices.notices_due(today=matures_on - dt.timedelta(days=6))
    assert InboxMessage.objects.filter(topic=Topic.SAVINGS_MATURING, user=saver).count() == 1
    assert InboxMessage.objects.filter(topic=Topic.SAVINGS_MATURING, user=other).count() == 1

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            end_of_day(clock, matures_on)
    (matured,) = InboxMessage.objects.filter(topic=Topic.SAVINGS_MATURED)
    assert matured.user == saver
    assert matured.subject_key == f"lot:{lot.pk}:2027-11-23"
    assert "CNY 10,210.00" in matured.body
    assert matured.email_state == EmailState.SENT  # always e-mailed


def test_a_maturity_a_missed_run_paid_late_is_still_told(clock):
    saver = investor_with_cash()
    lot = savings_lot(clock, saver)
    late = lot.matures_on + dt.timedelta(days=3)
    end_of_day(clock, late)  # the runs of the three days before never happened
    notices.notices_for_day(run_date=late)
    (matured,) = InboxMessage.objects.filter(user=saver, topic=Topic.SAVINGS_MATURED)
    assert "2027-11-23" in matured.body


def policy_lot(clock, user):
    product = ProductFactory(kind=ProductKind.INSURANCE, fund_type="", code=None, risk_level=1)
    clock.set(MONDAY)
    services.order_place(user=user, product=product, side="buy", amount="1200")
    end_of_day(clock, MONDAY)
    return Lot.objects.get(holding__user=user, holding__product=product)


def test_the_last_three_days_of_cooling_off_are_announced_once(clock):
    insured, other = investor_with_cash(), investor_with_cash()
    lot = policy_lot(clock, insured)
    until = lot.cooling_off_until
    assert until == MONDAY + dt.timedelta(days=15)
    later = policy_lot(clock, other)
    Lot.objects.filter(pk=later.pk).update(cooling_off_until=until + dt.timedelta(days=1))

    notices.notices_due(today=until - dt.timedelta(days=4))
    assert not InboxMessage.objects.filter(topic=Topic.COOLING_OFF_ENDING).exists()
    notices.notices_due(today=until - dt.timedelta(days=3))
    (notice,) = InboxMessage.objects.filter(topic=Topic.COOLING_OFF_ENDING)
    assert notice.user == insured  # the other's ends in 4 days: not yet
    notices.notices_due(today=until)  # its last day: in the window again, sent before
    assert InboxMessage.objects.filter(topic=Topic.COOLING_OFF_ENDING, user=insured).count() == 1
    assert notice.subject_key == f"lot:{lot.pk}:cooling-off:{until}"
    for figure in ("CNY 1,200.00", "CNY 10.00", until.isoformat(), "in 3 days"):
        assert figure in notice.body
    assert notice.link == f"/me/orders/{lot.order_id}/"


def test_cooling_off_is_not_announced_after_it_ended_or_for_a_policy_being_cancelled(clock):
    insured, cancelling = investor_with_cash(), investor_with_cash()
    lot = policy_lot(clock, insured)
    other = policy_lot(clock, cancelling)
    clock.set(MONDAY + dt.timedelta(days=10))
    services.order_place(user=cancelling, product=other.holding.product, side="sell", units="1")

    notices.notices_due(today=lot.cooling_off_until + dt.timedelta(days=1))
    assert not InboxMessage.objects.filter(topic=Topic.COOLING_OFF_ENDING).exists()
    notices.notices_due(today=other.cooling_off_until)
    assert not InboxMessage.objects.filter(topic=Topic.COOLING_OFF_ENDING, user=cancelling)
    assert InboxMessage.objects.filter(topic=Topic.COOLING_OFF_ENDING, user=insured).exists()


def test_an_assessment_expiring_within_thirty_days_is_announced_once(clock):
    today = MONDAY
    due = investor_with_cash()
    edge = investor_with_cash()
    expired = investor_with_cash()
    for user, valid_until in (
        (due, today + dt.timedelta(days=30)),
        (edge, today + dt.timedelta(days=31)),
        (expired, today - dt.timedelta(days=1)),
    ):
        user.profile.assessment_valid_until = valid_until
        user.profile.save()
    assessment = due.risk_assessments.create(
        questionnaire_id=_questionnaire_id(),
        answers={},
        score=45,
        risk_level=3,
        valid_until=today + dt.timedelta(days=30),
    )

    for _ in range(2):
        notices.notices_due(today=today)
    (notice,) = InboxMessage.objects.filter(topic=Topic.ASSESSMENT_EXPIRING)
    assert notice.user == due
    assert notice.subject_key == f"assessment:{assessment.pk}"
    assert "2026-12-23" in notice.body
    assert "C3" in notice.body
    assert notice.link == "/me/risk/"


def _questionnaire_id():
    from profiles.models import Questionnaire

    return Questionnaire.objects.values_list("pk", flat=True).first()


def test_an_order_cancelled_by_staff_reaches_the_inbox_and_is_emailed_once(
    placed_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.order_cancel_by_staff(
            order=placed_order, actor=StaffFactory(), reason="The fund never published NAV."
        )
    event = placed_order.events.latest("pk")
    notices.order_events_notify(event_ids=[event.pk])  # run again: nothing new

    (notice,) = messages(placed_order.user, Topic.ORDER_CHANGED)
    assert notice.subject_key == f"order:{placed_order.pk}:event:{event.pk}"
    assert "The fund never published NAV." in notice.body
    event.refresh_from_db()
    assert event.notified_at is not None
    assert [m.to for m in mail.outbox] == [[placed_order.user.email]]


def test_beats_daily_task_run_twice_sends_each_reminder_and_yesterdays_notices_once(
    placed_order, clock
):
    """Beat's task also sweeps yesterday's end of day: a run that died before handing its
    notices over still gets them told, once."""
    from orders.campaigns import tasks

    NavPrice.objects.create(product=placed_order.product, date=MONDAY, nav=Decimal("1.0000"))
    end_of_day(clock, MONDAY)  # its hand-over never gets through (no commit in this test)
    placed_order.user.profile.assessment_valid_until = TUESDAY + dt.timedelta(days=30)
    placed_order.user.profile.save()
    clock.set(TUESDAY, 8)
    first = tasks.notices_daily()
    second = tasks.notices_daily("2026-11-24")

    assert (first["assessment"], first["yesterday_orders"]) == (1, 1)
    assert second == first  # offered again, and dropped by the inbox's unique key
    topics = sorted(InboxMessage.objects.values_list("topic", flat=True))
    assert topics == [Topic.ASSESSMENT_EXPIRING, Topic.ORDER_CONFIRMED]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_telling_the_same_day_at_once_tell_each_investor_once():
    from tests.integration.test_races import race

    product = ProductFactory()
    users = [investor_with_cash() for _ in range(12)]
    monday = dt.datetime.combine(MONDAY, dt.time(10), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    for user in users:
        services.order_place(user=user, product=product, side="buy", amount="1000", now=monday)
    NavPrice.objects.create(product=product, date=MONDAY, nav=Decimal("1.0000"))
    with pytest.MonkeyPatch.context() as patch:  # the hand-over: the two threads are the workers
        patch.setattr(outbox, "send_now", lambda pk: False)
        services.end_of_day(run_date=MONDAY)
        results = race([lambda: notices.notices_for_day(run_date=MONDAY, batch_size=5)] * 2)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert InboxMessage.objects.filter(topic=Topic.ORDER_CONFIRMED).count() == 12
    assert sorted(InboxMessage.objects.values_list("user_id", flat=True)) == sorted(
        u.pk for u in users
    )


def test_a_buy_end_of_day_rejects_is_told_once_with_the_refund(
    investor, clock, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    order, _ = services.order_place(user=investor, product=product, side="buy", amount="10000")
    # A NAV so high that the amount buys no units: rejected and refunded.
    NavPrice.objects.create(product=product, date=MONDAY, nav=Decimal("99999999.0000"))
    with django_capture_on_commit_callbacks(execute=True):
        end_of_day(clock, MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        notices.end_of_day_notices(run_date=MONDAY)  # beat's safety net sends nothing twice

    order.refresh_from_db()
    assert order.status == OrderStatus.REJECTED
    (notice,) = messages(investor, Topic.ORDER_CHANGED)
    assert notice.subject_key.startswith(f"order:{order.pk}:event:")
    assert "refunded" in notice.body
    assert notice.email_state == EmailState.SENT
    assert messages(investor, Topic.ORDER_CONFIRMED) == []
