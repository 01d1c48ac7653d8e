"""What confirming reads besides the orders: the pending orders' columns, each product's
terms (fee schedules, kind) and the NAVs of the trade dates, locked against corrections."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db import connection, connections
from django.db.models import Q, QuerySet

from products.fees import Tier, tier_for
from products.models import FeeSchedule, FundType, NavPrice, Product

ORDER_FIELDS = (
    "pk",
    "user_id",
    "product_id",
    "institution_id",
    "kind",
    "side",
    "amount",
    "units",
    "trade_date",
    "placed_at",
    "subscription_rate",
    "subscription_fixed_fee",
    "redemption_tiers",
    "annual_rate",
    "term_months",
    "early_withdrawal_rate",
    "cancellation_fee",
    "fee",
    "fee_rate",
    "discount",
    "switch_id",
)


class PendingOrder(NamedTuple):
    """A pending order as confirming reads it (``ORDER_FIELDS``, in that order): a tuple, since
    a batch makes ten thousand of them at once."""

    id: int
    user_id: int
    product_id: int
    institution_id: int
    kind: str
    side: str
    amount: Decimal | None
    units: Decimal | None
    trade_date: dt.date
    placed_at: dt.datetime
    # what the buy agreed to at placement (see Order)
    subscription_rate: Decimal | None = None
    subscription_fixed_fee: Decimal | None = None
    redemption_tiers: list | None = None
    annual_rate: Decimal | None = None
    term_months: int | None = None
    early_withdrawal_rate: Decimal | None = None
    cancellation_fee: Decimal | None = None
    # a coupon's discounted fee, fixed at placement (``discount`` None: no coupon)
    fee: Decimal | None = None
    fee_rate: Decimal | None = None
    discount: Decimal | None = None
    switch_id: int | None = None  # one leg of a switch: confirmed with the other, or not at all


@dataclass
class Terms:
    """What pricing needs of one product."""

    kind: str
    money_market: bool
    subscription: list[Tier]  # by lower bound (``subscription_band``'s order), sorted once
    redemption: list[Tier]
    product: Product
    # ``redemption`` as a lot keeps it (``Tier.as_dict`` rows), made once for the batch: every
    # lot of the product that kept no schedule of its own shares it (nothing changes it).
    redemption_rows: list[dict] = field(default_factory=list)

    def band_for(self, amount: Decimal) -> Tier | None:
        """The subscription band a buy of ``amount`` pays when it kept none: what
        ``products.fees.subscription_band`` picks, with the tiers sorted once for the batch
        instead of once per order (None: no schedule, no fee)."""
        return tier_for(self.subscription, amount) if self.subscription else None


_TIERS_AT = ORDER_FIELDS.index("redemption_tiers")


def pending_orders_of(rows: QuerySet) -> list[PendingOrder]:
    """``rows`` (a values_list of ``ORDER_FIELDS``) as ``PendingOrder`` tuples. On PostgreSQL
    its SQL runs on a bare cursor: a batch is ten thousand rows, and the ORM's per-row pass
    (converters, row iterator) would cost more than the query; the one column that needs
    decoding, the JSON schedule an order kept, is decoded here."""
    database = connections[rows.db]
    if database.vendor != "postgresql":
        return list(map(PendingOrder._make, rows))
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    make = PendingOrder._make
    orders = []
    for row in fetched:
        tiers = row[_TIERS_AT]
        if tiers is not None:
            row = (*row[:_TIERS_AT], json.loads(tiers), *row[_TIERS_AT + 1 :])
        orders.append(make(row))
    return orders


def terms_for(product_ids: Iterable[int]) -> dict[int, Terms]:
    products = (
        Product.objects.filter(pk__in=set(product_ids))
        .select_related("fund_terms", "savings_terms", "insurance_terms")
        .prefetch_related("fee_tiers")
    )
    terms = {}
    for product in products:
        tiers: dict[str, list[Tier]] = {FeeSchedule.SUBSCRIPTION: [], FeeSchedule.REDEMPTION: []}
        for t in product.fee_tiers.all():
            tiers[t.schedule].append(Tier.of(t))
        money_market = product.fund_type == FundType.MONEY_MARKET
        redemption = [] if money_market else tiers[FeeSchedule.REDEMPTION]
        terms[product.pk] = Terms(
            kind=product.kind,
            money_market=money_market,
            subscription=[]
            if money_market
            else sorted(tiers[FeeSchedule.SUBSCRIPTION], key=lambda t: t.lower),
            redemption=redemption,
            product=product,
            redemption_rows=[t.as_dict() for t in redemption],
        )
    return terms


def navs_locked(
    product_ids: set[int], days: set[dt.date], *, shared: bool
) -> dict[tuple[int, dt.date], Decimal]:
    """NAV(T) of these funds and days, locked against corrections until the batch commits.

    ``shared``: an end-of-day part, beside others that price with the same NAVs. It locks them
    ``FOR SHARE`` (parts never wait for each other; a correction waits for all of them) and
    uses only the NAVs the run stamped when it opened (``end_of_day_parts.run_open``): a NAV
    uploaded after that waits for the next run, so no part ever has to write a NAV row."""
    if not product_ids or not days:
        return {}
    which = NavPrice.objects.filter(product_id__in=product_ids, date__in=days)
    if not shared:
        rows = which.select_for_update().values_list("product_id", "date", "nav")
        return {(product_id, day): nav for product_id, day, nav in rows}
    which = which.filter(priced_at__isnull=False)
    if connection.vendor != "postgresql":
        return {(p, d): nav for p, d, nav in which.values_list("product_id", "date", "nav")}
    sql, params = which.values_list("product_id", "date", "nav").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} FOR SHARE", params)
        return {(product_id, day): nav for product_id, day, nav in cursor.fetchall()}


def mark_navs_priced(pairs: set[tuple[int, dt.date]], now: dt.datetime) -> None:
    """Stamp the NAVs that just priced orders: uploads may no longer change them (only a
    staff-approved correction can)."""
    if not pairs:
        return
    which = Q()
    for product_id, day in pairs:
        which |= Q(product_id=product_id, date=day)
    NavPrice.objects.filter(which, priced_at__isnull=True).update(priced_at=now)
