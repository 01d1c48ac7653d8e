"""DESIGN §4 marketing rules, one function used for articles and product descriptions."""

import pytest

from products.marketing import (
    ANNUALISED_TOO_SHORT,
    PERIOD_TOO_SHORT,
    RISK_MISSING,
    marketing_violations,
)


def quoted(template, sentence):
    return template.format(sentence=sentence)


@pytest.mark.parametrize(
    "text",
    [
        "Over the past two years this R3 fund returned 8.2%.",
        "This R2 fund gained 4.1% over 2 years, 2.0% annualised.",
        "Fees are 1.5% for orders under 500,000.",
        "We are a fund company founded in 1998.",
        "Since launch in 2019 the fund (R4) is up 35%.",
    ],
)
def test_compliant_text_passes(text):
    assert marketing_violations(text) == []


def test_a_return_without_a_risk_level_is_quoted():
    sentence = "The fund returned 12.5% over 1 year."
    assert marketing_violations(f"Hello. {sentence}") == [quoted(RISK_MISSING, sentence)]


@pytest.mark.parametrize(
    "sentence",
    [
        "The R3 fund returned 5% over 3 months.",
        "This R3 fund returned 5% in 6 months.",
        "Up 5% year to date (R3).",
        "The R4 fund gained 2% last month.",
    ],
)
def test_short_periods_are_refused(sentence):
    assert quoted(PERIOD_TOO_SHORT, sentence) in marketing_violations(sentence)


def test_annualising_a_short_period_is_refused():
    sentence = "An annualised return of 20% over 9 months for this R4 fund."
    assert marketing_violations(sentence) == [quoted(ANNUALISED_TOO_SHORT, sentence)]


def test_chinese_text_is_checked_too():
    assert marketing_violations("本基金近一年收益12%。") != []


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Guaranteed returns, whatever the market does.", "Guaranteed returns"),
        ("A RISK-FREE way to grow your savings.", "RISK-FREE"),
        ("Your money is capital guaranteed.", "capital guaranteed"),
        ("There is no risk in this fund.", "no risk"),
        ("Zero-risk income for the cautious.", "Zero-risk"),
        ("本产品保本保息。", "保本"),
        ("稳赚的好选择。", "稳赚"),
        ("这是一只无风险的基金。", "无风险"),
    ],
)
def test_claims_no_regulated_product_may_make_are_refused(text, claim):
    from products.marketing import FORBIDDEN_CLAIM

    assert marketing_violations(text) == [FORBIDDEN_CLAIM.format(claim=claim, sentence=text)]


@pytest.mark.parametrize(
    "text",
    [
        "This fund is not risk-free: its price can fall.",
        "本产品不保本，投资需谨慎。",
        "Noriskfund is not a word, and risk-freedom is not a claim.",
        "There is no guaranteed return.",
    ],
)
def test_disclosures_and_other_words_are_not_forbidden_claims(text):
    assert marketing_violations(text) == []


def test_forbidden_claims_are_one_maintained_list():
    from products.marketing import FORBIDDEN_CLAIMS

    assert {"guaranteed returns", "risk-free", "capital guaranteed", "保本", "无风险"} <= set(
        FORBIDDEN_CLAIMS
    )
