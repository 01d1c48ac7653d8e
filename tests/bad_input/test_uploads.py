"""A wrong or oversized file sent to every upload of the API is refused with nothing saved."""

from __future__ import annotations

import pytest

from tests.factories import PIN_HEADER

from .corpus import UPLOADS
from .world import _bases, _client, _counts, _path_objects, _row, _tables, _upload, _url, _world

pytestmark = pytest.mark.django_db


def test_the_upload_walk_finds_the_uploads():
    assert len(UPLOADS) >= 3, UPLOADS


@pytest.mark.parametrize(("operation", "files"), UPLOADS, ids=[op for op, _ in UPLOADS])
@pytest.mark.parametrize("kind", ["file:wrong", "file:oversized"])
def test_a_wrong_or_oversized_upload_is_refused_with_nothing_saved(operation, files, kind, client):
    w = _world()
    method, url, target = _url(operation, _path_objects(w))
    base = _bases(w).get(operation, {})  # the other fields valid where known
    api = _client(client, w, url)
    tables = _tables()
    for name in files:
        before, row_before = _counts(tables), _row(target)
        response = getattr(api, method)(url, {**base, name: _upload(kind)}, **PIN_HEADER)
        assert response.status_code in (400, 413), (operation, name, response.status_code)
        assert _counts(tables) == before, (operation, name)
        assert _row(target) == row_before, (operation, name)
