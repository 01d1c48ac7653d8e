"""Done when: on the demo data, a month of end-of-day runs (with the flows of every kind an
institution settles: purchases, a redemption, an instant money-market redemption, a policy
cancelled in its cooling-off period, a deposit that matures) closes into statements that
``reconcile_cash`` and ``reconcile_statements`` both find right to the cent."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from orders import services
from orders.calendar import is_trading_day
from orders.models import Holding, Order, OrderStatus, Statement
from products.models import FundType, NavPrice, Product, ProductKind
from profiles.models import User

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
# The demo is seeded as of this Friday morning; its 3-month deposit (placed 60 days before)
# matures on 30 November, the last day of the month run here.
SEEDED = dt.date(2026, 10, 30)
NOVEMBER, DECEMBER = dt.date(2026, 11, 1), dt.date(2026, 12, 1)


@pytest.fixture
def clock(monkeypatch):
    """``clock(day, hour)`` sets what ``timezone.now()`` (and so ``localdate()``) returns."""
    now = [timezone.now()]
    monkeypatch.setattr(timezone, "now", lambda: now[0])

    def set_to(day: dt.date, hour: int = 10) -> dt.datetime:
        now[0] = dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI).astimezone(dt.UTC)
        return now[0]

    return set_to


def price_pending_orders(day: dt.date) -> None:
    """The institutions upload NAV(day) for funds with orders waiting for it (the last NAV)."""
    pending = Order.objects.filter(status=OrderStatus.PENDING, kind=ProductKind.FUND)
    for product in Product.objects.filter(pk__in=pending.values("product")):
        last = NavPrice.objects.filter(product=product, date__lte=day).latest("date")
        NavPrice.objects.get_or_create(product=product, date=day, defaults={"nav": last.nav})


def test_a_month_of_end_of_day_on_the_demo_data_reconciles_cash_and_statements(
    clock, django_capture_on_commit_callbacks
):
    clock(SEEDED, 8)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=io.StringIO())
    investor = User.objects.get(email="investor@fortune.example")
    investor2 = User.objects.get(email="investor2@fortune.example")
    policy = Product.objects.filter(
        kind=ProductKind.INSURANCE, status="published", risk_level__lte=3
    ).first()
    fund = Holding.objects.filter(user=investor2, kind=ProductKind.FUND, units__gt=0).exclude(
        product__fund_type=FundType.MONEY_MARKET
    )[0]
    money_market = Holding.objects.get(
        user=investor2, product__fund_type=FundType.MONEY_MARKET
    ).product
    flows = {
        dt.date(2026, 11, 2): [
            dict(user=investor, product=policy, side="buy", amount=policy.insurance_terms.premium),
            dict(user=investor2, product=fund.product, side="buy", amount="20000"),
        ],
        dt.date(2026, 11, 10): [
            dict(user=investor, product=policy, side="sell", units="1"),
            dict(user=investor2, product=fund.product, side="sell", units="1000"),
            dict(user=investor2, product=money_market, side="sell", units="500"),  # instant
        ],
    }

    day = SEEDED
    while day < DECEMBER:
        for order in flows.get(day, []):
            services.order_place(now=clock(day, 10), **order)
        if is_trading_day(day):
            clock(day, 22)
            price_pending_orders(day)
            with django_capture_on_commit_callbacks(execute=True):
                services.end_of_day(run_date=day)
        day += dt.timedelta(days=1)
    clock(NOVEMBER, 1)
    services.close_month(month=dt.date(2026, 10, 1))
    clock(DECEMBER, 1)
    closed = services.close_month(month=NOVEMBER)

    november = Statement.objects.filter(month=NOVEMBER).aggregate(
        maturities=Sum("gross_maturities"),
        redemptions=Sum("gross_redemptions"),
        corrections=Sum("corrections"),
    )
    assert closed
    assert november["maturities"] > 0
    assert november["redemptions"] > 0
    assert november["corrections"] < 0
    assert not Order.objects.filter(status=OrderStatus.PENDING).exists()
    assert services.reconcile_cash() == []
    assert services.reconcile_statements() == []
    out = io.StringIO()
    call_command("reconcile_cash", stdout=out)
    call_command("reconcile_statements", stdout=out)
    call_command("reconcile_statements", "2026-11", stdout=out)
    assert out.getvalue().count("to the cent") == 3
