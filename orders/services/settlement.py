"""Monthly settlement statements (DESIGN §4): closed once per institution and month, never
changed afterwards except to be marked paid.

Every flow between the platform and an institution is attached to exactly one statement when a
month is closed, as commission entries are: confirmed subscriptions and settled sells (fund
redemptions, early withdrawals, insurance refunds) through ``Order.statement``, savings maturity
payouts through their ``LotMovement.statement``, fund distributions through their
``DistributionPayment.statement``, commission through ``CommissionEntry.statement``.
Closing a month takes every flow of the month *or earlier* not yet on a statement, so what is
confirmed after its month closed lands on the next one. ``reconcile_statements`` proves it.

Money-market income is not a flow between the two: it is paid in units of the fund itself (no
cash moves between the platform and the institution), so it is on no statement.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from marketplace.dates import month_start, next_month_start
from products.models import Product

from ..models import (
    CashEntry,
    CommissionEntry,
    CommissionKind,
    Coupon,
    CouponPayer,
    CouponRedemption,
    DistributionPayment,
    EntryKind,
    LotMovement,
    MovementKind,
    Order,
    OrderStatus,
    RedemptionStatus,
    Side,
    Statement,
    StatementLine,
    StatementStatus,
)
from ..statement_figures import PAYABLE_FIELDS, StatementFigures
from .batches import exclusive  # the advisory lock every end-of-day batch takes

MONTH_NOT_OVER = "{month:%Y-%m} is not over yet: a month closes after its last day."
ALREADY_PAID = _("This statement was already marked paid on {paid:%Y-%m-%d}.")
STAFF_ONLY = _("Only platform staff settle statements.")
ZERO = Decimal(0)
SETTLED_STATUSES = [OrderStatus.CONFIRMED, OrderStatus.SETTLED]
_BY_COMMISSION_KIND: dict[str, str] = {  # a row's ``kind`` comes back as the plain value
    CommissionKind.UPFRONT: "upfront",
    CommissionKind.TRAIL: "trail",
    CommissionKind.CORRECTION: "corrections",
}


def _unsettled_orders(before: dt.date) -> QuerySet[Order]:
    """Orders the platform settles with the institution, confirmed before ``before`` and on no
    statement yet."""
    return Order.objects.filter(
        statement__isnull=True, status__in=SETTLED_STATUSES, confirmed_on__lt=before
    )


def _unsettled_maturities(before: dt.date) -> QuerySet[LotMovement]:
    """Savings maturity payouts of deposits that matured before ``before``, on no statement."""
    return LotMovement.objects.filter(
        kind=MovementKind.MATURITY, statement__isnull=True, lot__matures_on__lt=before
    )


def _unsettled_distributions(before: dt.date) -> QuerySet[DistributionPayment]:
    """Fund distributions paid to holders before ``before``, on no statement."""
    return DistributionPayment.objects.filter(statement__isnull=True, paid_on__lt=before)


def _unsettled_commission(before: dt.date) -> QuerySet[CommissionEntry]:
    return CommissionEntry.objects.filter(statement__isnull=True, accrual_date__lt=before)


def statement_flows(*, statements: QuerySet[Statement]) -> dict[tuple[int, int], list]:
    """The figures of every flow attached to ``statements``, per (statement, product), as
    mutable lists in ``StatementFigures`` order: what the lines must say."""
    fields = StatementFigures._fields
    index = {name: i for i, name in enumerate(fields)}
    figures: dict[tuple[int, int], list] = defaultdict(lambda: [ZERO] * len(fields))
    orders = (
        Order.objects.filter(statement__in=statements)
        .values("statement", "product", "side")
        .annotate(amount=Sum("amount"), fees=Sum("fee"))
        .order_by()
    )
    for row in orders:
        line = figures[row["statement"], row["product"]]
        line[index["subscriptions" if row["side"] == Side.BUY else "redemptions"]] += (
            row["amount"] or ZERO
        )
        line[index["fees"]] += row["fees"] or ZERO
    maturities = (
        LotMovement.objects.filter(statement__in=statements)
        .values("statement", "lot__holding__product")
        .annotate(paid=Sum(F("gross") + F("interest")))
        .order_by()
    )
    for row in maturities:
        figures[row["statement"], row["lot__holding__product"]][index["maturities"]] += row["paid"]
    distributions = (
        DistributionPayment.objects.filter(statement__in=statements)
        .values("statement", "distribution__product")
        .annotate(cash=Sum("cash"), reinvested=Sum("reinvested"))
        .order_by()
    )
    for row in distributions:
        line = figures[row["statement"], row["distribution__product"]]
        line[index["distributions"]] += row["cash"]
        line[index["reinvested"]] += row["reinvested"]
    entries = (
        CommissionEntry.objects.filter(statement__in=statements)
        .values("statement", "product", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in entries:
        line = figures[row["statement"], row["product"]]
        line[index[_BY_COMMISSION_KIND[row["kind"]]]] += row["total"]
    # Coupon discounts of the confirmed orders on the statements, by who pays them (a
    # cancelled or rejected order is on no statement, and its redemption was released).
    discounts = (
        CouponRedemption.objects.filter(
            order__statement__in=statements, status=RedemptionStatus.USED
        )
        .values("order__statement", "product", "payer")
        .annotate(total=Sum("discount"))
        .order_by()
    )
    for row in discounts:
        line = figures[row["order__statement"], row["product"]]
        name = "platform_coupons" if row["payer"] == CouponPayer.PLATFORM else "coupon_costs"
        line[index[name]] += row["total"]
    return figures


def statement_close(*, institution: Institution, month: dt.date, today=None) -> Statement:
    """Close ``institution``'s statement for ``month`` (or return it, closed already).

    It takes every flow of the month or earlier not yet on a statement (orders confirmed,
    maturities paid, commission entries), so a flow confirmed after its month closed lands on
    the next one; one line per product (its name, code and kind as they are now), and totals
    that are the sums of the lines.
    """
    month = month_start(month)
    next_month = next_month_start(month)
    if (today or timezone.localdate()) < next_month:
        raise ValidationError({"month": MONTH_NOT_OVER.format(month=month)})
    existing = Statement.objects.filter(institution=institution, month=month).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            # Never between an end-of-day batch's confirmations and its commit: what a batch
            # confirms is either on this statement or confirmed after it closed.
            exclusive()
            statement = Statement.objects.create(
                institution=institution, month=month, closed_at=timezone.now()
            )
            _unsettled_commission(next_month).filter(institution=institution).update(
                statement=statement
            )
            _unsettled_orders(next_month).filter(institution=institution).update(
                statement=statement
            )
            _unsettled_maturities(next_month).filter(lot__holding__institution=institution).update(
                statement=statement
            )
            _unsettled_distributions(next_month).filter(
                distribution__institution=institution
            ).update(statement=statement)
            flows = statement_flows(statements=Statement.objects.filter(pk=statement.pk))
            products = Product.objects.in_bulk([product_id for _, product_id in flows])
            lines = []
            for (_, product_id), values in sorted(flows.items()):
                product = products[product_id]
                lines.append(
                    StatementLine(
                        statement=statement,
                        product=product,
                        product_name=product.name,
                        product_code=product.code or "",
                        product_kind=product.kind,
                        **StatementFigures(*values).line_values(),
                    )
                )
            StatementLine.objects.bulk_create(lines)
            total = StatementFigures.total(line.figures for line in lines)
            for name, value in total.statement_values().items():
                setattr(statement, name, value)
            statement.save()
        statement.refresh_from_db()  # the figures as stored, to the cent
    except IntegrityError:  # closed by a concurrent run a moment ago
        return Statement.objects.get(institution=institution, month=month)
    return statement


def close_month(*, month: dt.date, today=None) -> list[Statement]:
    """Close ``month`` for every institution with a flow of the month (or a late one of an
    earlier month) not yet on a statement."""
    month = month_start(month)
    next_month = next_month_start(month)
    if (today or timezone.localdate()) < next_month:
        raise ValidationError({"month": MONTH_NOT_OVER.format(month=month)})
    # Small DISTINCT queries rather than one join across entries, orders and movements.
    active = (
        set(_unsettled_commission(next_month).values_list("institution_id", flat=True).distinct())
        | set(_unsettled_orders(next_month).values_list("institution_id", flat=True).distinct())
        | set(
            _unsettled_maturities(next_month)
            .values_list("lot__holding__institution_id", flat=True)
            .distinct()
        )
        | set(
            _unsettled_distributions(next_month)
            .values_list("distribution__institution_id", flat=True)
            .distinct()
        )
    )
    institutions = Institution.objects.filter(pk__in=active).order_by("name")
    return [statement_close(institution=i, month=month, today=today) for i in institutions]


# --- reconciliation ----------------------------------------------------------------------------

_ORDER_REFERENCE = re.compile(r"order:(\d+)")
_LOT_REFERENCE = re.compile(r"lot:(\d+)")
_ORDER_ENTRY_KINDS = (EntryKind.PURCHASE, EntryKind.REFUND, EntryKind.REDEMPTION)
_DISTRIBUTION_REFERENCE = re.compile(r"distribution:(\d+)")


def _label(statement: Statement) -> str:
    return f"statement {statement.pk} ({statement.institution.slug} {statement.month:%Y-%m})"


def _compare(problems: list[str], where: str, what: str, stored, expected) -> None:
    for name, a, b in zip(StatementFigures._fields, stored, expected, strict=True):
        if a != b:
            problems.append(f"{where}: {name} {a} != {what} {b}")


def reconcile_statements(*, month: dt.date | None = None) -> list[str]:
    """Every difference between the statements (of ``month``, or all) and the flows and cash
    entries behind them (empty: all agree to the cent).

    - each statement's figures are the sums of its lines, and its net payable follows them;
    - each line's figures are the sums of the orders, maturities and commission entries
      attached to the statement for its product;
    - each line's subscriptions, redemptions and maturities are also what the cash ledger says
      for those orders and lots (purchases less refunds, proceeds, maturity payments);
    - every cash entry of a flow with an institution (purchase, refund, redemption, maturity) is
      on exactly one statement once a month covering it has closed after it was confirmed; an
      order that never settled (cancelled, rejected) is on none and its entries net to zero.
    """
    problems: list[str] = []
    statements = Statement.objects.select_related("institution").order_by("month", "pk")
    if month is not None:
        month = month_start(month)
        statements = statements.filter(month=month)
    by_id = {s.pk: s for s in statements}
    lines: dict[int, dict[int, StatementFigures]] = defaultdict(dict)
    for line in StatementLine.objects.filter(statement__in=statements):
        lines[line.statement_id][line.product_id] = line.figures

    for statement in by_id.values():
        total = StatementFigures.total(lines[statement.pk].values())
        _compare(problems, _label(statement), "its lines' sum", statement.figures, total)
        for name in PAYABLE_FIELDS:
            if getattr(statement, name) != getattr(total, name):
                problems.append(
                    f"{_label(statement)}: {name} {getattr(statement, name)} != "
                    f"{getattr(total, name)} from its lines"
                )

    flows = statement_flows(statements=statements)
    cash = _cash_by_line(problems, month=month)
    _check_coupons(problems)
    for statement_id, product_id in sorted(
        set(flows) | {(s, p) for s, by_product in lines.items() for p in by_product}
    ):
        if statement_id not in by_id:
            continue
        where = f"{_label(by_id[statement_id])}, product {product_id}"
        stored = lines[statement_id].get(product_id)
        if stored is None:
            problems.append(f"{where}: flows on the statement but no line")
            stored = StatementFigures()
        expected = StatementFigures(*flows.get((statement_id, product_id), StatementFigures()))
        _compare(problems, where, "its flows' sum", stored, expected)
        ledger = cash.get((statement_id, product_id), StatementFigures())
        for name in ("subscriptions", "redemptions", "maturities", "distributions"):
            if getattr(stored, name) != getattr(ledger, name):
                problems.append(
                    f"{where}: {name} {getattr(stored, name)} != cash entries "
                    f"{getattr(ledger, name)}"
                )
    return problems


_REDEMPTION_FOR_ORDER: dict[str, str] = {
    OrderStatus.PENDING: RedemptionStatus.HELD,
    OrderStatus.CONFIRMED: RedemptionStatus.USED,
    OrderStatus.SETTLED: RedemptionStatus.USED,
    OrderStatus.CANCELLED: RedemptionStatus.RELEASED,
    OrderStatus.REJECTED: RedemptionStatus.RELEASED,
}


def _check_coupons(problems: list[str]) -> None:
    """Each redemption matches its order (status, list fee, discount, fee charged), and each
    coupon's counters are the sums of its held and used redemptions."""
    for (
        pk,
        order_id,
        status,
        list_fee,
        discount,
        fee,
        o_status,
        o_list,
        o_discount,
        o_fee,
    ) in CouponRedemption.objects.values_list(
        "pk",
        "order_id",
        "status",
        "list_fee",
        "discount",
        "fee",
        "order__status",
        "order__list_fee",
        "order__discount",
        "order__fee",
    ).iterator():
        if _REDEMPTION_FOR_ORDER[o_status] != status:
            problems.append(f"coupon redemption {pk} is {status} but order {order_id} {o_status}")
        if (list_fee, discount, fee) != (o_list, o_discount, o_fee):
            problems.append(
                f"coupon redemption {pk}: list fee {list_fee}, discount {discount}, fee {fee} "
                f"but order {order_id} says {o_list}, {o_discount}, {o_fee}"
            )
    counted = {
        row["coupon"]: row
        for row in CouponRedemption.objects.filter(
            status__in=[RedemptionStatus.HELD, RedemptionStatus.USED]
        )
        .values("coupon")
        .annotate(n=Count("pk"), total=Sum("discount"))
        .order_by()
    }
    for pk, spent, redeemed in Coupon.objects.values_list("pk", "spent", "redeemed"):
        row = counted.get(pk, {"n": 0, "total": ZERO})
        if (spent, redeemed) != (row["total"], row["n"]):
            problems.append(
                f"coupon {pk}: spent {spent}, redeemed {redeemed} but its redemptions say "
                f"{row['total']}, {row['n']}"
            )


