"""End of day (DESIGN §4): confirm orders at NAV(T), money-market income, savings maturity,
trail commission.

A run is split into parts that any number of workers run at the same time (a chord kept in the
database, since there is no result backend and work is handed over through the outbox): the
run's row (``EndOfDayRun``) and one ``EndOfDayPart`` row per piece of work. Phases, in order:

1. ``confirm``: pending orders with trade date ≤ the run date, one part per range of investor
   (user) ids;
2. one phase per step registered with ``after_confirmation`` (distributions), one part each;
3. ``holdings``: money-market income, then savings maturity, then trail accrual, one part per
   range of investor ids.

Parts are split by investor, so two parts never touch the same order, holding, lot or cash
account: they cannot deadlock on them, and what runs for one investor runs in the serial order.
A part does its work and marks itself done in one transaction (a redelivered or rerun part
finds itself done and does nothing); the part that finishes its phase last (decided under the
run row's lock) creates the next phase's parts, or closes the run: stats summed from the parts,
notices handed over once. Every part is set-based inside (keyset batches, bulk statements).

``end_of_day(run_date=…)`` runs the same parts in a loop, in this process (tests, eager mode,
the management command); ``end_of_day_start`` hands them to the workers.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, QuerySet
from django.utils import timezone

from marketplace.tasks import enqueue
from products.models import FundType, NavPrice, ProductKind

from ..models import EndOfDayPart, EndOfDayRun, Holding, Order, OrderStatus
from .batches import BATCH_SIZE, shared
from .commission import trail_accrue
from .confirmation.batch import confirm_orders
from .income import money_market_income
from .maturity import savings_maturity

NOTICES_TASK = "orders.campaigns.tasks.notices_for_day"
PART_TASK = "orders.tasks.end_of_day_part"
QUEUE = "end_of_day"
CONFIRM, HOLDINGS = "confirm", "holdings"
MAX_PARTS = 1_000  # of one phase: more would only add overhead
FIRST_USER, LAST_USER = 0, 2**63 - 1  # the ends of the first and last range stay open
# A part reads its rows in one go: it holds about a batch already, and a keyset batch (ORDER BY
# id LIMIT n) over one investor range would walk the whole table in id order for every part.
WHOLE_PART = 10**9
# A part locks its own row only. Its query joins the run (parts are ordered by their run's date,
# and picked by it), and a bare FOR UPDATE would lock the run row too, for the whole part: every
# other part would wait for it (two workers ran one part at a time). The run row is locked only
# by ``_advance``, at a part's end.
PART_ONLY = ("self",)

# Steps of later sub-packages that run right after the day's confirmations, each called as
# ``step(run_date=…, batch_size=…, stats=…)``. They register themselves (OrdersConfig.ready):
# end of day belongs to trading, which must not import the sub-packages built on it (DESIGN §2).
AFTER_CONFIRMATION: list[Callable[..., None]] = []


def after_confirmation(step: Callable[..., None]) -> None:
    """Run ``step`` in every end of day, after the confirmations (registered once)."""
    if step not in AFTER_CONFIRMATION:
        AFTER_CONFIRMATION.append(step)


def _step_name(step: Callable[..., None]) -> str:
    return f"after:{step.__module__}.{step.__qualname__}"


def _phases() -> list[str]:
    return [CONFIRM, *(_step_name(step) for step in AFTER_CONFIRMATION), HOLDINGS]


FUTURE_DATE = "End of day cannot run for {date}: it is in the future (today is {today})."


def _refuse_future(run_date: dt.date) -> None:
    today = timezone.localdate()
    if run_date > today:
        raise ValidationError(
            FUTURE_DATE.format(date=run_date, today=today), code="end_of_day_future_date"
        )


# --- the run ----------------------------------------------------------------------------------


def end_of_day(*, run_date: dt.date, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Everything that happens after trading day ``run_date``: confirmation of pending orders
    with trade date ≤ ``run_date`` (funds once NAV(T) exists), money-market income for every day
    through it, then savings maturing on or before it; distributions whose pay date has come are
    paid to their holders of record right after the confirmations. Returns what it did. A date
    in the future is refused (it would pay deposits early and mark days credited that have not
    happened).

    Runs every part in this process, one after the other (another process running the same
    run's parts meanwhile takes the others: parts are picked ``SKIP LOCKED``), and returns once
    the run is closed."""
    _refuse_future(run_date)
    attempt = run_open(run_date=run_date, batch_size=batch_size, dispatch=False).attempt
    while True:
        with transaction.atomic():
            part = (
                EndOfDayPart.objects.select_for_update(skip_locked=True, of=PART_ONLY)
                .filter(run__date=run_date, attempt=attempt, done_at__isnull=True)
                .order_by("seq")
                .first()
            )
            if part is not None:
                _part_do(part, worker="", dispatch=False)
                continue
        run = EndOfDayRun.objects.get(date=run_date)
        if run.attempt != attempt or run.finished_at is not None:
            return run.stats
        time.sleep(0.05)  # the parts left are running elsewhere


