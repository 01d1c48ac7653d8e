"""Platform commission (DESIGN §4): upfront entries for confirmed purchases, corrections for
policies cancelled in their cooling-off period, and trail accrued daily on every fund holding.

Set-based like end of day: keyset batches read what is still missing (NOT EXISTS), price it in
Python with ``Decimal`` and write it with one ``COPY``-backed ``INSERT … ON CONFLICT DO
NOTHING`` per batch, so running twice, or two workers at once, writes every entry exactly once
(unique constraints), and a worker killed mid-batch loses only an uncommitted batch.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from institutions.models import UpfrontBasis
from institutions.selectors import contracts_in_force
from marketplace.bulk import bulk_insert
from marketplace.dates import month_start
from marketplace.money import RATE_STEP, round_amount
from marketplace.tasks import enqueue
from products.models import FundType, NavPrice, Product, ProductKind

from ..models import (
    CommissionEntry,
    CommissionKind,
    Holding,
    Lot,
    LotMovement,
    Order,
    OrderStatus,
    Side,
)
from ..rows import CommissionEntryRow

ENTRY_BATCH_SIZE = 10_000
# An internal invariant, not shown to users.
CONFIRMED_WITHOUT_DAY = "Confirmed order {order} has no confirmation day to accrue on."
DAYS_PER_YEAR = Decimal(365)
CARRY_PLACES = Decimal("1e-20")
# A day's trail × 365 is a market value (cents) × a rate (6 places): a multiple of 1e-8.
OWED_STEP = Decimal("1e-8")


def upfront_commission(*, basis: str, rate: Decimal, amount: Decimal, fee: Decimal | None):
    """``(basis, amount)`` of an upfront entry: a rate of the order amount, or a share of the
    front-end fee; rounded half-up to the cent."""
    base = (fee or Decimal(0)) if basis == UpfrontBasis.FRONT_FEE else amount
    return base, round_amount(base * rate)


def commission_entries_write(
    *,
    first_id: int | None = None,
    last_id: int | None = None,
    since: dt.date | None = None,
    batch_size: int = ENTRY_BATCH_SIZE,
    first_user: int | None = None,
    last_user: int | None = None,
) -> Counter:
    """Write every missing upfront entry (confirmed purchases with a contract snapshot) and
    every missing correction (insurance policies cancelled after their upfront was written).

    End of day passes the id range of the batch it confirmed, so each call looks at that range
    only; beat's safety net passes ``since`` (orders confirmed from that day on); with neither,
    every order is looked at. An end-of-day part also passes its investors (user ids
    ``first_user``–``last_user``), and the sweep (``commission_sweep``) splits the orders
    into id ranges that workers write at once; corrections are looked for in the same range.
    """
    stats: Counter = Counter()
    has_upfront = CommissionEntry.objects.filter(order=OuterRef("pk"), kind=CommissionKind.UPFRONT)
    missing_upfront = Order.objects.filter(
        side=Side.BUY,
        status__in=[OrderStatus.CONFIRMED, OrderStatus.SETTLED],
        contract_upfront_rate__isnull=False,
    ).filter(~Exists(has_upfront))
    if last_id is not None:
        missing_upfront = missing_upfront.filter(pk__lte=last_id)
    if since is not None:
        missing_upfront = missing_upfront.filter(confirmed_on__gte=since)
    users = _user_range(first_user, last_user)
    missing_upfront = missing_upfront.filter(**users)
    ids = {"pk__gte": first_id, "pk__lte": last_id}
    ids = {key: value for key, value in ids.items() if value is not None}
    last_id = (first_id or 1) - 1
    while True:
        with transaction.atomic():
            rows = list(
                missing_upfront.filter(pk__gt=last_id)
                .order_by("pk")
                .values_list(
                    "pk",
                    "institution_id",
                    "product_id",
                    "contract_upfront_basis",
                    "contract_upfront_rate",
                    "amount",
                    "fee",
                    "confirmed_on",
                )[:batch_size]
            )
            if not rows:
                break
            last_id = rows[-1][0]
            now, entries = timezone.now(), []
            for pk, institution_id, product_id, basis, rate, amount, fee, confirmed_on in rows:
                if confirmed_on is None:  # end of day sets it with the status
                    raise ValueError(CONFIRMED_WITHOUT_DAY.format(order=pk))
                base, value = upfront_commission(basis=basis, rate=rate, amount=amount, fee=fee)
                entries.append(
                    CommissionEntryRow(
                        institution_id=institution_id,
                        product_id=product_id,
                        kind=CommissionKind.UPFRONT,
                        order_id=pk,
                        holding_id=None,
                        accrual_date=confirmed_on,
                        basis=base,
                        rate=rate,
                        amount=value,
                        carry=Decimal(0),
                        created_at=now,
                    )
                )
            bulk_insert(CommissionEntry, entries, ignore_conflicts=True)
            stats["upfront"] += len(entries)
    stats["corrections"] = _corrections_write(since=since, within={**ids, **users})
    return stats


def _user_range(first_user: int | None, last_user: int | None) -> dict[str, int]:
    users = {"user_id__gte": first_user, "user_id__lte": last_user}
    return {key: value for key, value in users.items() if value is not None}


def commission_sweep(
    *, since: dt.date | None = None, part_size: int = 10 * ENTRY_BATCH_SIZE
) -> int:
    """The safety net's sweep, split: the orders confirmed from ``since`` on (all: None) are
    cut into id ranges of ``part_size`` ids, one ``commission_entries_write`` task each, that
    any number of workers run at once (each writes its own orders' entries; the unique
    constraints keep a redelivered range from writing twice). Returns how many it handed over.
    """
    orders = Order.objects.all()
    if since is not None:
        orders = orders.filter(confirmed_on__gte=since)
    bounds = orders.aggregate(first=Min("pk"), last=Max("pk"))
    if bounds["first"] is None:
        return 0
    since_days = (timezone.localdate() - since).days if since is not None else None
    parts = 0
    with transaction.atomic():
        for first in range(bounds["first"], bounds["last"] + 1, part_size):
            enqueue(
                "orders.tasks.commission_entries_write",
                first,
                min(first + part_size - 1, bounds["last"]),
                since_days,
            )
            parts += 1
    return parts


def _corrections_write(*, since: dt.date | None = None, within: dict | None = None) -> int:
    """A policy cancelled in its cooling-off period gives its upfront commission back: one
    negative entry per cancellation, referring to the cancelling order."""
    has_correction = CommissionEntry.objects.filter(
        order=OuterRef("pk"), kind=CommissionKind.CORRECTION
    )
    cancellations = Order.objects.filter(
        side=Side.SELL, kind=ProductKind.INSURANCE, status=OrderStatus.SETTLED
    ).filter(~Exists(has_correction), **(within or {}))
    if since is not None:
        cancellations = cancellations.filter(confirmed_on__gte=since)
    written = 0
    with transaction.atomic():
        movements = LotMovement.objects.filter(order__in=cancellations).values_list(
            "order_id",
            "order__institution_id",
            "order__product_id",
            "order__confirmed_on",
            "lot__order_id",
        )
        bought = {m[4] for m in movements}
        upfront = _upfront_given(bought)
        totals: dict[int, list] = {}
        for order_id, institution_id, product_id, confirmed_on, buy_id in movements:
            if buy_id not in upfront:
                continue
            row = totals.setdefault(
                order_id, [institution_id, product_id, confirmed_on, Decimal(0)]
            )
            row[3] -= upfront[buy_id]
        now = timezone.now()
        entries = [
            CommissionEntryRow(
                institution_id=institution_id,
                product_id=product_id,
                kind=CommissionKind.CORRECTION,
                order_id=order_id,
                holding_id=None,
                accrual_date=confirmed_on,
                basis=-amount,
                rate=Decimal(0),
                amount=amount,
                carry=Decimal(0),
                created_at=now,
            )
            for order_id, (institution_id, product_id, confirmed_on, amount) in totals.items()
            if amount
        ]
        bulk_insert(CommissionEntry, entries, ignore_conflicts=True)
        written = len(entries)
    return written


def _upfront_given(buy_ids: set[int]) -> dict[int, Decimal]:
    """The upfront commission of each purchase: its entry, or, where no entry is written yet
    (a split sweep may take a cancellation's range before its purchase's), the amount the entry
    will have, priced from the purchase's contract snapshot. A purchase without a snapshot had
    no upfront, so its cancellation gives nothing back."""
    given = dict(
        CommissionEntry.objects.filter(
            order_id__in=buy_ids, kind=CommissionKind.UPFRONT
        ).values_list("order_id", "amount")
    )
    pending = Order.objects.filter(
        pk__in=buy_ids - given.keys(),
        status__in=[OrderStatus.CONFIRMED, OrderStatus.SETTLED],
        contract_upfront_rate__isnull=False,
    ).values_list("pk", "contract_upfront_basis", "contract_upfront_rate", "amount", "fee")
    for pk, basis, rate, amount, fee in pending:
        given[pk] = upfront_commission(basis=basis, rate=rate, amount=amount, fee=fee)[1]
    return given


# --- trail ------------------------------------------------------------------------------------


def trail_commission(*, market_value: Decimal, annual_rate: Decimal, carry: Decimal):
    """One day's trail: ``market value × annual rate / 365`` plus what rounding left over the
    day before; returns ``(amount to the cent, half-up; the new carry)``. Over a month the
    entries add up to the month's exact total rounded half-up to the cent.

    Computed exactly: a market value is in cents and a rate has 6 places, so every day owes a
    whole number of 1e-8 CNY / 365, and so does the carry. The carry is stored to 20 places
    (an approximation of a repeating decimal); times 365 it is that whole number again, so a day
    that lands exactly on half a cent rounds up instead of falling on either side of it by the
    last digit of a division.
    """
    owed = market_value * annual_rate + (carry * DAYS_PER_YEAR).quantize(OWED_STEP)
    amount = round_amount(owed / DAYS_PER_YEAR)
    return amount, ((owed - amount * DAYS_PER_YEAR) / DAYS_PER_YEAR).quantize(CARRY_PLACES)


def _nav_on(products: list[int], day: dt.date) -> dict[int, Decimal]:
    """Each fund's NAV on ``day`` or the last one before it (money-market funds: 1.0000)."""
    latest = NavPrice.objects.filter(product=OuterRef("pk"), date__lte=day).order_by("-date")
    return {
        pk: (Decimal("1.0000") if fund_type == FundType.MONEY_MARKET else nav)
        for pk, fund_type, nav in Product.objects.filter(pk__in=products)
        .annotate(nav=Subquery(latest.values("nav")[:1]))
        .values_list("pk", "fund_type", "nav")
    }


