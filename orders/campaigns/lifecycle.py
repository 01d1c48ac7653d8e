"""A campaign's status machine: the one function that moves it (and records who, when, why)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import CAMPAIGN_TRANSITIONS, Campaign, CampaignEvent, CampaignStatus

ILLEGAL_MOVE = _("A %(current)s campaign cannot be %(wanted)s.")
VERBS = {
    CampaignStatus.LAUNCHED: _("launched"),
    CampaignStatus.SENDING: _("sent"),
    CampaignStatus.SENT: _("marked sent"),
    CampaignStatus.PAUSED: _("paused"),
    CampaignStatus.CANCELLED: _("cancelled"),
}


def campaign_transition(*, campaign: Campaign, to: str, actor, reason: str = "") -> Campaign:
    """Move ``campaign`` (locked by the caller) to ``to``, or raise; records the event."""
    if to not in CAMPAIGN_TRANSITIONS[campaign.status]:
        raise ValidationError(
            ILLEGAL_MOVE % {"current": campaign.get_status_display().lower(), "wanted": VERBS[to]},
            code="illegal_transition",
        )
    CampaignEvent.objects.create(
        campaign=campaign,
        actor=actor,
        from_status=campaign.status,
        to_status=to,
        reason=reason[:300],
    )
    campaign.status = to
    campaign.updated_at = timezone.now()
    campaign.save(update_fields=["status", "updated_at"])
    return campaign
