"""End of day (DESIGN §4): confirm orders at NAV(T), money-market income, savings maturity.

Everything here is set-based: orders are read in keyset batches, priced in memory with the
pure functions of ``orders.pricing``, and written back with a handful of bulk statements per
batch (``marketplace.bulk``), never one query per order. Every batch is one transaction that
first takes an advisory lock, so two runs (two workers, or beat and a manual run) take turns,
and what a batch selects is only what is still to do: running a date twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from marketplace.tasks import enqueue

from ..models import (
    EndOfDayRun,
    Order,
)
from .batches import BATCH_SIZE, exclusive
from .commission import trail_accrue
from .confirmation import confirm_orders
from .income import money_market_income
from .maturity import savings_maturity

NOTICES_TASK = "orders.campaigns.tasks.notices_for_day"

# Steps of later sub-packages that run right after the day's confirmations, each called as
# ``step(run_date=…, batch_size=…, stats=…)``. They register themselves (OrdersConfig.ready):
# end of day belongs to trading, which must not import the sub-packages built on it (DESIGN §2).
AFTER_CONFIRMATION: list[Callable[..., None]] = []


def after_confirmation(step: Callable[..., None]) -> None:
    """Run ``step`` in every end of day, after the confirmations (registered once)."""
    if step not in AFTER_CONFIRMATION:
        AFTER_CONFIRMATION.append(step)


FUTURE_DATE = "End of day cannot run for {date}: it is in the future (today is {today})."


def end_of_day(*, run_date: dt.date, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Everything that happens after trading day ``run_date``: confirmation of pending orders
    with trade date ≤ ``run_date`` (funds once NAV(T) exists), money-market income for every day
    through it, then savings maturing on or before it; distributions whose pay date has come are
    paid to their holders of record right after the confirmations. Returns what it did. A date
    in the future is refused (it would pay deposits early and mark days credited that have not
    happened)."""
    today = timezone.localdate()
    if run_date > today:
        raise ValidationError(
            FUTURE_DATE.format(date=run_date, today=today), code="end_of_day_future_date"
        )
    started = timezone.now()
    EndOfDayRun.objects.get_or_create(date=run_date)
    stats: Counter = Counter()
    last_id: int | None = 0
    while last_id is not None:
        with transaction.atomic():
            exclusive()
            last_id = confirm_orders(
                orders=Order.objects.filter(trade_date__lte=run_date, pk__gt=last_id),
                business_date=run_date,
                limit=batch_size,
                stats=stats,
            )
    # After confirming (a purchase traded on a record date is a holder of record once its
    # units are confirmed): distributions whose pay date has come, cash or reinvested.
    for step in AFTER_CONFIRMATION:
        step(run_date=run_date, batch_size=batch_size, stats=stats)
    # After confirming: the day's sells have left the holdings and a lot confirmed late (a
    # missed run) is already there for the days it earns.
    money_market_income(run_date=run_date, batch_size=batch_size, stats=stats)
    savings_maturity(run_date=run_date, batch_size=batch_size, stats=stats)
    stats["trail_entries"] = trail_accrue(on_date=run_date)
    result = {
        key: str(value) if isinstance(value, Decimal) else value for key, value in stats.items()
    }
    with transaction.atomic():
        EndOfDayRun.objects.filter(date=run_date).update(
            started_at=started, finished_at=timezone.now(), stats=result
        )
        # The investors are told what the run did (confirmations, payouts, maturities) by the
        # after-sales notices, handed over by name through the outbox (DESIGN §2).
        enqueue(NOTICES_TASK, run_date.isoformat())
    return result
