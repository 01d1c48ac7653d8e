"""The plan pages: set up from a fund's page, the plan's page, its forms; another investor's
plan is a 404; bad input is a form error with nothing saved."""

import datetime as dt
from decimal import Decimal

import pytest

from orders.plans import run
from orders.plans.models import InvestmentPlan, PlanStatus
from products.models import NavPrice
from tests import factories
from tests.factories import investor_with_cash

pytestmark = pytest.mark.django_db
D = dt.date


def _token(client, url):
    page = client.get(url)
    text = page.content.decode()
    marker = 'name="form_token" value="'
    start = text.index(marker) + len(marker)
    return text[start : text.index('"', start)]


def _form(**fields):
    data = {
        "amount": "1,000",
        "frequency": "monthly",
        "month_day": "1",
        "weekday": "1",
        "start_date": "2026-11-24",
        "end": "none",
        "trade_pin": factories.TRADE_PIN,
    }
    data.update(fields)
    return data


def test_a_fund_page_offers_invest_regularly(client, clock, investor, fund):
    client.force_login(investor)
    page = client.get(f"/products/{fund.slug}/")
    assert f'href="/products/{fund.slug}/plan/"' in page.content.decode()


def test_setting_up_a_plan_from_the_form(client, clock, investor, fund):
    client.force_login(investor)
    url = f"/products/{fund.slug}/plan/"
    data = _form(form_token=_token(client, url), end="count", max_purchases="12")

    response = client.post(url, data)

    plan = InvestmentPlan.objects.get(user=investor)
    assert response.status_code == 302
    assert response["Location"] == f"/me/plans/{plan.pk}/"
    assert plan.amount == Decimal("1000.00")
    assert plan.max_purchases == 12
    assert plan.end_date is None
    # the same form sent twice sets up one plan
    client.post(url, data)
    assert InvestmentPlan.objects.filter(user=investor).count() == 1
    # /me/plans/new/?product= is the same page
    assert client.get(f"/me/plans/new/?product={fund.slug}").status_code == 200


def test_setting_up_a_plan_asks_the_trade_pin(client, clock, investor, fund):
    client.force_login(investor)
    url = f"/products/{fund.slug}/plan/"
    page = client.get(url).content.decode()
    assert 'name="trade_pin"' in page
    response = client.post(url, _form(form_token=_token(client, url), trade_pin="135790"))
    assert response.status_code == 400
    assert "4 attempts left" in response.content.decode()
    assert not InvestmentPlan.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "10.005"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "99"}, "amount"),  # below the fund's minimum of 100
        ({"amount": "1" * 30}, "amount"),
        ({"month_day": "29"}, "month_day"),
        ({"frequency": "daily"}, "frequency"),
        ({"start_date": "2026-11-23"}, "start_date"),  # today: tomorrow at the earliest
        ({"start_date": "<b>x</b>"}, "start_date"),
        ({"end": "date"}, "end_date"),
        ({"end": "date", "end_date": "2026-11-01"}, "end_date"),
        ({"end": "count", "max_purchases": "0"}, "max_purchases"),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(client, clock, investor, fund, fields, field):
    client.force_login(investor)
    url = f"/products/{fund.slug}/plan/"
    response = client.post(url, _form(form_token=_token(client, url), **fields))

    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not InvestmentPlan.objects.exists()


def test_a_fund_above_the_investors_level_cannot_get_a_plan(client, clock, investor):
    r5 = factories.ProductFactory(risk_level=5)
    client.force_login(investor)
    url = f"/products/{r5.slug}/plan/"
    response = client.post(url, _form(form_token=_token(client, url)))
    assert response.status_code == 400
    assert not InvestmentPlan.objects.exists()


def test_the_plan_page_shows_next_date_figures_history_and_chart(
    client, clock, make_plan, investor
):
    plan = make_plan(day=1)
    for offset in range(-40, 3):
        NavPrice.objects.create(
            product=plan.product,
            date=D(2026, 12, 1) + dt.timedelta(days=offset),
            nav=Decimal("1.0000") + Decimal(offset + 40) / 1000,
        )
    clock.set(D(2026, 12, 1), 9, 30)
    run.plans_run(day=D(2026, 12, 1))
    clock.set(D(2026, 12, 1), 20)
    from orders import services as orders_services

    orders_services.end_of_day(run_date=D(2026, 12, 1))
    plan.product.refresh_from_db()
    client.force_login(investor)

    page = client.get(f"/me/plans/{plan.pk}/")

    text = page.content.decode()
    assert page.status_code == 200
    assert '<dd id="plan-next"><time datetime="2027-01-01">' in text  # no holiday table here
    assert "CNY 1,000.00" in text
    assert "plan-chart__dot" in text
    assert "<script" not in text.split('id="plan-chart-title"')[1].split("</section>")[0]


def test_pause_resume_change_and_stop_from_the_page(client, clock, make_plan, investor):
    plan = make_plan(frequency="weekly", day=3)
    client.force_login(investor)
    base = f"/me/plans/{plan.pk}/"

    assert client.post(base + "pause/").status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED
    client.post(base + "resume/")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    response = client.post(base + "change/", {"amount": "2,500", "weekday": "4"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.amount, plan.day) == (Decimal("2500.00"), 4)
    bad = client.post(base + "change/", {"amount": "0", "weekday": "4"})
    assert bad.status_code == 400
    plan.refresh_from_db()
    assert plan.amount == Decimal("2500.00")
    client.post(base + "stop/")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.STOPPED
    assert plan.events.count() == 5


def test_another_investors_plan_is_a_404_on_every_page(client, clock, make_plan):
    plan = make_plan()
    other = investor_with_cash()
    client.force_login(other)
    base = f"/me/plans/{plan.pk}/"
    assert client.get(base).status_code == 404
    for action in ("pause/", "resume/", "stop/", "change/"):
        assert client.post(base + action, {"amount": "500"}).status_code == 404
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert plan.amount == Decimal("1000.00")
    assert str(plan.product.name) not in client.get("/me/plans/").content.decode()
