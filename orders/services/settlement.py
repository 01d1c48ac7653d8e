"""Monthly settlement statements (DESIGN §4): closed once per institution and month, never
changed afterwards except to be marked paid; commission written late goes to the next month."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from institutions.models import Institution
from marketplace.dates import month_start, next_month_start

from ..models import (
    CommissionEntry,
    CommissionKind,
    Order,
    OrderStatus,
    Side,
    Statement,
    StatementLine,
    StatementStatus,
)

MONTH_NOT_OVER = "{month:%Y-%m} is not over yet: a month closes after its last day."
ALREADY_PAID = "This statement was already marked paid on {paid:%Y-%m-%d}."
STAFF_ONLY = "Only platform staff settle statements."
ZERO = Decimal(0)


def _orders_by_product(institution: Institution, month: dt.date) -> dict[int, dict]:
    """Subscriptions confirmed and sells settled in the month (by the business day that
    confirmed them), with their fees, per product."""
    next_month = next_month_start(month)
    figures: dict[int, dict] = defaultdict(lambda: defaultdict(lambda: ZERO))
    rows = (
        Order.objects.filter(
            institution=institution,
            confirmed_on__gte=month,
            confirmed_on__lt=next_month,
            status__in=[OrderStatus.CONFIRMED, OrderStatus.SETTLED],
        )
        .values("product", "side")
        .annotate(amount=Sum("amount"), fees=Sum("fee"))
    )
    for row in rows:
        key = "subscriptions" if row["side"] == Side.BUY else "redemptions"
        figures[row["product"]][key] += row["amount"] or ZERO
        figures[row["product"]]["fees"] += row["fees"] or ZERO
    return figures


def statement_close(*, institution: Institution, month: dt.date, today=None) -> Statement:
    """Close ``institution``'s statement for ``month`` (or return it, closed already).

    It takes every commission entry of the month or earlier not yet on a statement (so an entry
    written after its month closed lands on the next one), and the orders confirmed or settled
    in the month; one line per product, and totals that are the sums of the lines.
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
            statement = Statement.objects.create(institution=institution, month=month)
            CommissionEntry.objects.filter(
                institution=institution, statement__isnull=True, accrual_date__lt=next_month
            ).update(statement=statement)
            figures = _orders_by_product(institution, month)
            by_kind: dict[str, str] = {
                CommissionKind.UPFRONT: "upfront",
                CommissionKind.TRAIL: "trail",
                CommissionKind.CORRECTION: "corrections",
            }
            for row in statement.entries.values("product", "kind").annotate(total=Sum("amount")):
                figures[row["product"]][by_kind[row["kind"]]] += row["total"]
            lines = [
                StatementLine(statement=statement, product_id=product_id, **values)
                for product_id, values in figures.items()
            ]
            StatementLine.objects.bulk_create(lines)
            for field in (
                "subscriptions",
                "redemptions",
                "fees",
                "upfront",
                "trail",
                "corrections",
            ):
                total = sum((getattr(line, field) for line in lines), ZERO)
                setattr(statement, _STATEMENT_FIELD[field], total)
            net = (
                statement.gross_subscriptions
                - statement.gross_redemptions
                - statement.commission
                - statement.coupon_costs
            )
            statement.payable_to_institution = max(net, ZERO)
            statement.payable_to_platform = max(-net, ZERO)
            statement.closed_at = timezone.now()
            statement.save()
        statement.refresh_from_db()  # the figures as stored, to the cent
    except IntegrityError:  # closed by a concurrent run a moment ago
        return Statement.objects.get(institution=institution, month=month)
    return statement


_STATEMENT_FIELD = {
    "subscriptions": "gross_subscriptions",
    "redemptions": "gross_redemptions",
    "fees": "fees_collected",
    "upfront": "upfront_commission",
    "trail": "trail_commission",
    "corrections": "corrections",
}


def close_month(*, month: dt.date, today=None) -> list[Statement]:
    """Close ``month`` for every institution that had commission or orders to settle in it."""
    month = month_start(month)
    next_month = next_month_start(month)
    if (today or timezone.localdate()) < next_month:
        raise ValidationError({"month": MONTH_NOT_OVER.format(month=month)})
    # Two small DISTINCT queries rather than one join across entries and orders.
    active = set(
        CommissionEntry.objects.filter(statement__isnull=True, accrual_date__lt=next_month)
        .values_list("institution_id", flat=True)
        .distinct()
    ) | set(
        Order.objects.filter(confirmed_on__gte=month, confirmed_on__lt=next_month)
        .values_list("institution_id", flat=True)
        .distinct()
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
