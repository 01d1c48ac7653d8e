"""Declaring a distribution and its review: an institution's editor declares one for a fund, staff
approve or reject it (another person than the one who declared it, a reason on rejection, an
event row for every move) or the institution withdraws it; and the investor's election of cash
or reinvest per holding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from institutions.models import Institution, Membership, Role
from marketplace.errors import field_error
from marketplace.money import decimal_places
from products.models import Product, ProductKind

from ....models import Holding
from ..models import (
    Distribution,
    DistributionStatus,
    Election,
    HoldingElection,
)
from .status import status_event, status_move

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
RECORD_DATE_PASSED = _(
    "Its record date ({record_date}) has passed: the institution must declare it again."
)
NOT_PENDING = _(
    "Only a declaration still waiting for review can be withdrawn; this one is %(status)s."
)
# Event reasons kept in English in the column; the history shows them translated.
DECLARED_REASON = gettext_noop("Declared.")
BAD_ELECTION = _("Choose cash or reinvest.")
NO_ELECTION_HERE = _("Only fund holdings (other than money-market funds) have an election.")


# --- declaration and review -------------------------------------------------------------------


def parse_amount_per_unit(value) -> Decimal:
    """The amount per unit from input: a finite number above zero with at most 4 decimals."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise field_error("amount_per_unit", AMOUNT_NOT_NUMBER, "not_a_number") from exc
    if not amount.is_finite():
        raise field_error("amount_per_unit", AMOUNT_NOT_NUMBER, "not_a_number")
    if amount <= 0:
        raise field_error("amount_per_unit", AMOUNT_NOT_POSITIVE, "amount_not_positive")
    if decimal_places(amount) > AMOUNT_PLACES:
        raise field_error("amount_per_unit", AMOUNT_TOO_PRECISE, "amount_too_precise")
    if amount > MAX_AMOUNT_PER_UNIT:
        raise field_error(
            "amount_per_unit",
            AMOUNT_TOO_LARGE.format(maximum=MAX_AMOUNT_PER_UNIT),
            "amount_too_large",
        )
    return amount.quantize(Decimal("0.0001"))


def check_dates(*, record_date: dt.date, ex_date: dt.date, pay_date: dt.date, today: dt.date):
    if record_date <= today:
        raise field_error(
            "record_date", RECORD_NOT_FUTURE.format(today=today), "record_date_not_future"
        )
    if ex_date < record_date:
        raise field_error("ex_date", EX_BEFORE_RECORD, "ex_before_record")
    if pay_date < ex_date:
        raise field_error("pay_date", PAY_BEFORE_EX, "pay_before_ex")


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
        raise field_error("product", NOT_A_FUND, "not_a_fund")
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
            status_event(distribution, actor=actor, from_status="", reason=DECLARED_REASON)
    except IntegrityError as exc:
        raise field_error("record_date", ALREADY_DECLARED, "already_declared") from exc
    return distribution


def _review(distribution: Distribution, *, actor, to_status: str, reason: str, today):
    if not getattr(actor, "is_staff", False):
        raise PermissionDenied(STAFF_ONLY)
    locked = Distribution.objects.select_for_update().get(pk=distribution.pk)
    if locked.declared_by_id == actor.pk:
        raise PermissionDenied(OWN_DECLARATION)
    if to_status == DistributionStatus.APPROVED and locked.record_date < today:
        raise field_error(
            "reason",
            RECORD_DATE_PASSED.format(record_date=locked.record_date),
            "record_date_passed",
        )
    locked.reviewed_by, locked.reviewed_at, locked.reason = actor, timezone.now(), reason[:500]
    return status_move(locked, to_status=to_status, actor=actor, reason=reason)


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
        raise field_error("reason", REASON_REQUIRED, "reason_required")
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
    return status_move(
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
        raise field_error("election", BAD_ELECTION, "invalid_election")
    product = holding.product
    if product.kind != ProductKind.FUND or product.is_money_market:
        raise field_error("election", NO_ELECTION_HERE, "no_election")
    today = today or timezone.localdate()
    with transaction.atomic():
        Holding.objects.select_for_update().filter(pk=holding.pk).first()
        current = holding.elections.order_by("-effective_on", "-id").first()
        if (current.election if current else Election.CASH) == election:
            return None
        return HoldingElection.objects.create(
            holding=holding, election=election, effective_on=today, actor=actor
        )
