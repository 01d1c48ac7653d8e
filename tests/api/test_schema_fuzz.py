"""The API against a fuzzer: schemathesis generates requests from ``/api/schema/`` and checks the
answers, signed in as an investor, an institution editor and an institution admin.

It runs against pytest-django's ``live_server`` (a real HTTP server in a thread), not through
schemathesis' WSGI transport: each request then commits in its own transaction as in
production (on-commit work runs, a database error in one request cannot poison the next), the
full middleware stack and allauth's headless session tokens are exercised exactly as a real
client meets them, and the schema is fetched over HTTP as a generated client would fetch it.

Each principal signs in through allauth's headless app API (the admin also completes the TOTP
step), so the session token carries the authentication methods a real sign-in records and
keeps working when MFA is enforced on every API path.

Bounded in time: a few examples per operation and mode (``FUZZ_EXAMPLES``) and a wall-clock
budget per principal (``FUZZ_SECONDS``); operations with nothing to break are not fuzzed in
negative mode. Under CI (``CI`` set) generation is derandomized, so a run is reproducible.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
import warnings
from decimal import Decimal

import pytest
import requests
import schemathesis
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from institutions.models import Role
from orders import services as orders
from orders.models import EntryKind
from profiles.models import InvestorProfile
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    TRADE_PIN,
    InstitutionFactory,
    MembershipFactory,
    NavPriceFactory,
    ProductFactory,
    UserFactory,
    bound_card,
)

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    positive_data_acceptance,
]
# positive_data_acceptance asks that every request valid by the schema be accepted. A schema
# states shapes, not the server's state, so these operations are exempt from that one check
# (all the others still run on them):
NOT_ACCEPTANCE_CHECKED = {
    # ``product`` must name a product on sale, the amount lie within the investor's cash and
    # above the product's minimum, the units within the holding: state, not shape.
    # test_a_client_generated_from_the_schema_places_an_order covers the shape.
    "POST /api/v1/orders/",
    # ``answers`` must use the ids of the current questionnaire's questions and options,
    # which are data (GET /api/v1/me/questionnaire/), not part of the schema.
    "POST /api/v1/me/assessments/",
    # ``institution`` names an approved institution by slug; an unknown one is a clear 400
    # by design (a bad filter value is an error, never silence).
    "GET /api/v1/products/",
    # ``product`` must name one of the member's own institution's products (any other slug is
    # a clear 400, as on the portal page): the institution's data, not the schema's.
    "GET /api/v1/portal/orders/",
    # ``rows`` and ``cols`` must be two different dimensions: a relation between two
    # parameters, which OpenAPI cannot state.
    "GET /api/v1/portal/audience/",
    # Fee bands must start at 0, meet and end open-ended, the kind must be one the
    # institution may list, and texts pass the marketing rules: relations between fields and
    # with the institution that a JSON schema cannot state.
    "POST /api/v1/portal/products/",
    "PATCH /api/v1/portal/products/{slug}/",
    # Only a draft with complete terms can be submitted, once: state.
    "POST /api/v1/portal/products/{slug}/submit/",
    # A licence number applies once, an e-mail has one open invitation: a generator repeats
    # its simplest example, which then conflicts with the first (state, not shape).
    # test_a_client_generated_from_the_schema_applies_to_list covers the shape.
    "POST /api/v1/institutions/applications/",
    "POST /api/v1/portal/invitations/",
    # A draft needs a future ``send_at`` (scheduled) or one of the institution's products
    # (after_purchase), and 'at least' days no more than 'at most': the clock, the
    # institution's data and a relation between fields. Only a draft changes, launches or is
    # previewed as a draft, and each status move is legal from some statuses only: state.
    "POST /api/v1/portal/campaigns/",
    "PATCH /api/v1/portal/campaigns/{id}/",
    "POST /api/v1/portal/campaigns/{id}/launch/",
    "POST /api/v1/portal/campaigns/{id}/pause/",
    "POST /api/v1/portal/campaigns/{id}/resume/",
    "POST /api/v1/portal/campaigns/{id}/cancel/",
    # A question or complaint is about one of the investor's own orders or holdings, or a
    # product on sale (at least one, all of the same product): the investor's data, not the
    # schema's. test_a_client_generated_from_the_schema_asks_a_question covers the shape.
    "POST /api/v1/me/requests/",
    # A distribution names one of the institution's own funds (not a money-market one), a
    # record date after today and record ≤ ex ≤ pay dates: the institution's data, the clock
    # and relations between fields. tests/orders/plans/distributions/test_pages.py covers the shape.
    "POST /api/v1/portal/products/{slug}/distributions/",
    # A coupon names the institution's own funds by slug, ends on or after it starts and not
    # in the past, its code is unique whatever the case, and the kind decides which of
    # percent_off / amount_off / rate_share is needed: data, state and relations between fields.
    # tests/orders/coupons/test_api.py covers each kind's shape.
    "POST /api/v1/portal/coupons/",
    # A code must name an existing coupon not yet in the wallet (state).
    "POST /api/v1/me/coupons/",
    # The e-mails must be the institution's customers (data, not the schema's).
    "POST /api/v1/portal/coupons/{id}/grants/",
    # Each status move is legal from some statuses only (an ended coupon stays ended): state.
    "POST /api/v1/portal/coupons/{id}/status/",
    # ``card`` must be the id of one of the investor's own bound cards (data, not shape), and a
    # withdrawal also needs the PIN (below). tests/orders/cash/test_cards_api.py covers the shape.
    "POST /api/v1/me/cash/deposits/",
    # A card number must be one the bank knows, in the investor's verified name and not bound
    # already: the bank's data and state.
    "POST /api/v1/me/cards/",
    # A document number must pass its type's own rules (the resident ID's region, date of birth
    # and check character), match the date of birth given, belong to no other account, and the
    # name must be letters only: a document's data, not a shape. Submitted once per account.
    # tests/profiles/identity/test_api.py covers the shape and each field's 400.
    "POST /api/v1/me/identity/",
    # X-Trade-PIN must be the investor's own PIN (a secret, not a shape): a generated one is a
    # 403 (wrong) or, after five, a 423 (locked), both described in the schema.
    # test_a_client_generated_from_the_schema_places_an_order sends the right one.
    "POST /api/v1/me/cash/withdrawals/",
    # A PIN is set once, after identity verification, and must not be trivial: state and rules
    # beyond a pattern. tests/profiles/security/test_pin_rules.py covers the shape.
    "POST /api/v1/me/pin/",
    # A plan names a fund on sale that suits the investor, an amount above its minimum, a
    # start from tomorrow and a day valid for its frequency (1–5 weekly, 1–28 monthly): the
    # catalogue, the clock and a relation between fields. tests/orders/plans/test_api.py
    # covers the shape. Pausing, resuming and stopping are legal from some statuses only.
    "POST /api/v1/me/plans/",
    "PATCH /api/v1/me/plans/{id}/",
    "POST /api/v1/me/plans/{id}/pause/",
    "POST /api/v1/me/plans/{id}/resume/",
    "POST /api/v1/me/plans/{id}/stop/",
    # A switch names a fund the investor holds and another fund of the same institution on
    # sale, with units within the holding, and needs the investor's own PIN: the investor's
    # data and a secret. tests/orders/plans/switching/test_api.py covers the shape. A switch is
    # cancellable only while both its orders are pending, before the cut-off: state.
    "POST /api/v1/me/switches/",
    "POST /api/v1/me/switches/{id}/cancel/",
    # ``product`` must name a product on sale (and a NAV alert a fund whose NAV moves): the
    # catalogue's data, not the schema's. Each kind's threshold rules are in the schema's
    # oneOf; test_a_client_generated_from_the_schema_sets_alerts sends every generated body
    # with a real product and requires it accepted.
    "POST /api/v1/me/watchlist/",
    "POST /api/v1/me/alerts/",
    # A periodic report's period must have ended, after the current report's, its dates not
    # lie in the future, its allocation add up to 100 and its holdings to at most 100: the
    # clock, state and relations between fields. tests/products/reports/ covers the
    # shape. Only a draft is submitted, once: state.
    "POST /api/v1/portal/products/{slug}/reports/",
    "POST /api/v1/portal/products/{slug}/reports/{report_pk}/submit/",
}
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))
# A safety net, not the usual bound (EXAMPLES is): operations left when it runs out are named.
SECONDS = float(os.environ.get("FUZZ_SECONDS", "300"))
PLENTY = Decimal("1000000000.00")  # enough cash that no generated withdrawal runs out


_used_counters: set[int] = set()


def _fresh_totp_code() -> str:
    """A code of a window this run has not used yet (allauth refuses a code used before) with
    a few seconds left, zero-padded to six digits."""
    while True:
        now = time.time()
        counter = int(now) // 30
        if counter not in _used_counters and 30 - now % 30 > 4:
            _used_counters.add(counter)
            return format_hotp_value(hotp_value(TOTP_SECRET, counter))
        time.sleep(30 - now % 30 + 0.1)


def _headless_login(base: str, email: str, *, totp: bool = False) -> str:
    """Sign in through allauth's headless app API (and its TOTP step); the session token."""
    session = requests.Session()
    response = session.post(
        f"{base}/_allauth/app/v1/auth/login",
        json={"email": email, "password": PASSWORD},
        timeout=10,
    )
    body = response.json()
    token = body["meta"]["session_token"]
    if totp:
        assert response.status_code == 401, body  # pending the MFA step
        flows = {f["id"]: f for f in body["data"]["flows"]}
        assert flows["mfa_authenticate"].get("is_pending"), body
        response = session.post(
            f"{base}/_allauth/app/v1/auth/2fa/authenticate",
            json={"code": _fresh_totp_code()},
            headers={"X-Session-Token": token},
            timeout=10,
        )
        body = response.json()
        token = body["meta"].get("session_token", token)
        # The session records the TOTP step, which an MFA rule on the API checks.
        assert any(m["method"] == "mfa" for m in body["data"]["methods"]), body
    assert response.status_code == 200, body
    return token