def _closed_after(institution_id: int, day: dt.date, moment, closings: dict) -> Statement | None:
    """The statement that should have taken a flow of ``day`` that existed at ``moment``."""
    for statement in closings.get(institution_id, ()):
        if day < next_month_start(statement.month) and moment <= statement.closed_at:
            return statement
    return None


def _cash_by_line(problems: list[str], *, month: dt.date | None) -> dict:
    """The ledger's view: per (statement, product), what the cash entries of the attached
    orders and maturities add up to; flows left off, or entries that belong to no flow, are
    added to ``problems`` (only those of ``month``, when given)."""
    in_month = (
        (lambda day: day is not None and month <= day < next_month_start(month))
        if month
        else (lambda day: True)
    )
    closings: dict[int, list[Statement]] = defaultdict(list)
    for statement in Statement.objects.select_related("institution").order_by("month"):
        closings[statement.institution_id].append(statement)
    by_order: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_lot: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for pk, kind, amount, reference in CashEntry.objects.filter(
        kind__in=[*_ORDER_ENTRY_KINDS, EntryKind.MATURITY]
    ).values_list("pk", "kind", "amount", "reference"):
        match = (_LOT_REFERENCE if kind == EntryKind.MATURITY else _ORDER_REFERENCE).fullmatch(
            reference
        )
        if match is None:
            problems.append(f"cash entry {pk} ({kind} {amount}): {reference!r} names no flow")
            continue
        target = by_lot if kind == EntryKind.MATURITY else by_order
        target[int(match.group(1))] += amount

    cash: dict[tuple[int, int], StatementFigures] = defaultdict(StatementFigures)
    orders = Order.objects.all()
    seen = set()
    for row in orders.values_list(
        "pk",
        "institution_id",
        "product_id",
        "side",
        "status",
        "amount",
        "statement_id",
        "confirmed_on",
        "confirmed_at",
    ).iterator():
        pk, institution_id, product_id, side, status, amount, statement_id = row[:7]
        confirmed_on, confirmed_at = row[7:]
        seen.add(pk)
        money = by_order.get(pk, ZERO)
        if status not in SETTLED_STATUSES:
            if statement_id is not None:
                problems.append(f"order {pk} ({status}) is on statement {statement_id}")
            if status in (OrderStatus.CANCELLED, OrderStatus.REJECTED) and money:
                problems.append(f"order {pk} ({status}): its cash entries net to {money}, not 0")
            continue
        flow = -money if side == Side.BUY else money
        if flow != (amount or ZERO):
            problems.append(f"order {pk}: amount {amount} but its cash entries say {flow}")
        if statement_id is not None:
            key = (statement_id, product_id)
            field = "subscriptions" if side == Side.BUY else "redemptions"
            cash[key] = cash[key]._replace(**{field: getattr(cash[key], field) + flow})
        elif in_month(confirmed_on):
            missed = _closed_after(institution_id, confirmed_on, confirmed_at, closings)
            if missed is not None:
                problems.append(
                    f"order {pk} (confirmed {confirmed_on}) is on no statement, but "
                    f"{_label(missed)} closed after it"
                )
    for pk in sorted(set(by_order) - seen):
        problems.append(f"cash entries of order:{pk} ({by_order[pk]}) name no order")

    movements = LotMovement.objects.filter(kind=MovementKind.MATURITY)
    seen = set()
    for row in movements.values_list(
        "lot_id",
        "lot__holding__institution_id",
        "lot__holding__product_id",
        "lot__matures_on",
        "gross",
        "interest",
        "statement_id",
        "created_at",
    ).iterator():
        lot_id, institution_id, product_id, matures_on, gross, interest, statement_id, at = row
        seen.add(lot_id)
        money = by_lot.get(lot_id, ZERO)
        if money != gross + interest:
            problems.append(
                f"maturity of lot {lot_id}: {gross + interest} but its cash entries say {money}"
            )
        if statement_id is not None:
            key = (statement_id, product_id)
            cash[key] = cash[key]._replace(maturities=cash[key].maturities + money)
        elif in_month(matures_on):
            missed = _closed_after(institution_id, matures_on, at, closings)
            if missed is not None:
                problems.append(
                    f"maturity of lot {lot_id} ({matures_on}) is on no statement, but "
                    f"{_label(missed)} closed after it"
                )
    for lot_id in sorted(set(by_lot) - seen):
        problems.append(
            f"maturity cash entries of lot:{lot_id} ({by_lot[lot_id]}) match no maturity"
        )

    _distributions_by_line(problems, cash, in_month, closings)

    for pk, institution_id, day, created_at in (
        CommissionEntry.objects.filter(statement__isnull=True)
        .values_list("pk", "institution_id", "accrual_date", "created_at")
        .iterator()
    ):
        if in_month(day):
            missed = _closed_after(institution_id, day, created_at, closings)
            if missed is not None:
                problems.append(
                    f"commission entry {pk} ({day}) is on no statement, but {_label(missed)} "
                    "closed after it"
                )
    return cash


