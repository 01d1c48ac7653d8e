"""Distributions: an institution declares one for a fund, staff approve or reject it (another
person than the one who declared it, a reason on rejection, an event row for every move), an
investor elects cash or reinvest per holding, and end of day on the pay date pays every holder
of record (``distributions_pay``).

Holders of record. The code keeps no per-day unit history, so the units a holding held at the
end of the record date R are rebuilt from its lots: the units still in lots acquired (trade
date) on or before R, plus the units sold out of those lots by sells whose trade date is after
R (they were still held at the end of R), less the units of sells still pending with a trade
date on or before R (they leave the holding at R's NAV). A purchase traded on R counts (its
units are confirmed at NAV(R)); a sale traded on R does not (that day's redemptions give up
the distribution), as fund registrars do. A purchase with trade date ≤ R still unconfirmed on
the pay date (its NAV late) makes its buyer a holder of record all the same: the buyer's holding
is left out of the run until the purchase is confirmed, and the distribution stays approved
(not paid) meanwhile, so a later end of day pays the buyer on all their units of record, once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from institutions.models import Institution, Membership, Role
from marketplace.bulk import bulk_insert, bulk_update, next_ids
from marketplace.cache import bump_catalogue_version
from marketplace.money import (
    decimal_places,
    format_amount,
    format_cny,
    round_amount,
    round_amount_down,
    round_units,
)
from products.models import NavPrice, Product, ProductKind

from ...campaigns.inbox import languages_of, message_row, messages_post
from ...campaigns.models import Topic
from ...models import (
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
from ...rows import HoldingFiguresRow
from ...services.batches import BATCH_SIZE, exclusive
from ...services.cash import Credit, post_credits
from .models import (
    DISTRIBUTION_TRANSITIONS,
    Distribution,
    DistributionEvent,
    DistributionPayment,
    DistributionStatus,
    Election,
    HoldingElection,
)

MAX_AMOUNT_PER_UNIT = Decimal("10000")
AMOUNT_PLACES = 4

# Error messages (tests import the codes; the messages are translatable).
NOT_A_FUND = _("Distributions are declared for funds (money-market funds pay daily income).")
NOT_YOURS = _("This fund is not one of your institution's.")
NOT_EDITOR = _("Only an editor or admin of the institution declares or withdraws distributions.")
AMOUNT_NOT_NUMBER = _("Enter the amount per unit in CNY, e.g. 0.0500.")
AMOUNT_NOT_POSITIVE = _("The amount per unit must be more than zero.")
AMOUNT_TOO_PRECISE = _("The amount per unit has at most 4 decimal places.")
AMOUNT_TOO_LARGE = _("The amount per unit can be at most {maximum}.")
RECORD_NOT_FUTURE = _(
    "The record date must be after today ({today}): a declaration cannot change the past."
)
EX_BEFORE_RECORD = _("The ex-date must be on or after the record date.")
PAY_BEFORE_EX = _("The pay date must be on or after the ex-date.")
ALREADY_DECLARED = _("This fund already has a distribution with this record date.")
STAFF_ONLY = _("Only platform staff review distributions.")
OWN_DECLARATION = _("Another staff member must review a distribution you declared.")
REASON_REQUIRED = _("Give a reason; the institution will read it.")
ILLEGAL_MOVE = _("A distribution that is {from_status} cannot become {to_status}.")
RECORD_DATE_PASSED = _(
    "Its record date ({record_date}) has passed: the institution must declare it again."
)
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
REPRICED_TITLE = _("%(product)s: reinvested distribution re-priced")
REPRICED_BODY = _(
    "The NAV of %(date)s was corrected from %(old)s to %(new)s: the %(amount)s of your "
    "distribution reinvested at it bought %(units)s units instead of %(old_units)s."
)
REPRICED_SHORT = _(
    " %(short)s of those units were already sold, so %(owed)s is taken from your cash instead."
)
NOT_PENDING = _(
    "Only a declaration still waiting for review can be withdrawn; this one is %(status)s."
)
# Event reasons kept in English in the column; the history shows them translated.
DECLARED_REASON = gettext_noop("Declared.")
PAID_REASON = gettext_noop("Paid.")
BAD_ELECTION = _("Choose cash or reinvest.")
NO_ELECTION_HERE = _("Only fund holdings (other than money-market funds) have an election.")


def _error(field: str, message, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


# --- declaration and review -------------------------------------------------------------------


def parse_amount_per_unit(value) -> Decimal:
    """The amount per unit from input: a finite number above zero with at most 4 decimals."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise _error("amount_per_unit", AMOUNT_NOT_NUMBER, "not_a_number") from exc
    if not amount.is_finite():
        raise _error("amount_per_unit", AMOUNT_NOT_NUMBER, "not_a_number")
    if amount <= 0:
        raise _error("amount_per_unit", AMOUNT_NOT_POSITIVE, "amount_not_positive")
    if decimal_places(amount) > AMOUNT_PLACES:
        raise _error("amount_per_unit", AMOUNT_TOO_PRECISE, "amount_too_precise")
    if amount > MAX_AMOUNT_PER_UNIT:
        raise _error(
            "amount_per_unit",
            AMOUNT_TOO_LARGE.format(maximum=MAX_AMOUNT_PER_UNIT),
            "amount_too_large",
        )
    return amount.quantize(Decimal("0.0001"))


