"""What waits for a staff decision: one count per review queue under /staff/, each the queue
page's own selector."""

from __future__ import annotations

from dataclasses import dataclass

from institutions.models import Institution, InstitutionStatus
from products.report_selectors import reports_waiting_review
from products.selectors import review_queue as product_review_queue
from profiles.identity.selectors import identities_in_review

from ..aftersales.selectors import requests_for_staff
from ..plans.distributions.selectors import review_queue as distribution_review_queue
from ..selectors import nav_corrections_pending, payouts_stuck


@dataclass(frozen=True)
class Queues:
    """What waits for a staff decision, one count per queue under /staff/."""

    applications: int
    products: int
    revisions: int
    reports: int  # funds' periodic reports
    identities: int
    nav_corrections: int
    distributions: int
    requests: int  # late or escalated questions and complaints
    payouts: int

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in self.__dataclass_fields__)


def review_queues() -> Queues:
    """One count query per queue: each is the queue page's own selector, so the number on the
    overview is the number of rows its page lists."""
    products = product_review_queue()
    return Queues(
        applications=Institution.objects.filter(status=InstitutionStatus.APPLIED).count(),
        products=products["products"].count(),
        revisions=products["revisions"].count(),
        reports=reports_waiting_review().count(),
        identities=identities_in_review().count(),
        nav_corrections=nav_corrections_pending().count(),
        distributions=distribution_review_queue().count(),
        requests=requests_for_staff().count(),
        payouts=payouts_stuck().count(),
    )
