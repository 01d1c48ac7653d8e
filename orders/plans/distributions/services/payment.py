"""Paying a distribution at end of day on its pay date, to every holder of record
(``distributions_pay``).

Holders of record. The code keeps no per-day unit history, so the units a holding held at the
end of the record date R are rebuilt from its lots: the units still in lots acquired (trade
date) on or before R, plus the units sold out of those lots by sells whose trade date is after
R (they were still held at the end of R), less the units of sells still pending with a trade
date on or before R (they leave the holding at R's NAV). A purchase traded on R counts (its
units are confirmed at NAV(R)); a sale traded on R does not (that day's redemptions give up
the distribution), as fund registrars do. A purchase with trade date ≤ R still unconfirmed on
the pay date (its NAV late) makes its buyer a holder of record all the same: the buyer's holding
is left out of the run until the purchase is confirmed, and the distribution stays approved
(not paid) meanwhile, so a later end of day pays the buyer on all their units of record, once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from marketplace.bulk import bulk_insert, bulk_update, next_ids
from marketplace.money import (
    format_amount,
    format_cny,
    round_amount,
    round_amount_down,
    round_units,
)
from products.models import NavPrice

from ....campaigns.inbox import languages_of, message_row, messages_post
from ....campaigns.models import Topic
from ....models import (
    EntryKind,
    Holding,
    Lot,
    LotMovement,
    LotSource,
    MovementKind,
    Order,
    OrderStatus,
    Side,
)
from ....rows import HoldingFiguresRow
from ....services.batches import BATCH_SIZE, exclusive
from ....services.cash.ledger import Credit, post_credits
from ..models import (
    Distribution,
    DistributionPayment,
    DistributionStatus,
    Election,
    HoldingElection,
)
from .status import status_move

PAID_TITLE = _("%(product)s: distribution paid")
PAID_CASH_BODY = _(
    "The distribution of %(per_unit)s per unit on your %(units)s units of record "
    "(%(record_date)s) paid %(gross)s into your cash."
)
PAID_REINVEST_BODY = _(
    "The distribution of %(per_unit)s per unit on your %(units)s units of record "
    "(%(record_date)s), %(gross)s, was reinvested: %(new_units)s units at the %(ex_date)s NAV "
    "of %(nav)s, and %(cash)s paid into your cash."
)
PAID_REINVEST_ALL_BODY = _(
    "The distribution of %(per_unit)s per unit on your %(units)s units of record "
    "(%(record_date)s), %(gross)s, was reinvested: %(new_units)s units at the %(ex_date)s NAV "
    "of %(nav)s."
)
# Event reasons kept in English in the column; the history shows them translated.
PAID_REASON = gettext_noop("Paid.")
# --- payment at end of day --------------------------------------------------------------------


class ReinvestLotRow(NamedTuple):
    """The units a reinvested distribution bought, as a lot of their own (id reserved first)."""

    id: int
    holding_id: int
    source: str
    acquired_on: dt.date
    units: Decimal
    units_remaining: Decimal
    cost_remaining: Decimal


class PaymentRow(NamedTuple):
    distribution_id: int
    holding_id: int
    election: str
    units_of_record: Decimal
    gross: Decimal
    cash: Decimal
    reinvested: Decimal
    units: Decimal
    nav: Decimal | None
    lot_id: int | None
    paid_on: dt.date
    created_at: dt.datetime


def _sums(queryset, key: str, field: str) -> dict[int, Decimal]:
    return dict(queryset.values(key).annotate(total=Sum(field)).values_list(key, "total"))


def units_of_record(*, holdings: list[tuple[int, int]], product_id: int, record_date: dt.date):
    """Units each of ``holdings`` ((id, user id) pairs) held at the end of ``record_date`` (see
    the module's docstring), in three grouped queries for the whole batch."""
    ids = [pk for pk, _ in holdings]
    held = _sums(
        Lot.objects.filter(holding_id__in=ids, acquired_on__lte=record_date),
        "holding_id",
        "units_remaining",
    )
    sold_later = _sums(
        LotMovement.objects.filter(
            lot__holding_id__in=ids,
            lot__acquired_on__lte=record_date,
            kind=MovementKind.SALE,
            order__trade_date__gt=record_date,
        ),
        "lot__holding_id",
        "units",
    )
    selling = _sums(
        Order.objects.filter(
            product_id=product_id,
            user_id__in={user for _, user in holdings},
            side=Side.SELL,
            status=OrderStatus.PENDING,
            trade_date__lte=record_date,
        ),
        "user_id",
        "units",
    )
    zero = Decimal(0)
    return {
        pk: max(
            (held.get(pk) or zero) + (sold_later.get(pk) or zero) - (selling.get(user) or zero),
            zero,
        )
        for pk, user in holdings
    }


def elections_at(*, holding_ids: list[int], day: dt.date) -> dict[int, str]:
    """Each holding's election in effect at the end of ``day`` (cash when it made none)."""
    chosen: dict[int, str] = {}
    for holding_id, election in (
        HoldingElection.objects.filter(holding_id__in=holding_ids, effective_on__lte=day)
        .order_by("holding_id", "-effective_on", "-id")
        .values_list("holding_id", "election")
    ):
        chosen.setdefault(holding_id, election)
    return {pk: chosen.get(pk, Election.CASH) for pk in holding_ids}


def distributions_pay(
    *, run_date: dt.date, batch_size: int = BATCH_SIZE, stats: Counter | None = None
) -> Counter:
    """Pay every approved distribution whose pay date is on or before ``run_date`` to its
    holders of record, by their election at the record date: cash into the cash account, or
    units at the ex-date NAV (rounded down) in a lot of their own whose cost is the amount
    reinvested (what the rounding left is paid in cash). Holdings in keyset batches, each batch
    one transaction under the end-of-day lock: the units of record, elections and NAV read in a
    few grouped queries, payments, lots, holdings and cash written in bulk. A holding already
    paid is skipped (and its payment row is unique), so a rerun, or a second worker, pays
    nothing twice. Reinvesting waits for the ex-date NAV; the distribution is marked paid once
    no holder of record is left."""
    stats = stats if stats is not None else Counter()
    due = list(
        Distribution.objects.filter(status=DistributionStatus.APPROVED, pay_date__lte=run_date)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for distribution_id in due:
        _pay_one(distribution_id, run_date=run_date, batch_size=batch_size, stats=stats)
    return stats


def unconfirmed_buyers(distribution: Distribution) -> set[int]:
    """Investors with a purchase of the fund traded on or before the record date and not yet
    confirmed: holders of record whose units are not known yet."""
    return set(
        Order.objects.filter(
            product_id=distribution.product_id,
            side=Side.BUY,
            status=OrderStatus.PENDING,
            trade_date__lte=distribution.record_date,
        ).values_list("user_id", flat=True)
    )


def _pay_one(distribution_id: int, *, run_date: dt.date, batch_size: int, stats: Counter):
    last_id, waiting, unconfirmed = 0, False, False
    while True:
        with transaction.atomic():
            exclusive()
            distribution = (
                Distribution.objects.select_for_update()
                .select_related("product")
                .get(pk=distribution_id)
            )
            if distribution.status != DistributionStatus.APPROVED:
                return
            buyers = unconfirmed_buyers(distribution)
            unconfirmed |= bool(buyers)
            holdings = list(
                Holding.objects.select_for_update()
                .filter(product_id=distribution.product_id, pk__gt=last_id)
                .exclude(distribution_payments__distribution_id=distribution_id)
                .order_by("pk")
                .values_list("pk", "user_id", "units", "reserved", "cost")[:batch_size]
            )
            if not holdings:
                break
            last_id = holdings[-1][0]
            holdings = [row for row in holdings if row[1] not in buyers]
            if holdings:
                waiting |= _pay_batch(distribution, holdings, run_date=run_date, stats=stats)
    if unconfirmed:
        stats["distribution_waiting_for_confirmation"] += 1
    if waiting:
        stats["distribution_waiting_for_nav"] += 1
    if waiting or unconfirmed:
        return
    with transaction.atomic():
        distribution = Distribution.objects.select_for_update().get(pk=distribution_id)
        if distribution.status == DistributionStatus.APPROVED:
            distribution.paid_on = run_date
            status_move(
                distribution, to_status=DistributionStatus.PAID, actor=None, reason=PAID_REASON
            )
            stats["distributions_paid"] += 1


def _pay_batch(distribution: Distribution, holdings, *, run_date: dt.date, stats: Counter) -> bool:
    """Pay one batch of holdings; True when reinvesting holders wait for the ex-date NAV."""
    pairs = [(pk, user) for pk, user, *_ in holdings]
    record = units_of_record(
        holdings=pairs, product_id=distribution.product_id, record_date=distribution.record_date
    )
    elections = elections_at(holding_ids=[pk for pk, _ in pairs], day=distribution.record_date)
    nav_row = NavPrice.objects.filter(
        product_id=distribution.product_id, date=distribution.ex_date
    ).first()
    nav = nav_row.nav if nav_row else None
    now = timezone.now()
    reinvesting = [
        pk for pk, _ in pairs if elections[pk] == Election.REINVEST and record[pk] > 0 and nav
    ]
    lot_ids = iter(next_ids(Lot, len(reinvesting)))
    payments: list[PaymentRow] = []
    lots: list[ReinvestLotRow] = []
    figures: list[HoldingFiguresRow] = []
    credits: list[Credit] = []
    notices = []
    # The notice texts, in each holder's language (one query for the batch's languages).
    texts = {
        "languages": languages_of(user for _pk, user in pairs),
        "title": PAID_TITLE,
        Election.CASH: PAID_CASH_BODY,
        Election.REINVEST: PAID_REINVEST_BODY,
        "reinvest_all": PAID_REINVEST_ALL_BODY,  # nothing left over for cash
    }
    waiting = False
    reference = f"distribution:{distribution.pk}"
    description = f"{distribution.product.name} distribution"
    for pk, user_id, units, reserved, cost in holdings:
        gross = round_amount_down(record[pk] * distribution.amount_per_unit)
        if gross <= 0:
            continue
        election = elections[pk]
        cash, reinvested, new_units, lot_id = gross, Decimal(0), Decimal(0), None
        if election == Election.REINVEST:
            if nav is None:
                waiting = True
                continue
            new_units = round_units(gross / nav)
            if new_units > 0:
                reinvested = round_amount(new_units * nav)
                cash = gross - reinvested
                lot_id = next(lot_ids)
                lots.append(
                    ReinvestLotRow(
                        id=lot_id,
                        holding_id=pk,
                        source=LotSource.REINVEST,
                        acquired_on=distribution.ex_date,
                        units=new_units,
                        units_remaining=new_units,
                        cost_remaining=reinvested,
                    )
                )
                figures.append(
                    HoldingFiguresRow(pk, units + new_units, reserved, cost + reinvested, now)
                )
        payments.append(
            PaymentRow(
                distribution_id=distribution.pk,
                holding_id=pk,
                election=election,
                units_of_record=record[pk],
                gross=gross,
                cash=cash,
                reinvested=reinvested,
                units=new_units,
                nav=nav if election == Election.REINVEST else None,
                lot_id=lot_id,
                paid_on=run_date,
                created_at=now,
            )
        )
        if cash > 0:
            credits.append(Credit(user_id, EntryKind.DISTRIBUTION, cash, reference, description))
        notices.append(_paid_notice(distribution, payments[-1], user_id, now, texts))
        stats["distribution_payments"] += 1
        stats["distribution_cash"] += cash
        stats["distribution_reinvested"] += reinvested
        stats["distribution_units"] += new_units
    bulk_insert(Lot, lots)
    bulk_insert(DistributionPayment, payments)
    bulk_update(Holding, figures)
    post_credits(credits)
    messages_post(rows=notices)  # unique per investor and distribution: a rerun adds none
    if lots and nav_row is not None and nav_row.priced_at is None:
        # The NAV has priced units now: from here on only a staff correction may change it.
        NavPrice.objects.filter(pk=nav_row.pk, priced_at__isnull=True).update(priced_at=now)
    return waiting


def _paid_notice(distribution: Distribution, payment: PaymentRow, user_id: int, now, texts: dict):
    """The investor's inbox notice of one payment (inbox only, no e-mail), in their language."""
    with translation.override(texts["languages"].get(user_id)):
        values = {
            "per_unit": format_cny(distribution.amount_per_unit, 4),
            "units": format_amount(payment.units_of_record),
            "record_date": distribution.record_date,
            "gross": format_cny(payment.gross),
        }
        if payment.election == Election.REINVEST:
            body = texts[Election.REINVEST if payment.cash else "reinvest_all"] % {
                **values,
                "new_units": format_amount(payment.units),
                "ex_date": distribution.ex_date,
                "nav": payment.nav,
                "cash": format_cny(payment.cash),
            }
        else:
            body = texts[Election.CASH] % values
        title = texts["title"] % {"product": distribution.product.name}
    return message_row(
        user_id=user_id,
        topic=Topic.DISTRIBUTION_PAID,
        subject_key=f"distribution:{distribution.pk}",
        title=title,
        body=body,
        link=f"/me/portfolio/{distribution.product.slug}/distributions/",
        email=False,
        now=now,
    )
