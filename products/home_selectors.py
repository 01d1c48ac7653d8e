"""The investor's home (``/me/``) at scale: what is the same for everyone with the same answers
comes from memory, only the investor's own rows are read on each request.

- The recommended products for a set of answers (suitable risk levels, goal, horizon) are the
  same for every investor giving them, under one catalogue version and business day (the
  default order's rotation): the list, a few more than shown, and its cards' shared HTML are
  kept with the catalogue's other parts (``fragments``), by version. The investor's held
  products are dropped from it on each request, from their own rows; when that leaves fewer
  than the page shows, the exact query runs instead, so the page is always what
  ``selectors.recommendations_for`` says.
- The investment horizon (three queries over the latest assessment and its questionnaire) is
  kept in this process per investor and profile stamp: every assessment moves the profile's
  ``updated_at`` (``profiles.services``), so a new one is read at once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connections, router

from marketplace.cache import shared_key
from profiles.identity.models import Identity
from profiles.models import InvestorProfile
from profiles.selectors import investment_horizon
from profiles.services import profile_for

from . import fragments, selectors
from .fragments import CardParts
from .models import Product

SHOWN = 12  # recommendations on the page
SPARE = 24  # kept beyond them, to stand in for those the investor holds
MAX_HORIZONS = 20_000  # investors' horizons kept per process; all dropped past it
_horizons: dict[tuple, str | None] = {}
_HELD_SQL = 'SELECT DISTINCT product_id FROM "{table}" WHERE user_id = %s AND units > 0'


@dataclass(frozen=True)
class HomeRows:
    profile: InvestorProfile
    identity: Identity | None  # its status and document only (what the home shows)


# What the home shows of the identity: the rest of the row (the encrypted number, the date of
# birth) is neither read nor decrypted.
_IDENTITY_SHOWN = ("id", "status", "document_type", "document_last4", "failure_reason")


@functools.cache
def _rows_sql() -> str:
    profile, identity = InvestorProfile._meta.db_table, Identity._meta.db_table
    shown = ", ".join(f'i."{name}" AS "identity_{name}"' for name in _IDENTITY_SHOWN)
    return (
        f'SELECT p.*, {shown} FROM "{profile}" p '  # noqa: S608 (the models' own names)
        f'LEFT JOIN "{identity}" i ON i.user_id = p.user_id WHERE p.user_id = %s'
    )


def home_rows(*, user) -> HomeRows:
    """The investor's profile and what the home shows of their identity (any status), in one
    query written out once (the ORM's join of the three rows cost more CPU than the rest of
    the page)."""
    profile = next(iter(InvestorProfile.objects.raw(_rows_sql(), [user.pk])), None)
    if profile is None:  # their first visit: the profile is made, then read as always
        profile_for(user=user)
        profile = next(iter(InvestorProfile.objects.raw(_rows_sql(), [user.pk])))
    identity = None
    if profile.identity_id is not None:
        identity = Identity(
            user_id=user.pk,
            **{name: getattr(profile, f"identity_{name}") for name in _IDENTITY_SHOWN},
        )
        identity._state.adding, identity._state.db = False, profile._state.db
    return HomeRows(profile=profile, identity=identity)


def horizon_of(*, user, profile: InvestorProfile) -> str | None:
    """``investment_horizon(user=user)``, kept per investor and profile stamp."""
    key = (user.pk, profile.updated_at, profile.risk_level, profile.assessment_valid_until)
    if key in _horizons:
        return _horizons[key]
    if len(_horizons) >= MAX_HORIZONS:
        _horizons.clear()
    horizon = _horizons[key] = investment_horizon(user=user)
    return horizon


@dataclass(frozen=True)
class Recommended:
    version: int
    products: list[Product]
    cards: dict[int, CardParts]


def _held_ids(*, user) -> set[int]:
    """The ids of the products ``user`` holds units of (``holdings``: the reverse name of
    orders.Holding.product; the orders app is never imported here)."""
    holding = Product._meta.get_field("holdings").related_model
    # Plain SQL on the alias the ORM would read the holdings from: the page's one list of
    # the investor's own rows, at a fifth of the ORM's cost in CPU.
    with connections[router.db_for_read(holding)].cursor() as cursor:
        cursor.execute(_HELD_SQL.format(table=holding._meta.db_table), [user.pk])
        return {row[0] for row in cursor.fetchall()}


@functools.cache
def _levels(risk_level: int | None, assessment_valid: bool) -> tuple[int, ...]:
    """``selectors.suitable_risk_levels`` (a pure rule: the same answer for the same level)."""
    return tuple(
        selectors.suitable_risk_levels(risk_level=risk_level, assessment_valid=assessment_valid)
    )


def recommended_for(*, user, profile: InvestorProfile, assessment_valid: bool) -> Recommended:
    """The products ``selectors.recommendations_for`` recommends to ``user`` (held ones left
    out), with their cards' shared HTML, as of the version returned."""
    levels = _levels(profile.risk_level, assessment_valid)
    if not levels:
        version, _ = fragments.parts_get(())
        return Recommended(version=version, products=[], cards={})
    goal = profile.investment_goal
    horizon = horizon_of(user=user, profile=profile)

    def recommendations(**kwargs) -> list[Product]:
        return list(
            selectors.recommendations_for(
                risk_level=profile.risk_level,
                assessment_valid=assessment_valid,
                goal=goal,
                horizon=horizon,
                **kwargs,
            )
        )

    key = shared_key("home-recommended", levels, goal, horizon, SHOWN, SPARE)
    version, found = fragments.parts_get([key])
    cached = found.get(key)
    if cached is None:
        # Read after the version: nothing is stored under a version newer than its rows.
        candidates = recommendations(limit=SHOWN + SPARE)
        parts = fragments.card_parts(products=candidates, version=version)
        fragments.parts_set(version, {key: (candidates, parts)})
    else:
        candidates, parts = cached
    held = _held_ids(user=user)
    products = [p for p in candidates if p.pk not in held][:SHOWN]
    if len(products) < SHOWN and len(candidates) == SHOWN + SPARE:
        # They hold more of the best fits than are kept: the exact query (rare).
        products = recommendations(held_by=user, limit=SHOWN)
        parts = fragments.card_parts(products=products, version=version)
    # The kept parts are shared by this process's requests: nothing writes to them.
    return Recommended(version=version, products=products, cards=parts)