def _fund_with_cash(user) -> None:
    with transaction.atomic():
        orders.post_entry(
            user=user, kind=EntryKind.DEPOSIT, amount=PLENTY, reference=f"fuzz:{user.pk}"
        )


@pytest.fixture
def world():
    """An institution with an editor, an admin and published funds with NAV (minimum purchase
    one fen); an investor with a valid assessment; everybody with plenty of cash."""
    institution = InstitutionFactory()
    editor = UserFactory()
    MembershipFactory(user=editor, institution=institution, role=Role.EDITOR)
    admin = UserFactory(mfa=True)
    MembershipFactory(user=admin, institution=institution, role=Role.ADMIN)
    funds = [
        ProductFactory(institution=institution, min_purchase=Decimal("0.01"), risk_level=1)
        for _ in range(2)
    ]
    for fund in funds:
        for day in range(5):
            NavPriceFactory(product=fund, date=dt.date(2026, 1, 5) + dt.timedelta(days=day))
    investor = UserFactory(trade_pin=True)
    InvestorProfile.objects.create(
        user=investor, risk_level=3, assessment_valid_until=dt.date(2030, 1, 1)
    )
    bound_card(investor)  # with a verified identity: GET /api/v1/me/cards/ lists a card
    for user in (investor, editor, admin):
        _fund_with_cash(user)
    return {"investor": investor, "editor": editor, "admin": admin, "funds": funds}