def _distributions_by_line(problems: list[str], cash: dict, in_month, closings: dict) -> None:
    """Each distribution payment's cash part is what its cash entry says (one entry per
    distribution and investor: one holding per fund), and it is on a statement once one
    covering its pay date closed after it."""
    by_payment: dict[tuple[int, int], Decimal] = {}
    for pk, amount, reference, user_id in CashEntry.objects.filter(
        kind=EntryKind.DISTRIBUTION
    ).values_list("pk", "amount", "reference", "account__user_id"):
        match = _DISTRIBUTION_REFERENCE.fullmatch(reference)
        if match is None:
            problems.append(f"cash entry {pk} (distribution {amount}): {reference!r} names none")
            continue
        by_payment[int(match.group(1)), user_id] = amount
    seen = set()
    for row in DistributionPayment.objects.values_list(
        "pk",
        "distribution_id",
        "holding__user_id",
        "distribution__institution_id",
        "distribution__product_id",
        "cash",
        "paid_on",
        "created_at",
        "statement_id",
    ).iterator():
        pk, distribution_id, user_id, institution_id, product_id, paid, day, at, statement = row
        seen.add((distribution_id, user_id))
        money = by_payment.get((distribution_id, user_id), ZERO)
        if money != paid:
            problems.append(
                f"distribution payment {pk}: cash {paid} but its cash entry says {money}"
            )
        if statement is not None:
            key = (statement, product_id)
            cash[key] = cash[key]._replace(distributions=cash[key].distributions + money)
        elif in_month(day):
            missed = _closed_after(institution_id, day, at, closings)
            if missed is not None:
                problems.append(
                    f"distribution payment {pk} ({day}) is on no statement, but "
                    f"{_label(missed)} closed after it"
                )
    for key in sorted(set(by_payment) - seen):
        problems.append(f"distribution cash entry {key} ({by_payment[key]}) matches no payment")


@transaction.atomic
def statement_mark_paid(*, statement: Statement, actor) -> Statement:
    if not actor.is_staff:
        raise PermissionDenied(STAFF_ONLY)
    statement = Statement.objects.select_for_update().get(pk=statement.pk)
    if statement.status == StatementStatus.PAID:
        raise ValidationError(ALREADY_PAID.format(paid=timezone.localtime(statement.paid_at)))
    statement.status = StatementStatus.PAID
    statement.paid_at = timezone.now()
    statement.paid_by = actor
    statement.save(update_fields=["status", "paid_at", "paid_by"])
    return statement
