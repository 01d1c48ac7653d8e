"""``bench/offers.py`` runs (at 2,000 investors) and both sides write the same offers; the
timings themselves are never asserted."""

import pytest

from bench import offers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_offers_benchmark_sends_the_same_offers_as_its_hand_written_sql():
    figures = offers.run(investors=2_000)

    assert figures["same"]
    assert 0 < figures["code_offers"] < 2_000  # the segment and the cap leave some out
    assert figures["status"] == "sent"
