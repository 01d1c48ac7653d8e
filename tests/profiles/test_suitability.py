"""DESIGN §4 suitability and scoring: exhaustive tables over every level and product risk."""

import itertools

import pytest

from profiles.scoring import level_for
from profiles.suitability import (
    REFUSED_EXPIRED,
    REFUSED_NO_ASSESSMENT,
    WARNING_VERSION,
    Outcome,
    suitability_check,
)


def expected(level, valid, risk):
    if not valid:
        return Outcome.REFUSED
    if risk <= level:
        return Outcome.ALLOWED
    if level == 1:
        return Outcome.REFUSED
    return Outcome.NEEDS_ACKNOWLEDGEMENT


@pytest.mark.parametrize(
    ("level", "valid", "risk"), list(itertools.product(range(1, 6), (True, False), range(1, 6)))
)
def test_every_level_risk_and_validity(level, valid, risk):
    result = suitability_check(investor_level=level, assessment_valid=valid, product_risk=risk)
    assert result.outcome == expected(level, valid, risk)
    if result.needs_acknowledgement:
        assert result.warning_version == WARNING_VERSION
        assert f"R{risk}" in result.warning_text
        assert f"C{level}" in result.warning_text
    else:
        assert result.warning_text == ""
    if not valid:
        assert result.reason == REFUSED_EXPIRED


@pytest.mark.parametrize("risk", range(1, 6))
def test_no_assessment_is_refused(risk):
    result = suitability_check(investor_level=None, assessment_valid=False, product_risk=risk)
    assert result.refused
    assert result.reason == REFUSED_NO_ASSESSMENT


def test_c1_is_refused_r2_outright():
    result = suitability_check(investor_level=1, assessment_valid=True, product_risk=2)
    assert result.refused
    assert "R1 products only" in result.reason


@pytest.mark.parametrize(
    ("score", "level"),
    [(0, 1), (19, 1), (20, 2), (36, 2), (37, 3), (53, 3), (54, 4), (82, 4), (83, 5), (100, 5)],
)
def test_score_bands(score, level):
    assert level_for(score=score) == level


@pytest.mark.parametrize("score", [0, 50, 100])
def test_a_knock_out_answer_is_c1_whatever_the_score(score):
    assert level_for(score=score, knocked_out=True) == 1


@pytest.mark.parametrize("score", [-1, 101])
def test_scores_outside_0_100_are_errors(score):
    with pytest.raises(ValueError, match="score out of range"):
        level_for(score=score)
