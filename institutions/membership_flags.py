"""What a signed-in user's memberships say, asked on every signed-in request: one cached read.

Three questions come up on every page a signed-in user opens: does their role need two-factor
authentication (an admin of an approved or suspended institution: ``middleware``), does the
header show the portal (a member of one: ``context_processors``), and is their look at a
product page a seller's (any membership: ``products.services.page_view_countable``). They are
answered together from one query of the user's memberships, kept in the shared cache per user
and on the user object for the rest of the request.

Every write that can change an answer drops the user's entry when it commits: a membership
saved or deleted (its user), an institution saved (its members: its status decides whether
their memberships count). The entry also expires on its own after ``TIMEOUT``, so even a write
that bypassed the model (a raw ``UPDATE``) is seen within minutes. While Redis is unreachable
the flags are read from the table on each request; dropping an entry then fails the write, on
purpose (a stale "not an admin" must not outlive the outage).
"""

from __future__ import annotations

from typing import NamedTuple

from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from redis.exceptions import RedisError

from .models import Institution, InstitutionStatus, Membership, Role

TIMEOUT = 300
_ATTRIBUTE = "_fm_membership_flags"
# Memberships of institutions in these statuses count (institutions.selectors.memberships_for_user).
COUNTED = (InstitutionStatus.APPROVED, InstitutionStatus.SUSPENDED)


class MembershipFlags(NamedTuple):
    member: bool  # any membership, whatever the institution's status
    portal: bool  # a membership of an approved or suspended institution
    admin: bool  # an admin of an approved or suspended institution


NONE = MembershipFlags(member=False, portal=False, admin=False)


def _key(user_id) -> str:
    return f"member-flags:{user_id}"


def _read(user_id) -> MembershipFlags:
    rows = Membership.objects.filter(user_id=user_id).values_list("role", "institution__status")
    member = portal = admin = False
    for role, status in rows:
        member = True
        if status in COUNTED:
            portal = True
            admin = admin or role == Role.ADMIN
    return MembershipFlags(member=member, portal=portal, admin=admin)


def membership_flags(user) -> MembershipFlags:
    """The user's flags: from the user object (later in the request), else the shared cache,
    else one query (then cached). An anonymous user has none."""
    if user is None or not user.is_authenticated:
        return NONE
    flags = getattr(user, _ATTRIBUTE, None)
    if flags is None:
        try:
            cached = cache.get(_key(user.pk))
        except (RedisError, OSError):  # Redis unreachable: ask the table, cache nothing
            cached, unreachable = None, True
        else:
            unreachable = False
        flags = MembershipFlags(*cached) if cached is not None else _read(user.pk)
        if cached is None and not unreachable:
            cache.set(_key(user.pk), tuple(flags), TIMEOUT)
        setattr(user, _ATTRIBUTE, flags)
    return flags


def forget(*user_ids) -> None:
    """Drop the users' cached flags now and again once the current transaction commits (a
    request in between may have cached what it read before the commit)."""
    keys = [_key(user_id) for user_id in user_ids]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def _membership_changed(sender, instance: Membership, **kwargs) -> None:
    forget(instance.user_id)
    # The same request may render a page after the write (the user object is often the
    # request's own): drop what it remembered too.
    if Membership.user.is_cached(instance) and getattr(instance.user, _ATTRIBUTE, None):
        delattr(instance.user, _ATTRIBUTE)


def _institution_changed(sender, instance: Institution, **kwargs) -> None:
    forget(*Membership.objects.filter(institution=instance).values_list("user_id", flat=True))


def _signed_in(sender, request, user, **kwargs) -> None:
    """Read (and cache) the flags at sign-in, so the first page costs what the next ones do."""
    membership_flags(user)


def connect() -> None:
    """Called once from ``InstitutionsConfig.ready``."""
    user_logged_in.connect(_signed_in, dispatch_uid="member_flags_sign_in")
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="member_flags_save")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="member_flags_del")
    post_save.connect(_institution_changed, sender=Institution, dispatch_uid="member_flags_inst")
