"""The suitability rule (DESIGN §4): one pure function used by the product page, the web
checkout, the API and the recommendation selector alike."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class Outcome(StrEnum):
    ALLOWED = "allowed"
    NEEDS_ACKNOWLEDGEMENT = "needs_acknowledgement"
    REFUSED = "refused"


# The warning an investor acknowledges when buying above their level. Change the text → bump
# the version: orders record which version was acknowledged.
WARNING_VERSION = "mismatch-2026-1"
WARNING_TEXT = _(
    "This product's risk level (%(product)s) is above your risk level (%(investor)s). You could "
    "lose more than you told us you can accept. Buy it only if you understand and accept this "
    "risk."
)
REFUSED_NO_ASSESSMENT = _(
    "You need a valid risk assessment before you can buy: take the questionnaire."
)
REFUSED_EXPIRED = _(
    "Your risk assessment has expired: take the questionnaire again before you buy."
)
REFUSED_C1 = _(
    "Your risk level is C1 (conservative): you can buy R1 products only, and this one is "
    "%(product)s."
)
MISMATCH_REASON = _("Risk level %(investor)s is below the product's %(product)s.")


class Reason(StrEnum):
    """Why a purchase is refused or needs an acknowledgement: branch on this, not on the text
    (the text is in the investor's language)."""

    NO_ASSESSMENT = "no_assessment"
    EXPIRED = "assessment_expired"
    C1_ABOVE_R1 = "c1_above_r1"
    MISMATCH = "risk_mismatch"


@dataclass(frozen=True)
class Suitability:
    outcome: Outcome
    reason: str = ""
    code: str = ""
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

    @property
    def needs_assessment(self) -> bool:
        """Refused for want of a valid risk assessment (the cure is the questionnaire)."""
        return self.code in (Reason.NO_ASSESSMENT, Reason.EXPIRED)

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
        return Suitability(
            Outcome.REFUSED, reason=str(REFUSED_NO_ASSESSMENT), code=Reason.NO_ASSESSMENT
        )
    if not assessment_valid:
        return Suitability(Outcome.REFUSED, reason=str(REFUSED_EXPIRED), code=Reason.EXPIRED)
    if product_risk <= investor_level:
        return Suitability(Outcome.ALLOWED)
    investor = f"C{investor_level}"
    if investor_level == 1:
        return Suitability(
            Outcome.REFUSED,
            reason=REFUSED_C1 % {"product": product},
            code=Reason.C1_ABOVE_R1,
        )
    return Suitability(
        Outcome.NEEDS_ACKNOWLEDGEMENT,
        reason=MISMATCH_REASON % {"investor": investor, "product": product},
        code=Reason.MISMATCH,
        warning_text=WARNING_TEXT % {"product": product, "investor": investor},
        warning_version=WARNING_VERSION,
    )
