"""The states the fault tests start from, built through the services (eagerly, in the test
process, with the clock set in the past) so that one task sent to a worker then has every kind
of batch to run. Built the same way twice, they leave the same :func:`faults.figures`.

End of day on Friday 2026-11-27 (:data:`DAY`) has all four kinds of its work waiting:
confirmations of six bond-fund purchases traded that day (whose upfront commission and notices
follow through the outbox), money-market income for four days, a deposit that matured
the day before, and a distribution paid that day; and trail commission on two funds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from orders import services
from orders.campaigns import services as campaigns
from orders.plans import services as plans
from orders.plans.distributions.services import declaration as distributions
from products.models import DailyYield, FundType, NavPrice, ProductKind
from tests.factories import (
    CommissionContractFactory,
    InstitutionFactory,
    MembershipFactory,
    ProductFactory,
    StaffFactory,
    investor_with_cash,
)
from tests.orders.campaigns.factories import CampaignFactory, consenting_investors

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2026, 11, 27)  # a Friday
MONDAY = dt.date(2026, 11, 23)
PLAN_DAY = dt.date(2026, 12, 2)  # a Wednesday: the plans' monthly due day
BUYERS = 6


@contextlib.contextmanager
def clock_at(day: dt.date, hour: int = 10) -> Iterator[None]:
    """``timezone.now()`` answers ``day`` at ``hour`` Asia/Shanghai inside the block."""
    moment = dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI).astimezone(dt.UTC)
    real = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = real


def _buy(user, product, amount: str, day: dt.date):
    with clock_at(day):
        order, _ = services.order_place(user=user, product=product, side="buy", amount=amount)
    return order


def _end_of_day(day: dt.date) -> None:
    with clock_at(day, 21):
        services.end_of_day(run_date=day)


def end_of_day_waiting() -> dict:
    """The state before end of day of :data:`DAY`; returns the investors who have cash left to
    place orders with later."""
    institution = InstitutionFactory()
    CommissionContractFactory(
        institution=institution,
        product_kind="fund",
        upfront_rate=Decimal("0.004"),
        trail_rate=Decimal("0.3"),
        valid_from=dt.date(2026, 1, 1),
    )
    bond = ProductFactory(institution=institution, risk_level=2)
    paying = ProductFactory(institution=institution, risk_level=2)
    money = ProductFactory(institution=institution, fund_type=FundType.MONEY_MARKET, risk_level=1)
    deposit = ProductFactory(institution=institution, kind=ProductKind.SAVINGS, risk_level=1)

    # A twelve-month deposit from Wednesday 2025-11-26: it matured on Thursday 2026-11-26.
    saver = investor_with_cash(cash="5000")
    _buy(saver, deposit, "5000", dt.date(2025, 11, 26))
    _end_of_day(dt.date(2025, 11, 26))

    # Held since Monday: a money-market fund earning each day, and a fund that distributes.
    holders = [investor_with_cash(cash="30000") for _ in range(2)]
    # A money-market fund without yields or commission (nothing of end of day's touches it):
    # sold instantly later on.
    instant = ProductFactory(fund_type=FundType.MONEY_MARKET, risk_level=1)
    redeemer = investor_with_cash(cash="5000")
    _buy(redeemer, instant, "5000", MONDAY)
    for index, user in enumerate(holders):
        _buy(user, money, f"{10000 + 2500 * index}", MONDAY)
        _buy(user, paying, f"{10150 + 1015 * index}", MONDAY)
    NavPrice.objects.create(product=paying, date=MONDAY, nav=Decimal("1.0000"))
    _end_of_day(MONDAY)
    editor = MembershipFactory(institution=institution).user
    with clock_at(MONDAY):
        distribution = distributions.distribution_declare(
            institution=institution,
            product=paying,
            actor=editor,
            amount_per_unit=Decimal("0.0123"),
            record_date=MONDAY + dt.timedelta(days=2),
            ex_date=MONDAY + dt.timedelta(days=3),
            pay_date=DAY,
        )
        distributions.distribution_approve(distribution=distribution, actor=StaffFactory())
    NavPrice.objects.create(product=paying, date=MONDAY + dt.timedelta(days=3), nav=Decimal("1.03"))
    for offset, income in enumerate(("0.65", "0.61", "0.70", "0.58"), start=1):
        DailyYield.objects.create(
            product=money,
            date=MONDAY + dt.timedelta(days=offset),
            income_per_10k=Decimal(income),
            seven_day_yield="0.0240",
        )

    # The day's purchases, waiting for its NAV.
    buyers = [investor_with_cash(cash="20000") for _ in range(BUYERS)]
    for index, user in enumerate(buyers):
        _buy(user, bond, f"{1015 * (index + 1)}", DAY)
    NavPrice.objects.create(product=bond, date=DAY, nav=Decimal("1.0123"))
    return {"buyers": buyers, "bond": bond, "redeemer": redeemer, "instant": instant}


def campaign_due(investors: int = 5):
    """Consenting investors and a scheduled campaign whose time has come (launch it)."""
    consenting_investors(investors)
    campaign = CampaignFactory(send_at=timezone.now() + dt.timedelta(seconds=1))
    time.sleep(1.1)
    return campaign


def campaign_launch(campaign) -> None:
    campaigns.campaign_launch(campaign=campaign, actor=campaign.created_by)


def plans_due(count: int = 5) -> list:
    """``count`` investors each with a monthly plan due on :data:`PLAN_DAY`."""
    fund = ProductFactory(risk_level=2, min_purchase=Decimal("100.00"))
    made = []
    with clock_at(MONDAY):
        for index in range(count):
            plan, _ = plans.plan_create(
                user=investor_with_cash(cash="20000"),
                product=fund,
                amount=f"{500 + 100 * index}",
                frequency="monthly",
                day=PLAN_DAY.day,
                start_date=MONDAY + dt.timedelta(days=1),
            )
            made.append(plan)
    return made