def _has_inputs(operation) -> bool:
    return any(
        len(getattr(operation, part)) for part in ("path_parameters", "headers", "cookies", "query")
    ) or bool(operation.body)


def _describe(exc: BaseException) -> str:
    parts = [str(exc)]
    for sub in getattr(exc, "exceptions", ()):
        parts.append(f"  - {type(sub).__name__}: {str(sub)[:300]}")
    return "\n".join(parts)[:2500]


def _run(strategy, *, label: str, checks, base: str, token: str, deadline: float) -> list[str]:
    """Call and validate up to EXAMPLES cases; every distinct finding, described."""
    failures: list[str] = []
    seen: set[str] = set()

    @settings(
        max_examples=EXAMPLES,
        derandomize=bool(os.environ.get("CI")),
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=strategy)
    def fuzz(case):
        if time.monotonic() > deadline:
            return
        try:
            case.call_and_validate(
                base_url=base, headers={"X-Session-Token": token}, checks=checks, timeout=20
            )
        except (AssertionError, BaseExceptionGroup) as exc:  # every finding, reported together
            kinds = sorted({type(e).__name__ for e in getattr(exc, "exceptions", [exc])})
            key = f"{label} {', '.join(kinds)}"
            if key not in seen:
                seen.add(key)
                failures.append(f"{key}: {_describe(exc)}")

    try:
        fuzz()
    except Unsatisfiable:  # nothing to break in this mode
        pass
    return failures


def _schema(base: str):
    return schemathesis.openapi.from_url(f"{base}/api/schema/?format=json")