def end_of_day_start(*, run_date: dt.date, batch_size: int = BATCH_SIZE) -> dict:
    """Start (or join, if one is unfinished) the run of ``run_date`` on the workers: its first
    phase's parts go to the outbox, the rest follow as phases finish. Eager (no broker): runs
    it here, as ``end_of_day``."""
    _refuse_future(run_date)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return end_of_day(run_date=run_date, batch_size=batch_size)
    run = run_open(run_date=run_date, batch_size=batch_size, dispatch=True)
    return {"date": run_date.isoformat(), "attempt": run.attempt}


def run_open(*, run_date: dt.date, batch_size: int, dispatch: bool) -> EndOfDayRun:
    """A new attempt of the date's run, with its first phase's parts, or the unfinished one
    (its parts still to do handed over again when ``dispatch``: a dead worker's, say)."""
    with transaction.atomic():
        EndOfDayRun.objects.get_or_create(date=run_date)
        run = EndOfDayRun.objects.select_for_update().get(date=run_date)
        if run.attempt and run.finished_at is None:
            if dispatch:
                for pk in run.parts.filter(attempt=run.attempt, done_at__isnull=True).values_list(
                    "pk", flat=True
                ):
                    enqueue(PART_TASK, pk, queue=QUEUE)
            return run
        now = timezone.now()
        run.attempt += 1
        run.started_at, run.finished_at, run.stats = now, None, {}
        run.batch_size = batch_size
        _navs_stamp(run_date, now)
        _phase_start(run, CONFIRM, seq=0, dispatch=dispatch)
        return run


def _navs_stamp(run_date: dt.date, now: dt.datetime) -> None:
    """Stamp every NAV the run's confirmations price with (uploads may no longer change it),
    once, here: parts then only read them (shared), so they never wait for each other."""
    pending = Order.objects.filter(
        status=OrderStatus.PENDING,
        kind=ProductKind.FUND,
        trade_date__lte=run_date,
        product_id=OuterRef("product_id"),
        trade_date=OuterRef("date"),
    )
    NavPrice.objects.filter(priced_at__isnull=True, date__lte=run_date).exclude(
        product__fund_type=FundType.MONEY_MARKET
    ).filter(Exists(pending)).update(priced_at=now)


def _user_ranges(rows: QuerySet, batch_size: int) -> list[tuple[int, int]]:
    """Investor-id ranges of about ``batch_size`` of ``rows`` each (even widths over the ids
    present; the first and last range open-ended, so nothing added meanwhile is left out)."""
    bounds = rows.aggregate(n=Count("pk"), lo=Min("user_id"), hi=Max("user_id"))
    if not bounds["n"]:
        return []
    count = min(MAX_PARTS, max(1, math.ceil(bounds["n"] / batch_size)))
    lo, hi = bounds["lo"], bounds["hi"]
    width = max(1, math.ceil((hi - lo + 1) / count))
    starts = list(range(lo, hi + 1, width))
    ends = [start - 1 for start in starts[1:]] + [LAST_USER]
    return list(zip([FIRST_USER, *starts[1:]], ends, strict=True))


def _phase_start(run: EndOfDayRun, phase: str, *, seq: int, dispatch: bool) -> None:
    """Create ``phase``'s parts (skipping phases with nothing to do), or close the run after
    the last phase. Called under the run row's lock."""
    phases = _phases()
    for name in phases[phases.index(phase) :]:
        if name == CONFIRM:
            pending = Order.objects.filter(status=OrderStatus.PENDING, trade_date__lte=run.date)
            ranges: list[tuple[int | None, int | None]] = list(
                _user_ranges(pending, run.batch_size)
            )
        elif name == HOLDINGS:
            ranges = list(_user_ranges(Holding.objects.all(), run.batch_size))
        else:
            ranges = [(None, None)]
        if not ranges:
            continue
        parts = EndOfDayPart.objects.bulk_create(
            EndOfDayPart(
                run=run,
                attempt=run.attempt,
                phase=name,
                seq=seq + index,
                first_user=first,
                last_user=last,
            )
            for index, (first, last) in enumerate(ranges)
        )
        run.phase = name
        run.save(update_fields=[*_RUN_FIELDS])
        if dispatch:
            for part in parts:
                enqueue(PART_TASK, part.pk, queue=QUEUE)
        return
    _close(run)


_RUN_FIELDS = ("attempt", "started_at", "finished_at", "stats", "phase", "batch_size")