def _trail_shares(day: dt.date) -> dict[int, Decimal]:
    """Each institution's trail share of the management fee for funds, in force on ``day``."""
    contracts = contracts_in_force(product_kind=ProductKind.FUND, on_date=day)
    return dict(contracts.filter(trail_rate__gt=0).values_list("institution_id", "trail_rate"))


def _units_after(holdings: list[int], day: dt.date) -> dict[int, Decimal]:
    """What each holding's units changed by after ``day`` (lots traded later in, sales and
    other movements of later days out): its units now less this are the units held on ``day``,
    however late the day is accrued. Two indexed reads of the batch's holdings, empty for a
    night accrued on time (nothing has traded after it yet)."""
    later = dict(
        Lot.objects.filter(holding_id__in=holdings, acquired_on__gt=day)
        .values("holding_id")
        .annotate(units=Sum("units"))
        .values_list("holding_id", "units")
    )
    out = (
        LotMovement.objects.filter(lot__holding_id__in=holdings, created_at__date__gt=day)
        .filter(Q(order__isnull=True) | Q(order__trade_date__gt=day))
        .values("lot__holding_id")
        .annotate(units=Sum("units"))
        .values_list("lot__holding_id", "units")
    )
    for holding_id, units in out:
        later[holding_id] = later.get(holding_id, Decimal(0)) - units
    return later


