"""A settlement statement's figures, in one typed tuple (DESIGN §4 "Commission and settlement").

Closing a month sums a product's flows into one ``StatementFigures`` per line and the lines into
the statement's; the pages, the CSV, the API and ``reconcile_statements`` read them back through
the same tuple, so the columns, their order and the net payable are written down once, here.

The platform collects the subscriptions for the institution; it pays redemption proceeds (and
insurance refunds, early withdrawals) and savings maturities (principal and interest) to the
investors for it, and its funds' distributions paid in cash; the institution owes the
commission and the coupon costs it bears. Fees (and distributions reinvested in new units) are
shown for reference: they are inside the subscription amounts and the proceeds already.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

ZERO = Decimal(0)


class StatementFigures(NamedTuple):
    """One statement line's figures, or a whole statement's (the sum of its lines)."""

    subscriptions: Decimal = ZERO
    redemptions: Decimal = ZERO
    maturities: Decimal = ZERO
    fees: Decimal = ZERO
    upfront: Decimal = ZERO
    trail: Decimal = ZERO
    corrections: Decimal = ZERO
    coupon_costs: Decimal = ZERO
    platform_coupons: Decimal = ZERO
    # Fund distributions paid to the investors: in cash (the platform paid it for the
    # institution, as it pays maturities) and reinvested in new units of the fund (no cash
    # moved through the platform; for reference).
    distributions: Decimal = ZERO
    reinvested: Decimal = ZERO

    @property
    def commission(self) -> Decimal:
        return self.upfront + self.trail + self.corrections

    @property
    def net(self) -> Decimal:
        """What the platform owes the institution (negative: what the institution owes).

        Coupon discounts the institution pays are shown (``coupon_costs``) but, like fees, are
        inside the subscriptions already: the investor paid the same amount and the fund kept
        less fee, so subtracting them again would charge the institution twice. Discounts the
        platform pays (``platform_coupons``) are owed by the platform: the institution kept
        less fee on the platform's behalf. Distributions paid in cash were paid by the platform
        for the institution, as maturities are; reinvested ones moved no cash."""
        return (
            self.subscriptions
            - self.redemptions
            - self.maturities
            - self.distributions
            - self.commission
            + self.platform_coupons
        )

    @property
    def payable_to_institution(self) -> Decimal:
        return max(self.net, ZERO)

    @property
    def payable_to_platform(self) -> Decimal:
        return max(-self.net, ZERO)

    def plus(self, other: StatementFigures) -> StatementFigures:
        return StatementFigures(*(a + b for a, b in zip(self, other, strict=True)))

    @classmethod
    def total(cls, figures: Iterable[StatementFigures]) -> StatementFigures:
        result = cls()
        for item in figures:
            result = result.plus(item)
        return result

    @classmethod
    def of_line(cls, line) -> StatementFigures:
        """A ``StatementLine``'s figures (its fields carry the tuple's names)."""
        return cls(*(getattr(line, name) for name in cls._fields))

    @classmethod
    def of_statement(cls, statement) -> StatementFigures:
        """A ``Statement``'s figures (its fields are named ``STATEMENT_FIELDS``)."""
        return cls(*(getattr(statement, STATEMENT_FIELDS[name]) for name in cls._fields))

    def line_values(self) -> dict[str, Decimal]:
        return self._asdict()

    def statement_values(self) -> dict[str, Decimal]:
        """The statement's stored fields: the figures and the net payable, one way."""
        values = {STATEMENT_FIELDS[name]: value for name, value in self._asdict().items()}
        values["payable_to_institution"] = self.payable_to_institution
        values["payable_to_platform"] = self.payable_to_platform
        return values


# The statement's own field for each figure (its API and CSV names, kept as they were).
STATEMENT_FIELDS: dict[str, str] = {
    "subscriptions": "gross_subscriptions",
    "redemptions": "gross_redemptions",
    "maturities": "gross_maturities",
    "fees": "fees_collected",
    "upfront": "upfront_commission",
    "trail": "trail_commission",
    "corrections": "corrections",
    "coupon_costs": "coupon_costs",
    "platform_coupons": "platform_coupons",
    "distributions": "distributions_paid",
    "reinvested": "distributions_reinvested",
}
PAYABLE_FIELDS = ("payable_to_institution", "payable_to_platform")

# The columns a statement's lines show, in order (the CSV header is their keys).
COLUMNS: list[tuple[str, str]] = [
    ("subscriptions", _("Subscriptions")),
    ("redemptions", _("Redemptions and refunds paid")),
    ("maturities", _("Maturities paid")),
    ("fees", _("Fees collected")),
    ("upfront", _("Upfront commission")),
    ("trail", _("Trail commission")),
    ("corrections", _("Corrections")),
    ("commission", _("Commission")),
    ("coupon_costs", _("Coupon discounts you bear")),
    ("platform_coupons", _("Coupon discounts the platform owes")),
    ("distributions", _("Distributions paid in cash")),
    ("reinvested", _("Distributions reinvested")),
]