def check_dates(*, record_date: dt.date, ex_date: dt.date, pay_date: dt.date, today: dt.date):
    if record_date <= today:
        raise _error("record_date", RECORD_NOT_FUTURE.format(today=today), "record_date_not_future")
    if ex_date < record_date:
        raise _error("ex_date", EX_BEFORE_RECORD, "ex_before_record")
    if pay_date < ex_date:
        raise _error("pay_date", PAY_BEFORE_EX, "pay_before_ex")


def _event(distribution: Distribution, *, actor, from_status: str, reason: str = ""):
    return DistributionEvent.objects.create(
        distribution=distribution,
        actor=actor,
        from_status=from_status,
        to_status=distribution.status,
        reason=str(reason)[:500],
    )


def distribution_declare(
    *,
    institution: Institution,
    product: Product,
    actor,
    amount_per_unit,
    record_date: dt.date,
    ex_date: dt.date,
    pay_date: dt.date,
    today: dt.date | None = None,
) -> Distribution:
    """Declare a distribution of ``product`` (one of ``institution``'s funds); it waits for
    staff review. Nothing is paid until it is approved."""
    today = today or timezone.localdate()
    if product.institution_id != institution.pk:
        raise PermissionDenied(NOT_YOURS)
    membership = Membership.objects.filter(institution=institution, user=actor).first()
    if membership is None or not membership.has_role(Role.EDITOR):
        raise PermissionDenied(NOT_EDITOR)
    if product.kind != ProductKind.FUND or product.is_money_market:
        raise _error("product", NOT_A_FUND, "not_a_fund")
    amount = parse_amount_per_unit(amount_per_unit)
    check_dates(record_date=record_date, ex_date=ex_date, pay_date=pay_date, today=today)
    distribution = Distribution(
        product=product,
        institution=institution,
        amount_per_unit=amount,
        record_date=record_date,
        ex_date=ex_date,
        pay_date=pay_date,
        declared_by=actor,
    )
    try:
        with transaction.atomic():
            distribution.save()
            _event(distribution, actor=actor, from_status="", reason=DECLARED_REASON)
    except IntegrityError as exc:
        raise _error("record_date", ALREADY_DECLARED, "already_declared") from exc
    return distribution


def _move(distribution: Distribution, *, to_status: str, actor, reason: str) -> Distribution:
    """The one way a distribution changes status: legal moves only, with an event row. Call
    inside a transaction holding the row's lock."""
    if to_status not in DISTRIBUTION_TRANSITIONS[distribution.status]:
        raise ValidationError(
            ILLEGAL_MOVE.format(
                from_status=distribution.get_status_display().lower(),
                to_status=DistributionStatus(to_status).label.lower(),
            ),
            code="illegal_distribution_move",
        )
    from_status = distribution.status
    distribution.status = to_status
    distribution.save(update_fields=["status", "reviewed_by", "reviewed_at", "reason", "paid_on"])
    _event(distribution, actor=actor, from_status=from_status, reason=reason)
    if to_status in (DistributionStatus.APPROVED, DistributionStatus.PAID):
        bump_catalogue_version()  # the fund's public page lists its distributions
    return distribution


def _review(distribution: Distribution, *, actor, to_status: str, reason: str, today):
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied(STAFF_ONLY)
    locked = Distribution.objects.select_for_update().get(pk=distribution.pk)
    if locked.declared_by_id == actor.pk:
        raise PermissionDenied(OWN_DECLARATION)
    if to_status == DistributionStatus.APPROVED and locked.record_date < today:
        raise _error(
            "reason",
            RECORD_DATE_PASSED.format(record_date=locked.record_date),
            "record_date_passed",
        )
    locked.reviewed_by, locked.reviewed_at, locked.reason = actor, timezone.now(), reason[:500]
    return _move(locked, to_status=to_status, actor=actor, reason=reason)


@transaction.atomic
def distribution_approve(
    *, distribution: Distribution, actor, reason: str = "", today: dt.date | None = None
) -> Distribution:
    """Pending review → approved (staff, not the declarer; its record date not passed)."""
    return _review(
        distribution,
        actor=actor,
        to_status=DistributionStatus.APPROVED,
        reason=(reason or "").strip() or "Approved.",
        today=today or timezone.localdate(),
    )


