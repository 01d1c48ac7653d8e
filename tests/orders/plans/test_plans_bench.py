"""``bench/plans.py`` runs (at 3,000 plans) and both sides claim the same purchases; the
timings themselves are never asserted."""

import pytest

from bench import plans

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_plans_benchmark_claims_the_same_purchases_as_its_hand_written_sql():
    figures = plans.run_bench(plans=3_000, investors=300)

    assert figures["same"]
    assert 0 < figures["code_claimed"] < 3_000  # most plans are not due on the day
