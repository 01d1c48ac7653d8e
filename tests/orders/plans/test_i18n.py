"""Plans in Chinese (issue 14): the plan page follows Accept-Language, amounts are ¥ there; the
daily run's inbox notices are written in each investor's own language, whoever runs the job;
a stored English reason is shown translated. Needs the compiled catalogue (``locale/``)."""

import datetime as dt

import pytest
from django.utils import translation

from orders.campaigns.models import InboxMessage, Topic
from orders.plans import placing, run
from orders.plans.models import PlanPurchase, stored_reason_text
from tests.factories import investor_with_cash

D = dt.date


def test_the_plan_page_in_chinese_shows_chinese_and_yuan(client, clock, make_plan, investor):
    plan = make_plan(amount="1000", day=1)
    client.force_login(investor)

    text = client.get(f"/me/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "下次扣款" in text  # Next purchase
    assert "每月 1 日" in text  # Monthly on day 1
    assert "¥1,000.00" in text
    assert "Next purchase" not in text
    english = client.get(f"/me/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Next purchase" in english
    assert "CNY 1,000.00" in english


@pytest.mark.parametrize(
    ("language", "title", "amount"),
    [("zh-hans", "定投扣款未执行", "¥25,000.00"), ("en", "Plan purchase skipped", "CNY 25,000.00")],
)
def test_a_skipped_purchase_is_told_in_the_investors_language(
    clock, make_plan, investor, language, title, amount
):
    investor.language = language
    investor.save(update_fields=["language"])
    plan = make_plan(amount="25000", day=1)  # more than the 20,000 in cash
    clock.set(D(2026, 12, 1), 9, 30)

    with translation.override("en"):  # the worker's language does not matter
        run.plans_run(day=D(2026, 12, 1))

    notice = InboxMessage.objects.get(user=investor, topic=Topic.PLAN_SKIPPED)
    assert notice.title.startswith(title)
    assert amount in notice.body
    # The reason column keeps English whatever the recipient reads.
    purchase = PlanPurchase.objects.get(plan=plan)
    assert purchase.reason_code == placing.REASON_CASH
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in purchase.reason)


def test_two_investors_of_one_run_each_get_their_own_language(clock, fund):
    from orders.plans import services

    chinese, english = investor_with_cash(cash="10"), investor_with_cash(cash="10")
    chinese.language = "zh-hans"
    chinese.save(update_fields=["language"])
    for user in (chinese, english):
        services.plan_create(
            user=user,
            product=fund,
            amount="1000",
            frequency="monthly",
            day=1,
            start_date=clock.today + dt.timedelta(days=1),
        )
    clock.set(D(2026, 12, 1), 9, 30)
    run.plans_run(day=D(2026, 12, 1))

    assert InboxMessage.objects.get(user=chinese).title.startswith("定投扣款未执行")
    assert InboxMessage.objects.get(user=english).title.startswith("Plan purchase skipped")


def test_a_stored_pause_reason_is_shown_in_the_readers_language():
    stored = placing.PAUSED_AFTER_SKIPS % {"count": 3}
    with translation.override("zh-hans"):
        assert stored_reason_text(stored) == "连续 3 期扣款未能执行，定投已暂停。"
        assert stored_reason_text(run.END_DATE_REACHED) == "已到结束日期。"
    with translation.override("en"):
        assert stored_reason_text(stored) == stored
