"""Audience insight never reveals a group under 20 people, directly or by subtraction."""

import itertools
import random

import pytest

from institutions.models import Role
from orders.audience import suppress
from profiles import services
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory


def test_a_cell_of_20_is_shown_and_19_is_not():
    table = suppress({("C3", "post_90s"): 20}, ["C3"], ["post_90s"])
    assert table.cell("C3", "post_90s") == 20
    table = suppress({("C3", "post_90s"): 19}, ["C3"], ["post_90s"])
    assert table.cell("C3", "post_90s") is None
    assert table.total is None


def recoverable(table, rows, cols):
    """Cells an attacker can compute from the visible figures (one unknown per line)."""
    known = {k: v for k, v in table.cells.items() if v is not None}
    changed = True
    while changed:
        changed = False
        lines = [([(r, c) for c in cols], table.row_totals[r]) for r in rows]
        lines += [([(r, c) for r in rows], table.col_totals[c]) for c in cols]
        for keys, total in lines:
            unknown = [k for k in keys if k not in known]
            if total is not None and len(unknown) == 1:
                known[unknown[0]] = total - sum(known[k] for k in keys if k in known)
                changed = True
    return known


@pytest.mark.parametrize("seed", range(40))
def test_no_hidden_cell_can_be_recovered_from_the_totals(seed):
    rng = random.Random(seed)
    rows, cols = ["C1", "C2", "C3", "C4"], ["a", "b", "c"]
    counts = {(r, c): rng.choice([0, 3, 15, 19, 20, 21, 40, 90]) for r in rows for c in cols}
    table = suppress(counts, rows, cols)
    for key in recoverable(table, rows, cols):
        assert counts[key] >= 20, f"{key} ({counts[key]}) can be recovered from the totals"


def test_subtraction_attack_on_a_single_small_cell_fails():
    rows, cols = ["C2", "C3"], ["post_80s", "post_90s"]
    counts = {
        ("C2", "post_80s"): 5,
        ("C2", "post_90s"): 50,
        ("C3", "post_80s"): 60,
        ("C3", "post_90s"): 70,
    }
    table = suppress(counts, rows, cols)
    assert table.cell("C2", "post_80s") is None
    visible = {k for k, v in table.cells.items() if v is not None}
    for r, c in itertools.product(rows, cols):
        if table.row_totals[r] is not None:
            hidden_in_row = [c2 for c2 in cols if (r, c2) not in visible]
            assert len(hidden_in_row) != 1
        if table.col_totals[c] is not None:
            hidden_in_col = [r2 for r2 in rows if (r2, c) not in visible]
            assert len(hidden_in_col) != 1


@pytest.mark.django_db
def test_portal_audience_counts_only_consenting_investors(client):
    institution = InstitutionFactory()
    analyst = MembershipFactory(institution=institution, role=Role.ANALYST).user
    for i in range(45):
        investor = UserFactory()
        services.profile_update(user=investor, birth_year=1985 if i < 25 else 1992)
        if i < 40:
            services.consent_set(
                user=investor, kind="share_profile_with_institutions", granted=True
            )
    client.force_login(analyst)
    body = client.get("/api/v1/portal/audience/?rows=risk_level&cols=age_cohort").json()
    others = body["others"]
    assert others["col_totals"]["post_80s"] == 25
    assert others["col_totals"]["post_90s"] == "< 20"  # 15 consenting post-90s
    assert others["total"] == 40
    assert body["customers"]["total"] == "< 20"  # no customers before orders exist
    assert client.get("/api/v1/portal/audience/?rows=city&cols=city").status_code == 400
    page = client.get("/portal/audience/?rows=city&cols=income_band")
    assert page.status_code == 200
