"""The demo data is honest: order events and cash entries carry the dates they happened, the
trading calendar holds the market's public holidays for the years the demo covers and no demo
trade (or NAV) falls on one, and every product carries the documents its kind requires."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from marketplace.holidays import COVERED_YEARS, MAINLAND_MARKET_HOLIDAYS, SPRING_FESTIVAL
from orders.models import CashEntry, Holiday, Order, OrderEvent
from products.documents import missing_documents
from products.models import NavPrice, Product, ProductStatus


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """``seed_demo`` once for the module, rolled back afterwards."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


pytestmark = pytest.mark.usefixtures("demo")


def test_demo_order_events_and_cash_entries_carry_the_dates_they_happened(db):
    seeded_at = timezone.now() - dt.timedelta(hours=1)
    orders = list(Order.objects.all())
    assert orders
    for order in orders:
        assert timezone.localdate(order.placed_at) == order.trade_date
        for event in OrderEvent.objects.filter(order=order):
            assert event.created_at >= order.placed_at
            assert event.created_at < seeded_at or order.trade_date >= seeded_at.date() - (
                dt.timedelta(days=4)
            )
    # Purchases debit cash the day they are placed (the demo's redemptions pay out later).
    old = [o for o in orders if o.side == "buy" and (timezone.localdate() - o.trade_date).days > 7]
    assert old
    for order in old:
        purchase = CashEntry.objects.get(reference=f"order:{order.pk}", kind="purchase")
        assert timezone.localdate(purchase.created_at) == order.trade_date
        confirmed = OrderEvent.objects.get(order=order, to_status="confirmed")
        assert timezone.localdate(confirmed.created_at) == order.confirmed_on
    first_entry = CashEntry.objects.order_by("created_at").first()
    assert first_entry.kind == "deposit"
    assert first_entry.created_at < min(o.placed_at for o in orders)


def test_demo_calendar_holds_the_public_holidays_of_the_years_it_covers(db):
    holidays = dict(Holiday.objects.values_list("date", "name"))
    expected = {d: n for d, n in MAINLAND_MARKET_HOLIDAYS.items() if d.year in COVERED_YEARS}
    assert expected.items() <= holidays.items()
    assert holidays[dt.date(2026, 2, 17)] == SPRING_FESTIVAL
    names = set(holidays.values())
    assert {"Spring Festival", "Qingming Festival", "Labour Day", "Dragon Boat Festival"} <= names
    assert {"Mid-Autumn Festival", "National Day"} <= names
    nav_dates = set(NavPrice.objects.values_list("date", flat=True))
    assert nav_dates
    assert years_of(nav_dates) <= set(COVERED_YEARS)


def years_of(days) -> set[int]:
    return {day.year for day in days}


def test_no_demo_trade_or_nav_falls_on_a_holiday(db):
    holidays = set(Holiday.objects.values_list("date", flat=True)) | set(MAINLAND_MARKET_HOLIDAYS)
    trade_dates = set(Order.objects.values_list("trade_date", flat=True))
    assert trade_dates
    assert not trade_dates & holidays
    assert not set(Order.objects.values_list("confirmed_on", flat=True)) & holidays
    assert not set(NavPrice.objects.values_list("date", flat=True)) & holidays


def test_every_demo_product_carries_the_documents_its_kind_requires(db):
    products = list(Product.objects.prefetch_related("documents"))
    assert products
    for product in products:
        assert missing_documents(product=product) == [], product.name
    published = Product.objects.filter(status=ProductStatus.PUBLISHED).first()
    document = published.documents.first()
    assert document.file.open("rb").read(5) == b"%PDF-"


def test_demo_distributions_one_paid_in_cash_on_its_pay_date_one_still_to_come(db):
    from orders.models import EntryKind
    from orders.plans.distributions.models import Distribution, DistributionStatus

    paid = Distribution.objects.get(product__code="202101")
    assert paid.status == DistributionStatus.PAID
    assert paid.declared_at.date() < paid.record_date <= paid.ex_date <= paid.pay_date
    assert paid.paid_on == paid.pay_date < timezone.localdate()
    payment = paid.payments.get(holding__user__email="investor@fortune.example")
    assert (payment.election, payment.gross) == ("cash", payment.cash)
    entry = CashEntry.objects.get(reference=f"distribution:{paid.pk}", kind=EntryKind.DISTRIBUTION)
    assert entry.amount == payment.gross > 0
    assert timezone.localdate(entry.created_at) == paid.pay_date
    # In date order in the ledger: the balance after it is the one before plus the payment.
    before = (
        CashEntry.objects.filter(account=entry.account, created_at__lt=entry.created_at)
        .order_by("-created_at", "-id")
        .first()
    )
    assert entry.balance_after == before.balance_after + entry.amount

    upcoming = Distribution.objects.get(product__code="519300")
    assert upcoming.status == DistributionStatus.APPROVED
    assert upcoming.record_date > timezone.localdate()
    assert upcoming.product.holdings.filter(user__email="investor2@fortune.example").exists()
