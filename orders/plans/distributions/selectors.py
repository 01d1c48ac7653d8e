"""Reads of distributions: an institution's own (another's does not exist for it), the staff
review queue, a holding's election and the distributions it was paid."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from institutions.models import Institution

from ...models import Holding
from .models import (
    Distribution,
    DistributionPayment,
    DistributionStatus,
    Election,
    HoldingElection,
)


def distributions_for_institution(
    *, institution: Institution, product=None
) -> QuerySet[Distribution]:
    rows = Distribution.objects.filter(institution=institution).select_related(
        "product", "declared_by", "reviewed_by"
    )
    return rows.filter(product=product) if product is not None else rows


def distribution_for_institution(*, institution: Institution, pk: int) -> Distribution:
    """One of ``institution``'s distributions (``Distribution.DoesNotExist`` for another's)."""
    return distributions_for_institution(institution=institution).get(pk=pk)


def review_queue() -> QuerySet[Distribution]:
    return Distribution.objects.filter(status=DistributionStatus.PENDING_REVIEW).select_related(
        "product", "institution", "declared_by"
    )


def recently_reviewed(*, limit: int = 20) -> QuerySet[Distribution]:
    return (
        Distribution.objects.exclude(status=DistributionStatus.PENDING_REVIEW)
        .select_related("product", "institution", "reviewed_by")
        .order_by("-reviewed_at", "-id")[:limit]
    )


def distribution_for_review(*, pk: int) -> Distribution:
    return Distribution.objects.select_related(
        "product", "institution", "declared_by", "reviewed_by"
    ).get(pk=pk)


def current_election(*, holding: Holding) -> str:
    """The holding's election now (cash when it never chose)."""
    row = HoldingElection.objects.filter(holding=holding).order_by("-effective_on", "-id").first()
    return row.election if row else Election.CASH


def upcoming_for_holding(*, holding: Holding, today: dt.date | None = None):
    """The approved distributions of the holding's fund not paid yet, each with whether its
    record date has passed (the election then is fixed for it)."""
    today = today or timezone.localdate()
    rows = Distribution.objects.filter(
        product_id=holding.product_id, status=DistributionStatus.APPROVED
    ).order_by("record_date", "pk")
    return [(d, d.record_date < today) for d in rows]


def payments_of_holding(*, holding: Holding) -> QuerySet[DistributionPayment]:
    return DistributionPayment.objects.filter(holding=holding).select_related("distribution")


def received_by_holding(*, holding_ids) -> dict[int, Decimal]:
    """What each holding has received in distributions, cash and reinvested alike."""
    return dict(
        DistributionPayment.objects.filter(holding_id__in=list(holding_ids))
        .values("holding_id")
        .annotate(total=Sum("gross"))
        .values_list("holding_id", "total")
    )


def holding_of(*, user, product_slug: str) -> Holding:
    """The investor's holding of a fund (``Holding.DoesNotExist`` for anyone else's)."""
    return Holding.objects.select_related("product", "product__institution").get(
        user=user, product__slug=product_slug
    )


# The fund page shows at most this many distributions, newest first.
PUBLIC_HISTORY_LIMIT = 20


@dataclass(frozen=True)
class HistoryRow:
    distribution: Distribution
    paid: bool
    # How it is (or was) paid: the viewer's own payment or election where they hold the fund
    # ("" for a paid one their holding was not of record for), otherwise cash, the default.
    election: str
    own: bool

    @property
    def election_label(self) -> str:
        return str(Election(self.election).label) if self.election else ""


def public_distributions(*, product_id: int) -> list[Distribution]:
    """A fund's announced (approved) and paid distributions, newest ex-date first: the same
    for everyone (a move to or from those statuses moves the catalogue version)."""
    return list(
        Distribution.objects.filter(
            product_id=product_id,
            status__in=[DistributionStatus.APPROVED, DistributionStatus.PAID],
        ).order_by("-ex_date", "-pk")[:PUBLIC_HISTORY_LIMIT]
    )


def public_history(
    *, product_id: int, user=None, distributions: list[Distribution] | None = None
) -> list[HistoryRow]:
    """A fund's distributions as its page shows them: announced (approved) and paid, newest
    ex-date first; for an investor who holds the fund, how each was or will be paid to them.
    At most four queries, whatever the number of distributions; ``distributions``: the
    fund's ``public_distributions``, when the caller has them (one query fewer)."""
    if distributions is None:
        distributions = public_distributions(product_id=product_id)
    rows = distributions
    holding = None
    if rows and user is not None and user.is_authenticated:
        holding = Holding.objects.filter(user=user, product_id=product_id).first()
    paid_as: dict[int, str] = {}
    election = Election.CASH
    if holding is not None:
        election = current_election(holding=holding)
        paid_as = dict(
            DistributionPayment.objects.filter(
                holding=holding, distribution_id__in=[d.pk for d in rows]
            ).values_list("distribution_id", "election")
        )
    history = []
    for d in rows:
        paid = d.status == DistributionStatus.PAID
        if holding is None:
            how = Election.CASH
        elif paid:
            how = paid_as.get(d.pk, "")  # "": the holding was not of record then
        else:
            how = election
        history.append(HistoryRow(distribution=d, paid=paid, election=how, own=holding is not None))
    return history
