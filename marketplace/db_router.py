"""Catalogue and portfolio reads from a read replica (``DATABASE_REPLICA_URL``), everything else
from the primary (issue 16).

Replica reads are opt-in, per request: only a safe request (GET, HEAD, OPTIONS) that did not
just follow a write may use the replica, and only for

- the catalogue's models (``CATALOGUE_MODELS``: products, their terms, fees, NAV series,
  documents, articles, curated lists, fund reports, and institutions), routed here by model;
- the portfolio's selectors, which ask ``read_alias()`` for their alias explicitly (holdings and
  lots, money in transit, the valuation history), since orders' models are never routed.

Everything else reads from the primary: every write; every read inside ``transaction.atomic``
(the services that place orders, check suitability and move cash all run in one); every read of
a request that is not safe (a POST places an order, its reads decide money); every read after a
write in the same request (read-your-writes), and every read of a request made within
``DATABASE_REPLICA_PIN_SECONDS`` of a write by the same browser (the ``fm_primary`` cookie:
after the POST, the redirected GET sees what it wrote); Celery tasks, management commands and the
shell (no request: nothing opted in); the cash ledger and balances, orders, profiles,
memberships and sessions, always.

Without ``DATABASE_REPLICA_URL`` there is no ``replica`` alias, ``DATABASE_REPLICA_READS`` is
off, the router answers nothing (Django's default routing) and ``read_alias()`` is ``default``.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
PIN_COOKIE = "fm_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

CATALOGUE_MODELS = frozenset(
    {
        "products.product",
        "products.fundterms",
        "products.insuranceterms",
        "products.savingsterms",
        "products.feetier",
        "products.navprice",
        "products.dailyyield",
        "products.productdocument",
        "products.article",
        "products.curatedlist",
        "products.curatedlistitem",
        "products.fundreport",
        "products.fundreportmanager",
        "products.fundreportholding",
        "products.fundreportallocation",
        "institutions.institution",
    }
)


@dataclass
class _Reads:
    """What the current request may read from the replica; a write turns it off for good."""

    replica: bool
    wrote: bool = False


_reads: ContextVar[_Reads | None] = ContextVar("fm_replica_reads", default=None)


def replica_enabled() -> bool:
    return bool(getattr(settings, "DATABASE_REPLICA_READS", False)) and (
        REPLICA in settings.DATABASES
    )


def replica_allowed() -> bool:
    """May a read made now go to the replica?"""
    state = _reads.get()
    return (
        state is not None
        and state.replica
        and replica_enabled()
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    )


def read_alias() -> str:
    """The alias for a portfolio read made now: ``replica`` when allowed, else ``default``."""
    return REPLICA if replica_allowed() else DEFAULT_DB_ALIAS


def pin_to_primary() -> None:
    """Every later read of this request goes to the primary (called on any write)."""
    state = _reads.get()
    if state is not None:
        state.replica = False
        state.wrote = True


@contextmanager
def replica_reads(allowed: bool = True):
    """Run the block as a request that may (or may not) read from the replica."""
    token = _reads.set(_Reads(replica=allowed))
    try:
        yield _reads.get()
    finally:
        _reads.reset(token)


@contextmanager
def primary_reads():
    """Every read inside goes to the primary, whatever the request (a decorator too): the
    entry points of decisions about money wear it, so no caller can make them on the replica.
    After it, the request may use the replica again unless something inside wrote."""
    state = _reads.get()
    before = state.replica if state is not None else False
    if state is not None:
        state.replica = False
    try:
        yield
    finally:
        if state is not None and not state.wrote:
            state.replica = before


class ReplicaRouter:
    """Catalogue models' reads to the replica when ``replica_allowed()``; all writes, and every
    other read, to the primary. A no-op without the replica."""

    def db_for_read(self, model, **hints):
        if not replica_enabled():
            return None
        if not replica_allowed():
            return DEFAULT_DB_ALIAS  # also an instance the replica gave, read after a write
        if model._meta.label_lower in CATALOGUE_MODELS:
            return REPLICA
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # a portfolio row's related rows come from its alias
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        if not replica_enabled():
            return None
        pin_to_primary()
        return DEFAULT_DB_ALIAS  # never the replica, even for an instance it gave

    def allow_relation(self, obj1, obj2, **hints):
        if not replica_enabled():
            return None
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == REPLICA:
            return False  # the replica follows the primary's schema by replication
        return None


class ReplicaReadsMiddleware:
    """Opts a safe request into replica reads unless it carries the pin cookie, and pins the
    browser to the primary for ``DATABASE_REPLICA_PIN_SECONDS`` after a request that wrote or was
    not safe. Does nothing without the replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_enabled():
            return self.get_response(request)
        allowed = request.method in SAFE_METHODS and PIN_COOKIE not in request.COOKIES
        with replica_reads(allowed) as state:
            response = self.get_response(request)
        if request.method not in SAFE_METHODS or state.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
