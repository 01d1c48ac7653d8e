"""The demo investors' cash: a verified identity, a bound sandbox card and one top-up the morning
before their first demo purchase."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from stdnum.cn import ric

from profiles.identity.documents import document_hash
from profiles.identity.models import DocumentType, Identity, IdentityStatus
from profiles.identity.selectors import verified_identity
from profiles.selectors import profile_of

from .. import services
from ..cash import selectors as card_selectors
from ..cash.gateway import SANDBOX_CARDS
from ..cash.services import card_bind
from ..models import Payment
from .clock import at, buy_day, demo_clock
from .portfolios import DEMO_BUYS

DEMO_CASH = {
    "investor@fortune.example": "100000.00",
    "investor2@fortune.example": "500000.00",
    "senior@fortune.example": "50000.00",
}
# Where the demo logins' resident IDs were issued (Hangzhou, Shanghai), and their bound card:
# the sandbox's test card whose payments succeed.
DEMO_REGIONS = {"investor@fortune.example": "330106", "investor2@fortune.example": "310101"}
DEMO_CARD_NUMBER = SANDBOX_CARDS[0].number


def _demo_identity(user, *, region: str) -> None:
    """A verified resident identity for a demo login that has none yet (in its profile's name,
    born on 4 May of its birth year): cards are bound in a verified name only."""
    if verified_identity(user=user) is not None:
        return
    profile = profile_of(user=user)
    birth = dt.date(getattr(profile, "birth_year", None) or 1990, 5, 4)
    body = f"{region}{birth:%Y%m%d}{user.pk % 1000:03d}"
    number = body + ric.calc_check_digit(body + "0")
    now = timezone.now()
    Identity.objects.create(
        user=user,
        legal_name=getattr(profile, "full_name", "") or user.email,
        document_type=DocumentType.RESIDENT_ID,
        document_number=number,
        document_hash=document_hash(DocumentType.RESIDENT_ID, number),
        document_last4=number[-4:],
        date_of_birth=birth,
        nationality="CN",
        status=IdentityStatus.VERIFIED,
        provider="sandbox",
        submitted_at=now,
        verified_at=now,
    )


def demo_card(user):
    """The demo login's default bound sandbox card (charges succeed), bound once."""
    return card_selectors.default_card(user=user) or card_bind(
        user=user, card_number=DEMO_CARD_NUMBER
    )


def seed_cash(log, *, today: dt.date | None = None) -> int:
    """Bind each demo investor a sandbox card and top up their cash from it once, the morning
    before their first demo purchase."""
    today = today or timezone.localdate()
    users = get_user_model().objects.in_bulk(list(DEMO_CASH), field_name="email")
    first_buy = buy_day(today, max(days_ago for *_, days_ago in DEMO_BUYS))
    topped = 0
    for email, amount in DEMO_CASH.items():
        user = users.get(email)
        if user is None or Payment.objects.filter(user=user).exists():
            continue
        if not any(buyer == email for buyer, *_ in DEMO_BUYS):
            # No demo history (the senior login, verified today): bind and top up now.
            services.deposit_start(user=user, amount=amount, card=demo_card(user))
            topped += 1
            continue
        with demo_clock(at(first_buy - dt.timedelta(days=2), 9)):
            _demo_identity(user, region=DEMO_REGIONS.get(email, "110101"))
            card = demo_card(user)
        with demo_clock(at(first_buy - dt.timedelta(days=1), 9)):
            services.deposit_start(user=user, amount=amount, card=card)
        topped += 1
    return topped