def _close(run: EndOfDayRun) -> None:
    """Every part done: the run's stats (summed from its parts), and the notices, once."""
    totals: Counter[str] = Counter({"trail_entries": 0})
    for stats in run.parts.filter(attempt=run.attempt).values_list("stats", flat=True):
        for key, value in stats.items():
            totals[key] += Decimal(value) if isinstance(value, str) else value  # type: ignore[assignment]
    run.stats = {
        key: str(value) if isinstance(value, Decimal) else value for key, value in totals.items()
    }
    run.phase, run.finished_at = "", timezone.now()
    run.save(update_fields=[*_RUN_FIELDS])
    # The investors are told what the run did (confirmations, payouts, maturities) by the
    # after-sales notices, handed over by name through the outbox (DESIGN §2).
    enqueue(NOTICES_TASK, run.date.isoformat())


# --- one part ---------------------------------------------------------------------------------


def end_of_day_part_run(*, part_id: int, worker: str = "", dispatch: bool = True) -> bool:
    """Do one part (a worker's task). False: it was done already (a redelivery, or a rerun),
    or is gone; nothing changed."""
    with transaction.atomic():
        part = EndOfDayPart.objects.select_for_update(of=PART_ONLY).filter(pk=part_id).first()
        if part is None or part.done_at is not None:
            return False
        _part_do(part, worker=worker, dispatch=dispatch)
        return True


def _part_do(part: EndOfDayPart, *, worker: str, dispatch: bool) -> None:
    """The part's work, its done mark and (last of its phase) the next phase: one transaction,
    the part's row locked by the caller."""
    run = EndOfDayRun.objects.get(pk=part.run_id)
    stats: Counter = Counter()
    users = (part.first_user, part.last_user)
    if part.phase == CONFIRM:
        shared()
        _confirm(run, users, stats)  # type: ignore[arg-type]
    elif part.phase == HOLDINGS:
        shared()
        money_market_income(
            run_date=run.date,
            batch_size=WHOLE_PART,
            stats=stats,
            users=users,  # type: ignore[arg-type]
        )
        savings_maturity(
            run_date=run.date,
            batch_size=WHOLE_PART,
            stats=stats,
            users=users,  # type: ignore[arg-type]
        )
        stats["trail_entries"] += trail_accrue(
            on_date=run.date,
            batch_size=WHOLE_PART,
            first_user=part.first_user,
            last_user=part.last_user,
        )
    else:
        # Not split (takes its own locks): after confirming, a purchase traded on a record
        # date is a holder of record once its units are confirmed.
        step = {_step_name(step): step for step in AFTER_CONFIRMATION}[part.phase]
        step(run_date=run.date, batch_size=run.batch_size, stats=stats)
    part.done_at, part.worker = timezone.now(), worker[:200]
    part.stats = {
        key: str(value) if isinstance(value, Decimal) else value for key, value in stats.items()
    }
    part.save(update_fields=["done_at", "worker", "stats"])
    _deferred_checks_now()
    _advance(part, dispatch=dispatch)


def _deferred_checks_now() -> None:
    """Run the part's deferred foreign-key checks (one per lot, event and new holding) now,
    before ``_advance`` takes the run row's lock, instead of at commit with the lock held: the
    other workers' parts finishing meanwhile wait for the commit only."""
    if connection.vendor == "postgresql":
        connection.check_constraints()  # SET CONSTRAINTS ALL IMMEDIATE, then DEFERRED again


def _confirm(run: EndOfDayRun, users: tuple[int, int], stats: Counter) -> None:
    """The range's pending orders of a trade date ≤ the run date (about a batch), at once."""
    mine = Order.objects.filter(
        trade_date__lte=run.date, user_id__gte=users[0], user_id__lte=users[1]
    )
    confirm_orders(orders=mine, business_date=run.date, stats=stats, part_users=users)


def _advance(part: EndOfDayPart, *, dispatch: bool) -> None:
    """The last part of its phase to finish starts the next phase. Decided under the run row's
    lock: of two parts finishing at once, the second to take it sees the first one done."""
    run = EndOfDayRun.objects.select_for_update().get(pk=part.run_id)
    if run.attempt != part.attempt or run.phase != part.phase or run.finished_at is not None:
        return  # already moved on (cannot happen while parts lock themselves; kept as a guard)
    siblings = EndOfDayPart.objects.filter(run=run, attempt=part.attempt, phase=part.phase)
    if siblings.filter(done_at__isnull=True).exists():
        return
    phases = _phases()
    following = phases.index(part.phase) + 1
    last_seq = siblings.aggregate(last=Max("seq"))["last"]
    if following == len(phases):
        _close(run)
    else:
        _phase_start(run, phases[following], seq=last_seq + 1, dispatch=dispatch)
