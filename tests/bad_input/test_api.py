"""The API walk: every field of every JSON write operation, one bad value at a time."""

from __future__ import annotations

import json
import uuid

import pytest

from orders.campaigns.models import Campaign
from tests.factories import PIN_HEADER

from .corpus import OPERATIONS, REFUSED, _allowed, _cases, _kind
from .world import _bases, _client, _counts, _path_objects, _row, _tables, _url, _world

pytestmark = pytest.mark.django_db


def test_the_walk_covers_the_write_operations():
    names = {op for op, _ in OPERATIONS}
    for expected in (
        "POST /api/v1/orders/",
        "PATCH /api/v1/me/profile/",
        "POST /api/v1/me/plans/",
        "POST /api/v1/portal/products/",
        "POST /api/v1/portal/coupons/",
    ):
        assert expected in names
    assert sum(1 for op, fields in OPERATIONS for _ in _cases(op, fields)) > 300


@pytest.mark.parametrize(("operation", "fields"), OPERATIONS, ids=[op for op, _ in OPERATIONS])
def test_bad_input_is_refused_with_nothing_saved_or_kept_exactly(operation, fields, client):
    w = _world()
    method, url, target = _url(operation, _path_objects(w))
    base = dict(_bases(w).get(operation.replace("999999", "{id}"), {}))
    for name, field in fields.items():  # a discriminator (a one-value enum) is always set
        if len(field.get("enum", [])) == 1 and name not in base:
            base[name] = field["enum"][0]
    api = _client(client, w, url)
    tables = _tables()
    problems = []
    for name, field, value in _cases(operation, fields):
        before, row_before = _counts(tables), _row(target)
        body = {**base, name: value}
        response = getattr(api, method)(
            url,
            data=json.dumps(body, allow_nan=True),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"corpus-{uuid.uuid4()}",  # orders and switches need one
            **PIN_HEADER,
        )
        status = response.status_code
        label = f"{name}={value!r:.40}"
        if status >= 500:
            problems.append(f"{label}: {status}")
        elif status in REFUSED:
            if _counts(tables) != before or _row(target) != row_before:
                problems.append(f"{label}: refused ({status}) but something was saved")
        elif 200 <= status < 300:
            if why := _allowed(field, value):
                problems.append(f"{label}: accepted ({status}) although {why}")
            echoed = response.json().get(name) if response.content else None
            if isinstance(value, str) and isinstance(echoed, str) and _kind(field) == "text":
                if echoed != value:
                    problems.append(f"{label}: accepted but stored as {echoed!r:.40}")
        else:
            problems.append(f"{label}: unexpected {status}")
    assert not problems, f"{operation}:\n" + "\n".join(problems)


@pytest.mark.parametrize(("operation", "fields"), OPERATIONS, ids=[op for op, _ in OPERATIONS])
def test_each_known_good_body_is_accepted(operation, fields, client):
    """The walk judges a bad value with the other fields valid: each operation's base body
    must itself be accepted (else every case is a 400 for a missing field, and proves
    nothing). Operations with no JSON field to fill need none."""
    w = _world()
    method, url, _target = _url(operation, _path_objects(w))
    bases = _bases(w)
    if not any(_kind(f) for f in fields.values()):
        assert operation not in bases
        return
    assert operation in bases, f"{operation} has no known-good body"
    response = getattr(_client(client, w, url), method)(
        url,
        data=json.dumps(bases[operation]),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="corpus-base",
        **PIN_HEADER,
    )
    assert 200 <= response.status_code < 300, (operation, response.status_code, response.content)


def test_campaigns_exist_for_the_walk():
    """The walk's world names real objects (a typo would silently turn every case into 404)."""
    w = _world()
    for prefix, obj in _path_objects(w).items():
        assert obj is not None, prefix
    assert Campaign.objects.filter(pk=w["campaign"].pk).exists()
