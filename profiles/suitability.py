"""The suitability rule (DESIGN §4): one pure function used by the product page, the web
checkout, the API and the recommendation selector alike."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    ALLOWED = "allowed"
    NEEDS_ACKNOWLEDGEMENT = "needs_acknowledgement"
    REFUSED = "refused"


# The warning an investor acknowledges when buying above their level. Change the text → bump
# the version: orders record which version was acknowledged.
WARNING_VERSION = "mismatch-2026-1"
WARNING_TEXT = (
    "This product's risk level ({product}) is above your risk level ({investor}). You could lose "
    "more than you told us you can accept. Buy it only if you understand and accept this risk."
)
REFUSED_NO_ASSESSMENT = (
    "You need a valid risk assessment before you can buy: take the questionnaire."
)
REFUSED_EXPIRED = "Your risk assessment has expired: take the questionnaire again before you buy."
REFUSED_C1 = (
    "Your risk level is C1 (conservative): you can buy R1 products only, and this one is {product}."
)


@dataclass(frozen=True)
class Suitability:
    outcome: Outcome
    reason: str = ""
    warning_text: str = ""
    warning_version: str = ""

    @property
    def allowed(self) -> bool:
        return self.outcome == Outcome.ALLOWED

    @property
    def needs_acknowledgement(self) -> bool:
        return self.outcome == Outcome.NEEDS_ACKNOWLEDGEMENT

    @property
    def refused(self) -> bool:
        return self.outcome == Outcome.REFUSED

    def institution_reason(self) -> str:
        """Why a customer could not buy, as an institution may be told (never the answers)."""
        return self.reason


def suitability_check(
    *, investor_level: int | None, assessment_valid: bool, product_risk: int
) -> Suitability:
    """Cm suits Rn when n ≤ m; above it needs an acknowledgement; C1 above R1 and anyone
    without a valid assessment are refused."""
    product = f"R{product_risk}"
    if investor_level is None:
        return Suitability(Outcome.REFUSED, reason=REFUSED_NO_ASSESSMENT)
    if not assessment_valid:
        return Suitability(Outcome.REFUSED, reason=REFUSED_EXPIRED)
    if product_risk <= investor_level:
        return Suitability(Outcome.ALLOWED)
    investor = f"C{investor_level}"
    if investor_level == 1:
        return Suitability(Outcome.REFUSED, reason=REFUSED_C1.format(product=product))
    return Suitability(
        Outcome.NEEDS_ACKNOWLEDGEMENT,
        reason=f"Risk level {investor} is below the product's {product}.",
        warning_text=WARNING_TEXT.format(product=product, investor=investor),
        warning_version=WARNING_VERSION,
    )