@pytest.mark.parametrize(
    ("principal", "totp"), [("investor", False), ("editor", False), ("admin", True)]
)
def test_every_operation_conforms_to_the_schema_for(principal, totp, live_server, world):
    base = live_server.url
    token = _headless_login(base, world[principal].email, totp=totp)
    deadline = time.monotonic() + SECONDS
    failures: list[str] = []
    for result in _schema(base).get_all_operations():
        operation = result.ok()
        checks = [
            c
            for c in CHECKS
            if not (c is positive_data_acceptance and operation.label in NOT_ACCEPTANCE_CHECKED)
        ]
        modes = [GenerationMode.POSITIVE]
        if _has_inputs(operation):
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:
            if time.monotonic() > deadline:
                warnings.warn(f"fuzz budget spent: {operation.label} not fuzzed", stacklevel=1)
                continue
            started = time.monotonic()
            failures += _run(
                operation.as_strategy(generation_mode=mode),
                label=f"{operation.label} [{mode.value}]",
                checks=checks,
                base=base,
                token=token,
                deadline=deadline,
            )
            if os.environ.get("FUZZ_TIMINGS"):
                print(f"{operation.label} {mode.value}: {time.monotonic() - started:.1f}s")
    assert not failures, "\n\n".join(failures)


def _each_accepted(operation, *, base: str, token: str, prepare) -> list[int]:
    """Call every positive case (after ``prepare(case)``, which may skip it by returning
    False) and require a 201; the statuses seen."""
    statuses: list[int] = []

    @settings(
        max_examples=EXAMPLES,
        derandomize=bool(os.environ.get("CI")),
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    def call(case):
        if prepare(case) is False:
            return
        response = case.call_and_validate(
            base_url=base, headers={"X-Session-Token": token}, checks=CHECKS, timeout=20
        )
        statuses.append(response.status_code)
        assert response.status_code == 201, response.text

    call()
    return statuses


def test_a_client_generated_from_the_schema_places_an_order(live_server, world):
    """Every buy the schema describes is placed once ``product`` names a product on sale and
    the Idempotency-Key is fresh (as the schema asks): the header, the body's required fields
    and their formats are all in it."""
    base = live_server.url
    operation = _schema(base)["/api/v1/orders/"]["POST"]

    def prepare(case):
        assert "Idempotency-Key" in case.headers  # required by the schema, so always generated
        if case.body["side"] != "buy":
            return False
        case.body["product"] = world["funds"][0].slug
        # A coupon must name an existing, usable one (state, like the product): left out
        # here; tests/orders/coupons/ place orders with each kind.
        case.body.pop("coupon", None)
        case.headers["Idempotency-Key"] = uuid.uuid4().hex
        assert "X-Trade-PIN" in case.headers  # required by the schema too
        case.headers["X-Trade-PIN"] = TRADE_PIN
        return True

    token = _headless_login(base, world["investor"].email)
    assert _each_accepted(operation, base=base, token=token, prepare=prepare)


def test_a_client_generated_from_the_schema_applies_to_list(live_server, world):
    """Every application the schema describes is accepted when its licence number is new."""
    base = live_server.url
    operation = _schema(base)["/api/v1/institutions/applications/"]["POST"]

    def prepare(case):
        case.body["licence_number"] = f"LIC-{uuid.uuid4().hex[:12]}"

    token = _headless_login(base, world["investor"].email)
    assert _each_accepted(operation, base=base, token=token, prepare=prepare)


def test_a_client_generated_from_the_schema_asks_a_question(live_server, world):
    """Every question or complaint the schema describes is opened once it names a product on
    sale (and no order or holding of someone else's): the body's fields and formats are all
    in the schema."""
    base = live_server.url
    operation = _schema(base)["/api/v1/me/requests/"]["POST"]

    def prepare(case):
        if not isinstance(case.body, dict):
            return False
        for name in ("order", "holding", "attachment"):
            case.body.pop(name, None)
        case.body["product"] = world["funds"][0].slug
        return True

    token = _headless_login(base, world["investor"].email)
    assert _each_accepted(operation, base=base, token=token, prepare=prepare)


def test_a_client_generated_from_the_schema_sets_alerts(live_server, world):
    """Every alert the schema describes (each kind of its oneOf, with each kind's threshold
    rules) is accepted once ``product`` names a fund on sale: 201, or 200 for a repeat."""
    base = live_server.url
    operation = _schema(base)["/api/v1/me/alerts/"]["POST"]
    token = _headless_login(base, world["investor"].email)
    statuses: list[int] = []

    @settings(
        max_examples=EXAMPLES * 4,
        derandomize=bool(os.environ.get("CI")),
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    def call(case):
        case.body["product"] = world["funds"][len(statuses) % 2].slug
        response = case.call_and_validate(
            base_url=base, headers={"X-Session-Token": token}, checks=CHECKS, timeout=20
        )
        statuses.append(response.status_code)
        assert response.status_code in (200, 201), response.text

    call()
    assert 201 in statuses
