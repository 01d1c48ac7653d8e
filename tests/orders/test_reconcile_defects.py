"""Every check of ``reconcile_statements`` catches its defect: a world with a flow of each kind
(a fund buy with a coupon, a cancelled buy, a fund sell, a savings deposit that matures, the
commission of them all) closes into statements that reconcile; then one row is corrupted and
exactly the problems that row explains are reported (the checks run in the database since issue
16; this proves each of them still looks). The distributions' own checks are in
``tests/orders/distributions/test_statements.py``."""

import datetime as dt
import re
from decimal import Decimal as D  # noqa: N817 - figures read as D("1.00")

import pytest
from django.db import connection
from django.db.models import F

from orders import services
from orders.coupons.models import Coupon, CouponRedemption
from orders.models import (
    CashEntry,
    CommissionEntry,
    LotMovement,
    Order,
    OrderStatus,
    Statement,
    StatementLine,
)
from products.models import NavPrice
from tests.factories import CommissionContractFactory, ProductFactory, investor_with_cash
from tests.orders.coupons.factories import make_coupon
from tests.orders.test_statement_flows import one_month_savings

pytestmark = pytest.mark.django_db
OCTOBER, NOVEMBER = dt.date(2026, 10, 1), dt.date(2026, 11, 1)


def run_day(clock, day: dt.date, *funds) -> None:
    for fund in funds:
        NavPrice.objects.get_or_create(product=fund, date=day, defaults={"nav": D("1.0000")})
    clock.set(day, 22)
    services.end_of_day(run_date=day)


@pytest.fixture
def world(clock):
    fund = ProductFactory(risk_level=1)
    CommissionContractFactory(institution=fund.institution, valid_from=dt.date(2026, 1, 1))
    savings = one_month_savings(institution=fund.institution)
    make_coupon(product=fund, code="OWN", per_user_limit=5, valid_from=OCTOBER)
    user = investor_with_cash(cash="60000")
    clock.set(dt.date(2026, 10, 12))
    deposit = services.order_place(user=user, product=savings, side="buy", amount="10000")[0]
    kept = services.order_place(user=user, product=fund, side="buy", amount="10000", coupon="OWN")[
        0
    ]
    cancelled = services.order_place(user=user, product=fund, side="buy", amount="1000")[0]
    services.order_cancel(order=cancelled, actor=user)
    run_day(clock, dt.date(2026, 10, 12), fund)
    clock.set(dt.date(2026, 10, 13))
    sold = services.order_place(user=user, product=fund, side="sell", units="1000")[0]
    for day in (13, 14, 15):
        run_day(clock, dt.date(2026, 10, day), fund)
    clock.set(dt.date(2026, 11, 2), 1)
    october = services.close_month(month=OCTOBER)[0]
    for day in (12, 13):  # the deposit matures
        run_day(clock, dt.date(2026, 11, day), fund)
    clock.set(dt.date(2026, 12, 1), 1)
    november = services.close_month(month=NOVEMBER)[0]
    objects = {
        "deposit": deposit,
        "kept": kept,
        "cancelled": cancelled,
        "sold": sold,
        "october": october,
        "november": november,
        "maturity": LotMovement.objects.get(kind="maturity"),
    }
    for obj in objects.values():
        obj.refresh_from_db()
    assert objects["sold"].status == OrderStatus.SETTLED
    assert objects["maturity"].statement == november
    assert CommissionEntry.objects.filter(statement=october).exists()
    assert services.reconcile_statements() == []
    return objects


