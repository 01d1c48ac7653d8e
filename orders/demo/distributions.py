"""The demo's fund distributions: one declared, approved and paid in cash in the past, in date order
among the demo purchases, and one declared today that is still to come."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from institutions.demo import STAFF_EMAIL
from products.demo.generators import last_trading_day

from ..calendar import next_trading_day
from ..plans.distributions.models import Distribution
from ..plans.distributions.services.declaration import distribution_approve, distribution_declare
from ..plans.distributions.services.payment import distributions_pay
from .clock import at, demo_clock
from .lookups import fund_editor, published_product

# (fund code, amount per unit, days ago it was declared): investor@ holds the bond fund and was
# paid this one in cash; investor2@ holds the index fund, whose next one (declared today) has its
# record date about two weeks ahead.
PAID_DISTRIBUTION = ("202101", "0.0120", 50)
UPCOMING_DISTRIBUTION = ("519300", "0.0300", 14)


class PaidDistribution:
    """The demo's paid distribution (once): declared by the fund's editor, approved by staff the
    next trading day, paid in cash by its pay date's run, each step at the moment it stands for
    and in date order among the demo purchases."""

    def __init__(self, today: dt.date, *, enabled: bool):
        code, self.amount, days_ago = PAID_DISTRIBUTION
        self.fund = published_product(code)
        self.editor = fund_editor(self.fund) if self.fund else None
        declared = last_trading_day(today - dt.timedelta(days=days_ago))
        self.record = next_trading_day(next_trading_day(declared))
        self.ex = next_trading_day(self.record)
        self.pay = next_trading_day(self.ex)
        self.steps = [
            (declared, self._declare),
            (next_trading_day(declared), self._approve),
            (self.pay, self._pay),
        ]
        if (
            not enabled
            or self.editor is None
            or self.pay >= today
            or Distribution.objects.filter(product=self.fund).exists()
        ):
            self.steps = []
        self.distribution: Distribution | None = None

    def run_until(self, day: dt.date) -> None:
        """Run the steps dated before ``day``."""
        while self.steps and self.steps[0][0] < day:
            when, step = self.steps.pop(0)
            step(when)

    def _declare(self, day: dt.date) -> None:
        with demo_clock(at(day, 11)):
            self.distribution = distribution_declare(
                institution=self.fund.institution,
                product=self.fund,
                actor=self.editor,
                amount_per_unit=self.amount,
                record_date=self.record,
                ex_date=self.ex,
                pay_date=self.pay,
            )

    def _approve(self, day: dt.date) -> None:
        staff = get_user_model().objects.get(email=STAFF_EMAIL)
        with demo_clock(at(day, 9, 30)):
            distribution_approve(
                distribution=self.distribution, actor=staff, reason="Board resolution checked."
            )

    def _pay(self, day: dt.date) -> None:
        with demo_clock(at(day, 22, 30)):
            distributions_pay(run_date=day)


def declare_upcoming_distribution(today: dt.date) -> None:
    """Once: the next distribution of investor2@'s index fund, declared and approved today, its
    record date about two weeks ahead (investor2@ can still change the election for it)."""
    code, amount, days_ahead = UPCOMING_DISTRIBUTION
    fund = published_product(code)
    editor = fund_editor(fund) if fund else None
    if editor is None or Distribution.objects.filter(product=fund).exists():
        return
    record = next_trading_day(today + dt.timedelta(days=days_ahead - 1))
    ex = next_trading_day(record)
    distribution = distribution_declare(
        institution=fund.institution,
        product=fund,
        actor=editor,
        amount_per_unit=amount,
        record_date=record,
        ex_date=ex,
        pay_date=next_trading_day(ex),
    )
    staff = get_user_model().objects.get(email=STAFF_EMAIL)
    distribution_approve(distribution=distribution, actor=staff, reason="Board resolution checked.")
