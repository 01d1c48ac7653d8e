"""Money-market income at end of day: every calendar day since a holding's last credited day,
each at that day's own published yield, as units in a lot of their own (a missed or late run
catches up exactly; a day without a published yield waits)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import DateField, ExpressionWrapper, F, Q
from django.utils import timezone

from marketplace.bulk import bulk_insert, bulk_update
from products.models import DailyYield, FundType

from .. import pricing
from ..calendar import confirmation_date
from ..models import (
    Holding,
    Lot,
    LotMovement,
    LotSource,
    MovementKind,
)
from ..rows import (
    HoldingIncomeRow,
    IncomeLotRow,
)
from .batches import shared

ONE_DAY = dt.timedelta(days=1)
# Longer than any gap between a trade date and its confirmation day (holidays included): a
# purchase lot acquired longer than this before a holding's last credited day earns already.
CONFIRMATION_WINDOW = dt.timedelta(days=40)


def _earns_from(source: str, acquired_on: dt.date, cache: dict[dt.date, dt.date]) -> dt.date:
    """The first calendar day a lot earns money-market income: a purchase from its confirmation
    day (T+1, the next trading day after its trade date), a day's income from the day after."""
    if source != LotSource.PURCHASE:
        return acquired_on + ONE_DAY
    if acquired_on not in cache:
        cache[acquired_on] = confirmation_date(acquired_on)
    return cache[acquired_on]


def _after(field: str, delta: dt.timedelta) -> ExpressionWrapper:
    return ExpressionWrapper(F(field) + delta, output_field=DateField())


def money_market_income(
    *,
    run_date: dt.date,
    batch_size: int,
    stats: Counter,
    users: tuple[int, int] | None = None,
) -> None:
    """Credit every money-market holding the income of each calendar day since its last
    credited day (``Holding.income_through``) through ``run_date``, each day at that day's own
    published income per 10,000 units (``DailyYield``), as units (NAV 1.0000, rounded down) in
    a lot of their own dated that day. A day without a published yield waits, and so do the
    days after it, until it arrives: a missed or late run catches up exactly.

    Which days a unit earns for: day D pays on the units held after D's end-of-day run, that is
    every lot from its confirmation day (a purchase with trade date T: the next trading day
    after T, so a Friday purchase earns from Monday, not for the weekend; a day's income lot
    from the next day) until the trade date of the sale that takes it out (sold units earn up
    to the day before). Catching up, units sold since the last credited day are counted back
    for the days before their sale. Set-based: holdings in keyset batches, their recent lots and
    sales in two queries, lots and holdings written in bulk. Running a date twice (or an
    earlier date later) adds nothing; the income lot's unique constraint backs it up. An
    end-of-day part credits its investors' holdings only (``users``: first and last user id).
    """
    funds = (
        DailyYield.objects.filter(product__fund_type=FundType.MONEY_MARKET, date__lte=run_date)
        .values_list("product_id", flat=True)
        .distinct()
    )
    # A holding sold out since its last credited day is still owed the days before the sale.
    due = Q(income_through__isnull=True) | Q(income_through__lt=run_date) & (
        Q(units__gt=0) | Q(updated_at__date__gt=F("income_through"))
    )
    if users is not None:
        due &= Q(user_id__gte=users[0], user_id__lte=users[1])
    confirmations: dict[dt.date, dt.date] = {}
    for product_id in sorted(set(funds)):
        last_id = 0
        while True:
            with transaction.atomic():
                shared()
                holdings = list(
                    Holding.objects.select_for_update()
                    .filter(due, product_id=product_id, pk__gt=last_id)
                    .order_by("pk")
                    .values_list("pk", "units", "income_through")[:batch_size]
                )
                if not holdings:
                    break
                last_id = holdings[-1][0]
                _credit_income(product_id, holdings, run_date, confirmations, stats)


def _credit_income(product_id, holdings, run_date, confirmations, stats) -> None:
    ids = [pk for pk, _, _ in holdings]
    # Lots that may not have earned on every day since the holding's last credit: purchases
    # recent enough to be confirmed since (older income lots earn from the day after theirs).
    young = defaultdict(list)  # holding → [(earns from, units)]
    for holding_id, source, acquired_on, units in Lot.objects.filter(
        Q(holding__income_through__isnull=True)
        | Q(
            source=LotSource.PURCHASE,
            acquired_on__gt=_after("holding__income_through", -CONFIRMATION_WINDOW),
        )
        | Q(source=LotSource.INCOME, acquired_on__gte=F("holding__income_through")),
        holding_id__in=ids,
        units_remaining__gt=0,
    ).values_list("holding_id", "source", "acquired_on", "units_remaining"):
        young[holding_id].append((_earns_from(source, acquired_on, confirmations), units))
    # Units sold since then, owed the days before their sale's trade date.
    sold = defaultdict(list)  # holding → [(earns from, units, sale's trade date)]
    for holding_id, source, acquired_on, units, trade_date in LotMovement.objects.filter(
        Q(lot__holding__income_through__isnull=True)
        | Q(order__trade_date__gt=_after("lot__holding__income_through", ONE_DAY)),
        lot__holding_id__in=ids,
        kind=MovementKind.SALE,
    ).values_list(
        "lot__holding_id", "lot__source", "lot__acquired_on", "units", "order__trade_date"
    ):
        earns_from = _earns_from(source, acquired_on, confirmations)
        sold[holding_id].append((earns_from, units, trade_date))

    plans = []  # (holding, units, units earning on every day since, first day owed)
    for holding_id, units, through in holdings:
        settled = units - sum(u for _, u in young[holding_id])
        starts = [e for e, _ in young[holding_id]] + [e for e, _, _ in sold[holding_id]]
        if settled > 0 and through:
            starts.append(through + ONE_DAY)
        first = None
        if starts:  # no earlier than the day after the last credited one
            first = max(min(starts), through + ONE_DAY) if through else min(starts)
        plans.append((holding_id, units, settled, first))
    firsts = [plan[3] for plan in plans if plan[3]]
    yields = (
        dict(
            DailyYield.objects.filter(
                product_id=product_id, date__gte=min(firsts), date__lte=run_date
            ).values_list("date", "income_per_10k")
        )
        if firsts
        else {}
    )

    now = timezone.now()
    lots: list[IncomeLotRow] = []
    rows: list[HoldingIncomeRow] = []
    for holding_id, units, settled, first in plans:
        if first is None:  # nothing held, nothing sold since: no day owes anything
            rows.append(HoldingIncomeRow(holding_id, units, run_date, now))
            continue
        day, added, last = first, Decimal(0), None
        while day <= run_date and day in yields:
            earning = (
                settled
                + added  # the income of earlier days of this catch-up
                + sum(u for e, u in young[holding_id] if e <= day)
                + sum(u for e, u, sold_on in sold[holding_id] if e <= day < sold_on)
            )
            income = pricing.money_market_income(units=earning, yield_per_10k=yields[day])
            if income > 0:
                lots.append(
                    IncomeLotRow(
                        holding_id=holding_id,
                        source=LotSource.INCOME,
                        acquired_on=day,
                        units=income,
                        units_remaining=income,
                        cost_remaining=Decimal(0),
                    )
                )
                added += income
            last, day = day, day + ONE_DAY
        if last is None:  # not earning yet, or the first day's yield is not published yet
            continue
        rows.append(HoldingIncomeRow(holding_id, units + added, last, now))
        stats["income_units"] += added
        stats["income_days"] += (last - first).days + 1
        if added:
            stats["income_holdings"] += 1
    bulk_insert(Lot, lots)
    bulk_update(Holding, rows)
