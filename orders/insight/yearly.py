"""An investor's year: the realised gains of each sale and maturity (the CSV), and the yearly
statement (holdings at year end, flows, fees, distributions, realised gain), each in a fixed
number of queries however many holdings and rows (issue 15)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q, Sum
from django.utils import timezone

from ..models import CashEntry, EntryKind, LotMovement, MovementKind, Order, OrderStatus, Side
from ..plans.distributions.models import DistributionPayment
from .returns import Performance, portfolio_performance

ZERO = Decimal(0)
FIRST_YEAR = 2000


class Realised(NamedTuple):
    """One sale (all the lots it took units from) or one maturity."""

    on: dt.date
    product: str
    code: str
    kind: str  # MovementKind
    units: Decimal
    proceeds: Decimal  # paid to the investor: gross − fee + interest
    cost: Decimal  # the cost the units carried (from their lots)
    fee: Decimal

    @property
    def gain(self) -> Decimal:
        return self.proceeds - self.cost


class RealisedTotals(NamedTuple):
    units: Decimal
    proceeds: Decimal
    cost: Decimal
    fee: Decimal
    gain: Decimal


def _year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime(year, 1, 1, tzinfo=tz),
        dt.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def realised_in_year(*, user, year: int) -> list[Realised]:
    """Each sale (by its trade date) and maturity (by the day it was paid) in ``year``, oldest
    first, from its lot movements (one query)."""
    start, end = _year_range(year)
    rows: dict[tuple, list] = {}
    for order_id, lot_id, kind, on, created, name, code, units, gross, fee, interest, cost in (
        LotMovement.objects.filter(
            lot__holding__user=user, kind__in=[MovementKind.SALE, MovementKind.MATURITY]
        )
        .filter(
            Q(kind=MovementKind.SALE, order__trade_date__year=year)
            | Q(kind=MovementKind.MATURITY, created_at__gte=start, created_at__lt=end)
        )
        .order_by()
        .values_list(
            "order_id",
            "lot_id",
            "kind",
            "order__trade_date",
            "created_at",
            "lot__holding__product__name",
            "lot__holding__product__code",
            "units",
            "gross",
            "fee",
            "interest",
            "cost",
        )
    ):
        key = ("order", order_id) if order_id else ("lot", lot_id)
        day = on if kind == MovementKind.SALE and on else timezone.localdate(created)
        line = rows.setdefault(key, [day, name, code, kind, ZERO, ZERO, ZERO, ZERO])
        line[4] += units
        line[5] += gross - fee + interest
        line[6] += cost
        line[7] += fee
    return sorted((Realised(*line) for line in rows.values()), key=lambda r: (r.on, r.product))


def realised_totals(rows: list[Realised]) -> RealisedTotals:
    return RealisedTotals(
        units=sum((r.units for r in rows), ZERO),
        proceeds=sum((r.proceeds for r in rows), ZERO),
        cost=sum((r.cost for r in rows), ZERO),
        fee=sum((r.fee for r in rows), ZERO),
        gain=sum((r.gain for r in rows), ZERO),
    )


class Transaction(NamedTuple):
    on: dt.date
    product: str
    side: str
    amount: Decimal
    units: Decimal | None
    fee: Decimal


class DistributionLine(NamedTuple):
    on: dt.date
    product: str
    election: str
    gross: Decimal
    cash: Decimal
    reinvested: Decimal
    units: Decimal


class YearlyStatement(NamedTuple):
    year: int
    end: dt.date  # 31 December, or today for the current year
    performance: Performance  # holdings at the end, the year's gain and returns
    transactions: list[Transaction]
    purchases: Decimal
    sales: Decimal
    fees: Decimal
    deposits: Decimal
    withdrawals: Decimal
    distributions: list[DistributionLine]
    realised: list[Realised]

    @property
    def realised_totals(self) -> RealisedTotals:
        return realised_totals(self.realised)

    @property
    def distributions_cash(self) -> Decimal:
        return sum((d.cash for d in self.distributions), ZERO)

    @property
    def distributions_reinvested(self) -> Decimal:
        return sum((d.reinvested for d in self.distributions), ZERO)

    @property
    def is_complete(self) -> bool:
        return self.end == dt.date(self.year, 12, 31)


def statement_years(*, user, today: dt.date | None = None) -> list[int]:
    """The years with a statement, newest first: from the first order's year to this one."""
    first = (
        Order.objects.filter(user=user)
        .order_by("trade_date")
        .values_list("trade_date", flat=True)
        .first()
    )
    return years_since(first, today=today)


def years_since(first: dt.date | None, *, today: dt.date | None = None) -> list[int]:
    """The statement years of an investor whose first order trades on ``first``, newest first."""
    today = today or timezone.localdate()
    return list(range(today.year, (first.year if first else today.year) - 1, -1))


def yearly_statement(*, user, year: int, today: dt.date | None = None) -> YearlyStatement:
    """The investor's statement for ``year`` (a year still running ends today)."""
    today = today or timezone.localdate()
    end = min(dt.date(year, 12, 31), today)
    performance = portfolio_performance(user=user, today=end, base=dt.date(year - 1, 12, 31))
    transactions = [
        Transaction(on, name, side, amount, units, fee or ZERO)
        for on, name, side, amount, units, fee in Order.objects.filter(
            user=user,
            status__in=[OrderStatus.CONFIRMED, OrderStatus.SETTLED],
            trade_date__year=year,
            trade_date__lte=end,
        )
        .order_by("trade_date", "pk")
        .values_list("trade_date", "product__name", "side", "amount", "units", "fee")
    ]
    start_at, end_at = _year_range(year)
    cash = CashEntry.objects.filter(
        account__user=user, created_at__gte=start_at, created_at__lt=end_at
    ).aggregate(
        deposits=Sum("amount", filter=Q(kind=EntryKind.DEPOSIT)),
        withdrawals=Sum(
            "amount", filter=Q(kind__in=[EntryKind.WITHDRAWAL, EntryKind.WITHDRAWAL_RETURNED])
        ),
    )
    distributions = [
        DistributionLine(*row)
        for row in DistributionPayment.objects.filter(holding__user=user, paid_on__year=year)
        .order_by("paid_on", "pk")
        .values_list(
            "paid_on", "holding__product__name", "election", "gross", "cash", "reinvested", "units"
        )
    ]
    by_side: dict[str, Decimal] = defaultdict(Decimal)
    for t in transactions:
        by_side[t.side] += t.amount or ZERO
    return YearlyStatement(
        year=year,
        end=end,
        performance=performance,
        transactions=transactions,
        purchases=by_side[Side.BUY],
        sales=by_side[Side.SELL],
        fees=sum((t.fee for t in transactions), ZERO),
        deposits=cash["deposits"] or ZERO,
        withdrawals=-(cash["withdrawals"] or ZERO),
        distributions=distributions,
        realised=realised_in_year(user=user, year=year),
    )
