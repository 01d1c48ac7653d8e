"""The one way a distribution changes status: legal moves only (``DISTRIBUTION_TRANSITIONS``),
each with an event row."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from marketplace.cache import bump_catalogue_version

from ..models import (
    DISTRIBUTION_TRANSITIONS,
    Distribution,
    DistributionEvent,
    DistributionStatus,
)

ILLEGAL_MOVE = _("A distribution that is {from_status} cannot become {to_status}.")


def status_event(distribution: Distribution, *, actor, from_status: str, reason: str = ""):
    return DistributionEvent.objects.create(
        distribution=distribution,
        actor=actor,
        from_status=from_status,
        to_status=distribution.status,
        reason=str(reason)[:500],
    )


def status_move(distribution: Distribution, *, to_status: str, actor, reason: str) -> Distribution:
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
    status_event(distribution, actor=actor, from_status=from_status, reason=reason)
    if to_status in (DistributionStatus.APPROVED, DistributionStatus.PAID):
        bump_catalogue_version()  # the fund's public page lists its distributions
    return distribution