@transaction.atomic
def distribution_reject(
    *, distribution: Distribution, actor, reason: str, today: dt.date | None = None
) -> Distribution:
    """Pending review → rejected, with the reason the institution reads."""
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason", REASON_REQUIRED, "reason_required")
    return _review(
        distribution,
        actor=actor,
        to_status=DistributionStatus.REJECTED,
        reason=reason,
        today=today or timezone.localdate(),
    )


@transaction.atomic
def distribution_withdraw(
    *, distribution: Distribution, institution: Institution, actor, reason: str = ""
) -> Distribution:
    """Pending review → withdrawn: the institution takes back a declaration staff have not
    decided yet (an editor or admin of the fund's institution; with an event row). The record
    date is then free to be declared again."""
    locked = Distribution.objects.select_for_update().get(pk=distribution.pk)
    if locked.institution_id != institution.pk:
        raise PermissionDenied(NOT_YOURS)
    membership = Membership.objects.filter(institution=institution, user=actor).first()
    if membership is None or not membership.has_role(Role.EDITOR):
        raise PermissionDenied(NOT_EDITOR)
    if locked.status != DistributionStatus.PENDING_REVIEW:
        raise ValidationError(
            NOT_PENDING % {"status": str(locked.get_status_display()).lower()},
            code="distribution_not_pending",
        )
    locked.reason = (reason or "").strip()[:500]
    return _move(
        locked,
        to_status=DistributionStatus.WITHDRAWN,
        actor=actor,
        reason=locked.reason or "Withdrawn.",
    )


# --- elections --------------------------------------------------------------------------------


def election_set(
    *, holding: Holding, actor, election: str, today: dt.date | None = None
) -> HoldingElection | None:
    """Elect cash or reinvest for ``holding`` from today on. A distribution uses the election
    in effect at the end of its record date, so a change after a record date applies from the
    next distribution. Returns the new election row (None: it was already the election)."""
    if election not in Election.values:
        raise _error("election", BAD_ELECTION, "invalid_election")
    product = holding.product
    if product.kind != ProductKind.FUND or product.is_money_market:
        raise _error("election", NO_ELECTION_HERE, "no_election")
    today = today or timezone.localdate()
    with transaction.atomic():
        Holding.objects.select_for_update().filter(pk=holding.pk).first()
        current = holding.elections.order_by("-effective_on", "-id").first()
        if (current.election if current else Election.CASH) == election:
            return None
        return HoldingElection.objects.create(
            holding=holding, election=election, effective_on=today, actor=actor
        )


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
            _move(distribution, to_status=DistributionStatus.PAID, actor=None, reason=PAID_REASON)
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


def reinvestments_follow_correction(*, correction, lines, now) -> None:
    """After a NAV correction re-priced the lots distributions reinvested at that NAV (trading
    re-prices the lots, keeping the money that bought them): each payment shows the units and
    NAV of its lot now, and its investor is told in the inbox. Cash and the amount reinvested
    do not change, so the statements and the ledger still agree."""
    by_lot = {line.lot_id: line for line in lines if line.lot_id}
    if not by_lot:
        return
    payments = list(
        DistributionPayment.objects.select_for_update()
        .filter(lot_id__in=by_lot)
        .select_related("distribution__product", "holding")
        .order_by("pk")
    )
    languages = languages_of(payment.holding.user_id for payment in payments)
    notices = []
    for payment in payments:
        line = by_lot[payment.lot_id]
        old_units = payment.units
        payment.units, payment.nav = line.new_units, correction.new_nav
        payment.save(update_fields=["units", "nav"])
        product = payment.distribution.product
        with translation.override(languages.get(payment.holding.user_id)):
            body = str(REPRICED_BODY) % {
                "date": correction.date,
                "old": correction.old_nav,
                "new": correction.new_nav,
                "amount": format_cny(payment.reinvested),
                "units": format_amount(line.new_units),
                "old_units": format_amount(old_units),
            }
            if line.cash_owed:
                body += str(REPRICED_SHORT) % {
                    "short": format_amount(old_units - line.new_units + line.units_moved),
                    "owed": format_cny(-line.cash_owed),
                }
            title = str(REPRICED_TITLE) % {"product": product.name}
        notices.append(
            message_row(
                user_id=payment.holding.user_id,
                topic=Topic.DISTRIBUTION_PAID,
                subject_key=f"navcorrection:{correction.pk}:distribution:{payment.distribution_id}",
                title=title,
                body=body,
                link=f"/me/portfolio/{product.slug}/distributions/",
                email=False,
                now=now,
            )
        )
    messages_post(rows=notices)


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