def tampered(model):
    """``model``'s rows, with its immutability trigger (orders 0008) off for this test's
    transaction: the corruption stands for a write that went round the services."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check pending
            cursor.execute(f"ALTER TABLE {model._meta.db_table} DISABLE TRIGGER USER")
    return model.objects


def _entries(order, kind):
    return tampered(CashEntry).filter(reference=f"order:{order.pk}", kind=kind)


def _lot_entry(w):
    return tampered(CashEntry).filter(kind="maturity", reference=f"lot:{w['maturity'].lot_id}")


# Each: the corruption of one row, and the problems it must give (every one of these patterns
# reported, nothing else reported).
CASES = {
    "statement figure": (
        lambda w: Statement.objects.filter(pk=w["october"].pk).update(
            fees_collected=F("fees_collected") + 1
        ),
        [r"statement \d+ \(.+ 2026-10\): fees \S+ != its lines' sum"],
    ),
    "net payable": (
        lambda w: Statement.objects.filter(pk=w["october"].pk).update(
            payable_to_platform=F("payable_to_platform") + 1
        ),
        [r": payable_to_platform \S+ != \S+ from its lines"],
    ),
    "line missing": (
        lambda w: StatementLine.objects.filter(statement=w["october"]).delete(),
        [
            r"its lines' sum",
            r"from its lines",
            r"product \d+: flows on the statement but no line",
            r"its flows' sum",
            r"!= cash entries",
        ],
    ),
    "line figure": (
        lambda w: StatementLine.objects.filter(statement=w["october"]).update(
            upfront=F("upfront") + 1
        ),
        [r"its lines' sum", r"from its lines", r"product \d+: upfront \S+ != its flows' sum"],
    ),
    "line against the ledger": (
        lambda w: _entries(w["kept"], "purchase").update(amount=F("amount") + 1),
        [
            r"order \d+: amount 10000\.00 but its cash entries say 9999\.00",
            r"product \d+: subscriptions \S+ != cash entries",
        ],
    ),
    "order amount": (
        lambda w: Order.objects.filter(pk=w["sold"].pk).update(amount=F("amount") + 1),
        [r"order \d+: amount \S+ but its cash entries say", r"redemptions \S+ != its flows' sum"],
    ),
    "entry naming no flow": (
        lambda w: _entries(w["cancelled"], "refund").update(reference="order:x"),
        [
            r"cash entry \d+ \(refund 1000\.00\): 'order:x' names no flow",
            r"order \d+ \(cancelled\): its cash entries net to -1000\.00, not 0",
        ],
    ),
    "entry naming no order": (
        lambda w: _entries(w["cancelled"], "refund").update(reference="order:999999"),
        [
            r"cash entries of order:999999 \(1000\.00\) name no order",
            r"\(cancelled\): its cash entries net to",
        ],
    ),
    "cancelled order's entries": (
        lambda w: _entries(w["cancelled"], "refund").delete(),
        [r"order \d+ \(cancelled\): its cash entries net to -1000\.00, not 0"],
    ),
    "unsettled order on a statement": (
        lambda w: Order.objects.filter(pk=w["cancelled"].pk).update(statement=w["october"]),
        [r"order \d+ \(cancelled\) is on statement \d+", r"its flows' sum"],
    ),
    "order left off": (
        lambda w: Order.objects.filter(pk=w["kept"].pk).update(statement=None),
        [
            r"order \d+ \(confirmed 2026-10-1\d\) is on no statement, but statement \d+ "
            r"\(.+ 2026-10\) closed after it",
            r"its flows' sum",
            r"!= cash entries",
        ],
    ),
    "maturity amount": (
        lambda w: LotMovement.objects.filter(pk=w["maturity"].pk).update(
            interest=F("interest") + 1
        ),
        [r"maturity of lot \d+: \S+ but its cash entries say", r"maturities \S+ != its flows' sum"],
    ),
    "maturity left off": (
        lambda w: LotMovement.objects.filter(pk=w["maturity"].pk).update(statement=None),
        [
            r"maturity of lot \d+ \(2026-11-\d\d\) is on no statement, but statement \d+ "
            r"\(.+ 2026-11\) closed after it",
            r"its flows' sum",
            r"!= cash entries",
        ],
    ),
    "maturity entry naming no maturity": (
        lambda w: _lot_entry(w).update(reference="lot:999999"),
        [
            r"maturity cash entries of lot:999999 \(\S+\) match no maturity",
            r"maturity of lot \d+: \S+ but its cash entries say 0",
            r"maturities \S+ != cash entries 0",
        ],
    ),
    "maturity entry naming no flow": (
        lambda w: _lot_entry(w).update(reference="lot:"),
        [
            r"cash entry \d+ \(maturity \S+\): 'lot:' names no flow",
            r"maturity of lot \d+: \S+ but its cash entries say 0",
            r"maturities \S+ != cash entries 0",
        ],
    ),
    "commission left off": (
        lambda w: (
            tampered(CommissionEntry)
            .filter(pk=CommissionEntry.objects.filter(statement=w["october"]).values("pk")[:1])
            .update(statement=None)
        ),
        [
            r"commission entry \d+ \(2026-10-\d\d\) is on no statement, but statement \d+ "
            r"\(.+ 2026-10\) closed after it",
            r"its flows' sum",
        ],
    ),
    "coupon redemption status": (
        lambda w: CouponRedemption.objects.update(status="held"),
        [
            r"coupon redemption \d+ is held but order \d+ confirmed",
            r"coupon_costs \S+ != its flows",
        ],
    ),
    "coupon redemption fees": (
        lambda w: CouponRedemption.objects.update(list_fee=F("list_fee") + 1),
        [r"coupon redemption \d+: list fee \S+, discount \S+, fee \S+ but order \d+ says"],
    ),
    "coupon counters": (
        lambda w: Coupon.objects.update(redeemed=F("redeemed") + 1),
        [r"coupon \d+: spent \S+, redeemed 2 but its redemptions say \S+, 1"],
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_each_check_catches_its_defect(world, case):
    corrupt, expected = CASES[case]
    corrupt(world)

    problems = services.reconcile_statements()

    for pattern in expected:
        assert any(re.search(pattern, p) for p in problems), (pattern, problems)
    unexplained = [p for p in problems if not any(re.search(e, p) for e in expected)]
    assert not unexplained, unexplained


def test_a_month_checks_only_its_statements_and_flows(world):
    Order.objects.filter(pk=world["kept"].pk).update(statement=None)
    assert services.reconcile_statements(month=NOVEMBER) == []
    assert services.reconcile_statements(month=OCTOBER)