def trail_accrue(
    *,
    on_date: dt.date,
    batch_size: int = ENTRY_BATCH_SIZE,
    first_user: int | None = None,
    last_user: int | None = None,
) -> int:
    """Accrue ``on_date``'s trail commission on every fund holding, once (unique per holding
    and day): market value at the day's NAV × management fee × the contract's trail share /
    365, with the rounding remainder carried within the month. Returns how many were priced.

    Holdings already accrued for the day are priced again and skipped by the insert's ``ON
    CONFLICT DO NOTHING``, not filtered with ``NOT EXISTS``: while a run inserts, the planner's
    row estimates for the day are stale and that anti-join degrades to quadratic. An end-of-day
    part accrues its investors' holdings only (user ids ``first_user``–``last_user``).
    """
    shares = _trail_shares(on_date)
    if not shares:
        return 0
    month_first = month_start(on_date)
    previous = CommissionEntry.objects.filter(
        holding=OuterRef("pk"),
        kind=CommissionKind.TRAIL,
        accrual_date__gte=month_first,
        accrual_date__lt=on_date,
    ).order_by("-accrual_date")
    # Held on the day: units now, or sold since (a late run, or an instant redemption of the
    # next morning while end of day runs) — priced below at the units of the day.
    sold_since = LotMovement.objects.filter(
        lot__holding=OuterRef("pk"), created_at__date__gt=on_date
    )
    holdings = Holding.objects.filter(
        Q(units__gt=0) | Exists(sold_since),
        kind=ProductKind.FUND,
        institution_id__in=list(shares),
        product__fund_terms__management_fee_rate__gt=0,
        **_user_range(first_user, last_user),
    ).annotate(carried=Subquery(previous.values("carry")[:1]))
    fees = dict(
        Product.objects.filter(kind=ProductKind.FUND).values_list(
            "pk", "fund_terms__management_fee_rate"
        )
    )
    navs: dict[int, Decimal] = {}
    written, last_id = 0, 0
    while True:
        with transaction.atomic():
            rows = list(
                holdings.filter(pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", "institution_id", "product_id", "units", "carried")[:batch_size]
            )
            if not rows:
                break
            last_id = rows[-1][0]
            wanted = [r[2] for r in rows if r[2] not in navs]
            if wanted:
                navs.update(_nav_on(sorted(set(wanted)), on_date))
            later = _units_after([r[0] for r in rows], on_date)
            now, entries = timezone.now(), []
            for pk, institution_id, product_id, units, carried in rows:
                nav = navs.get(product_id)
                units -= later.get(pk, 0)
                if nav is None or units <= 0:
                    continue
                value = round_amount(units * nav)
                # Stored to 6 dp like every rate, and applied as stored: an entry can be redone
                # from its own row.
                rate = (fees[product_id] * shares[institution_id]).quantize(RATE_STEP)
                amount, carry = trail_commission(
                    market_value=value, annual_rate=rate, carry=carried or Decimal(0)
                )
                entries.append(
                    CommissionEntryRow(
                        institution_id=institution_id,
                        product_id=product_id,
                        kind=CommissionKind.TRAIL,
                        order_id=None,
                        holding_id=pk,
                        accrual_date=on_date,
                        basis=value,
                        rate=rate,
                        amount=amount,
                        carry=carry,
                        created_at=now,
                    )
                )
            bulk_insert(CommissionEntry, entries, ignore_conflicts=True)
            written += len(entries)
    return written
