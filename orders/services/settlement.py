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
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from marketplace.dates import month_start, next_month_start
from products.models import Product

from ..models import (
    CommissionEntry,
    CommissionKind,
    CouponPayer,
    CouponRedemption,
    DistributionPayment,
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
from ..statement_figures import StatementFigures
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
